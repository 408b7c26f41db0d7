using Bpm.Engine.State;
using Bpm.Server.Cli;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Server.Tests.Cli;

/// <summary>`bpm generate` at a small size on both databases: the requested counts, plausible proportions, rollups that match the rows, and the same rows for the same seed.</summary>
public abstract class GenerateCommandTests
{
    protected abstract Task<string> NewDatabaseAsync();

    private static Task<int> GenerateAsync(string database, int cases, int seed, CliTestConsole console) =>
        GenerateCommand.InvokeAsync(database, cases, seed, "2025-01-01", "2026-11-21", console, CancellationToken.None);

    private static EngineStore Open(string database)
    {
        var settings = GenerateCommand.Settings(database);
        return BpmStorage.Open(settings.Provider, settings.ConnectionString);
    }

    [Fact]
    public async Task Generates_the_requested_cases_with_plausible_history_and_matching_rollups()
    {
        var database = await NewDatabaseAsync();
        var console = new CliTestConsole();
        Assert.Equal(GenerateCommand.Ok, await GenerateAsync(database, 2000, 3, console));
        Assert.Contains("2,000 cases", console.Output);

        await using var store = Open(database);
        await using var db = store.CreateContext();
        var cases = await db.Cases.AsNoTracking().Select(c => new { c.Status, c.SuspendedMs, c.EndedAt, c.PowerCode, c.WorkingMs }).ToListAsync();
        var visits = await db.NodeVisits.AsNoTracking().ToListAsync();
        Assert.Equal(2000, cases.Count);
        Assert.True(visits.Count >= 8 * cases.Count, $"{visits.Count} visits for {cases.Count} cases");
        Assert.Equal(8, cases.Select(c => c.PowerCode).Distinct().Count()); // every power of the catalog

        var completed = cases.Count(c => c.Status == CaseStatus.Completed) / (double)cases.Count;
        var withdrawn = cases.Count(c => c.Status == CaseStatus.Withdrawn) / (double)cases.Count;
        var open = cases.Count(c => c.EndedAt == null);
        var suspended = cases.Count(c => c.SuspendedMs > 0) / (double)cases.Count;
        Assert.InRange(completed, 0.85, 0.97);
        Assert.InRange(withdrawn, 0.02, 0.09);
        Assert.InRange(suspended, 0.02, 0.12);
        Assert.InRange(open, 1, 200); // only cases filed near the end of the window are still running

        var timed = visits.Where(v => v.LeftAt != null && v.DueAt != null && v.NodeKind == "task").ToList();
        var late = timed.Count(v => v.LeftAt > v.DueAt) / (double)timed.Count;
        Assert.InRange(late, 0.03, 0.25); // about one step in ten runs over its limit
        Assert.All(timed, v => Assert.NotNull(v.Handler));
        Assert.All(visits.Where(v => v.LeftAt == null), v => Assert.Null(v.WorkingMs));

        // The rollups hold exactly the counted visits and the ended cases.
        var counted = visits.Count(TimingResolution.Counts);
        var months = await db.Set<NodeTimingHistogram>().AsNoTracking()
            .Where(r => r.Period % 100 == 0 && r.Period % 10000 != 0 && r.Handler == TimingResolution.All && r.CaseOutcome == TimingResolution.All).ToListAsync();
        var years = await db.Set<NodeTimingHistogram>().AsNoTracking()
            .Where(r => r.Period % 10000 == 0 && r.Handler == TimingResolution.All && r.CaseOutcome == TimingResolution.All).SumAsync(r => r.Visits);
        Assert.Equal(counted, years);
        Assert.Equal(counted, months.Sum(r => r.Visits));
        Assert.Equal(counted, NodeTiming.Merge(months.Select(r => r.Histogram)).Sum(b => b.Count));
        var days = await db.Set<NodeTimingHistogram>().AsNoTracking()
            .Where(r => r.Period % 100 != 0 && r.Handler != TimingResolution.All && r.CaseOutcome != TimingResolution.All).SumAsync(r => r.Visits);
        Assert.Equal(counted, days);
        Assert.Equal(cases.Count(c => c.EndedAt != null), await db.Set<CaseIndicatorRollup>().SumAsync(r => r.Cases));
        var lateInRollups = months.Sum(r => r.Late);
        Assert.Equal(visits.Count(v => TimingResolution.Counts(v) && v.DueAt != null && v.LeftAt > v.DueAt), lateInRollups);

        // `bpm timing` reads the same database directly: one row per step of the power, named from its definition.
        var timing = new CliTestConsole();
        Assert.Equal(TimingCommand.Ok, await TimingCommand.InvokeAsync(null, null, database,
            new TimingCommand.Slice("XK00211001", null, null, null, null, null, null, null, "handler"), timing, _ => null, CancellationToken.None));
        Assert.Contains("材料审查 (review)", timing.Output);
        Assert.Contains("-经办人", timing.Output);
        Assert.Contains("percentiles: nearest rank", timing.Output);
    }

    [Fact]
    public async Task Rollups_rebuilt_after_deletion_answer_as_the_generated_ones_did()
    {
        var database = await NewDatabaseAsync();
        Assert.Equal(GenerateCommand.Ok, await GenerateAsync(database, 600, 5, new CliTestConsole()));
        await using var store = Open(database);
        var now = DateTime.UtcNow;
        async Task<string> AnswersAsync()
        {
            await using var db = store.CreateContext();
            var day = TimeSpan.FromHours(7);
            var byHandler = await NodeTiming.QueryAsync(db, new NodeTimingFilter("XK00211001", GroupBy: TimingGroup.Handler), now, day, CancellationToken.None);
            var granted = await NodeTiming.QueryAsync(db, new NodeTimingFilter(Outcome: "准予", From: new DateOnly(2025, 3, 10), To: new DateOnly(2026, 2, 20)), now, day, CancellationToken.None);
            var indicators = await CaseIndicators.QueryAsync(db, new IndicatorFilter(From: new DateOnly(2025, 2, 1), To: new DateOnly(2026, 6, 30)), now, day, CancellationToken.None);
            return System.Text.Json.JsonSerializer.Serialize(new { byHandler, granted, indicators });
        }
        var before = await AnswersAsync();
        Assert.Contains("\"Completed\":", before);

        await using (var db = store.CreateContext())
        {
            await db.Set<NodeTimingHistogram>().ExecuteDeleteAsync();
            await db.Set<CaseIndicatorRollup>().ExecuteDeleteAsync();
        }
        Assert.NotEqual(before, await AnswersAsync());

        var console = new CliTestConsole();
        Assert.Equal(RollupsCommand.Ok, await RollupsCommand.RebuildAsync(database, 250, console, CancellationToken.None));
        Assert.Contains("rebuilt from 600 case(s)", console.Output);
        Assert.Contains("in 3 batch(es)", console.Output);
        Assert.Equal(before, await AnswersAsync());

        // Generated history has no journal: verify counts it as unjournaled and finds nothing to contradict.
        var verify = new CliTestConsole();
        Assert.Equal(IndicatorsCommand.Ok, await IndicatorsCommand.InvokeAsync(null, null, database, true,
            new IndicatorsCommand.Slice(null, null, null, null), verify, _ => null, CancellationToken.None));
        Assert.Contains("600 without a journal", verify.Output);
        Assert.Contains("0 difference(s)", verify.Output);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_rows_and_another_seed_other_rows()
    {
        async Task<List<(Guid, string, DateTime)>> RunAsync(int seed)
        {
            var database = await NewDatabaseAsync();
            Assert.Equal(GenerateCommand.Ok, await GenerateAsync(database, 300, seed, new CliTestConsole()));
            await using var store = Open(database);
            await using var db = store.CreateContext();
            return (await db.Cases.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.PowerCode, c.AppliedAt }).ToListAsync())
                .Select(c => (c.Id, c.PowerCode, c.AppliedAt)).ToList();
        }

        var first = await RunAsync(11);
        Assert.Equal(first, await RunAsync(11));
        Assert.NotEqual(first, await RunAsync(12));
    }

    [Fact]
    public async Task A_bad_count_or_window_is_a_usage_error()
    {
        var console = new CliTestConsole();
        Assert.Equal(GenerateCommand.Usage, await GenerateCommand.InvokeAsync("Data Source=/nonexistent/x.db", 0, 1, null, null, console, CancellationToken.None));
        Assert.Equal(GenerateCommand.Usage, await GenerateCommand.InvokeAsync("Data Source=/nonexistent/x.db", 10, 1, "2026-02-01", "2026-01-01", console, CancellationToken.None));
    }
}

public sealed class SqliteGenerateCommandTests : GenerateCommandTests, IDisposable
{
    private readonly List<string> _files = [];

    protected override Task<string> NewDatabaseAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bpm-generate-{Guid.NewGuid():N}.db");
        _files.Add(file);
        return Task.FromResult($"Data Source={file}");
    }

    public void Dispose()
    {
        foreach (var file in _files.SelectMany(f => new[] { f, f + "-wal", f + "-shm" })) File.Delete(file);
    }
}

public sealed class PostgresGenerateCommandTests(PostgresDatabaseFixture fixture) : GenerateCommandTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<string> NewDatabaseAsync() => fixture.Server.CreateDatabaseAsync("bpm_generate");
}
