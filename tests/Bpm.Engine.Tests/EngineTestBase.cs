using System.Text.Json.Nodes;
using Bpm.Definitions;
using Bpm.Engine.Commands;
using Bpm.Engine.Journal;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Storage;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Engine.Tests;

/// <summary>One engine over a real, freshly migrated database; subclasses pick PostgreSQL or SQLite.</summary>
public abstract class EngineTestBase(TestDatabase database) : IAsyncLifetime
{
    protected static readonly Actor Applicant = new("91330000MA0000001X", "某某建设有限公司");
    protected static readonly Actor Admin = new("admin", "系统管理员");

    protected EngineStore Store { get; private set; } = null!;
    protected CaseEngine Engine { get; private set; } = null!;

    protected TestDatabase Database => database;

    public async Task InitializeAsync()
    {
        Store = BpmStorage.Open(database.Provider, database.ConnectionString);
        await Store.MigrateAsync(CancellationToken.None);
        Engine = new CaseEngine(Store);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        database.Dispose();
    }

    /// <summary>A new store and engine over the same database, sharing nothing in memory with the first.</summary>
    protected (EngineStore Store, CaseEngine Engine) Reopen()
    {
        var store = BpmStorage.Open(database.Provider, database.ConnectionString);
        return (store, new CaseEngine(store));
    }

    protected static Actor Handler(string id) => new(id, id);

    protected async Task<string> PublishJointAsync(string join = "all", int? quorum = null, string refuseWhen = "data.amount > 1000000")
    {
        var code = TestDefinitions.NewCode();
        var published = await Engine.Definitions.PublishAsync(TestDefinitions.Joint(code, join, quorum, refuseWhen), DefinitionFormat.Yaml, "tester");
        Assert.True(published.Created);
        return code;
    }

    protected async Task<string> PublishCatalogAsync(string fileStart)
    {
        var file = RepositoryPaths.CatalogFiles().Single(f => Path.GetFileName(f).StartsWith(fileStart, StringComparison.Ordinal));
        var published = await Engine.Definitions.PublishAsync(await File.ReadAllTextAsync(file), DefinitionFormat.Yaml, "tester");
        return published.PowerCode;
    }

    protected Task<CommandResult> Run(CaseCommand command) => Engine.ExecuteAsync(command);

    protected Task<CommandResult> ApplyAsync(string code, double amount = 1000) =>
        Run(new Apply(code, Applicant, new JsonObject { ["amount"] = amount }));

    /// <summary>Applies on the test joint definition and accepts, leaving the branches open.</summary>
    protected async Task<CommandResult> ApplyAndAcceptAsync(string code, double amount = 1000)
    {
        var applied = await ApplyAsync(code, amount);
        return await Run(new Accept(applied.At("accept").Id, Handler("window-1")));
    }

    protected Task<CommandResult> CompleteAsync(CommandResult state, string nodeId, string outcome = "同意", string handler = "h", JsonObject? form = null) =>
        Run(new Complete(state.At(nodeId).Id, Handler(handler), outcome) { Opinion = $"{outcome}（{nodeId}）", Form = form });

    protected async Task<List<NodeVisit>> VisitsAsync(Guid caseId)
    {
        await using var session = await Store.OpenAsync(default);
        return [.. await session.LoadVisitsAsync(caseId, default)];
    }

    protected async Task<List<JournalEntry>> JournalAsync(Guid caseId)
    {
        await using var session = await Store.OpenAsync(default);
        return [.. await session.LoadJournalAsync(caseId, default)];
    }

    protected async Task<WorkItem> WorkItemAsync(Guid id)
    {
        await using var session = await Store.OpenAsync(default);
        return (await session.FindWorkItemAsync(id, default))!;
    }

    protected async Task<Case> CaseAsync(Guid id)
    {
        await using var context = Store.CreateContext();
        return await context.Cases.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    protected async Task<List<WorkItem>> WorkItemsAsync(Guid caseId)
    {
        await using var context = Store.CreateContext();
        return await context.WorkItems.AsNoTracking().Where(w => w.CaseId == caseId).OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToListAsync();
    }

    /// <summary>Runs SQL behind the engine's back (the interpolated values become parameters).</summary>
    protected async Task<int> ExecuteSqlAsync(FormattableString sql)
    {
        await using var context = Store.CreateContext();
        return await context.Database.ExecuteSqlAsync(sql);
    }

    protected async Task<JournalVerification> VerifyAsync(Guid caseId) => await Engine.VerifyJournalAsync(caseId);
}

/// <summary>The database a test class runs on: a temporary SQLite file, or a PostgreSQL database from the fixture.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string? _file;

    private TestDatabase(StorageProvider provider, string connectionString, string? file)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _file = file;
    }

    public StorageProvider Provider { get; }
    public string ConnectionString { get; }

    public static TestDatabase Sqlite()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bpm-engine-{Guid.NewGuid():N}.db");
        return new TestDatabase(StorageProvider.Sqlite, $"Data Source={file}", file);
    }

    public static TestDatabase Postgres(PostgresDatabaseFixture fixture) => new(StorageProvider.Postgres, fixture.ConnectionString, null);

    public override string ToString() => Provider.ToString();

    public void Dispose()
    {
        if (_file is null) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
    }
}
