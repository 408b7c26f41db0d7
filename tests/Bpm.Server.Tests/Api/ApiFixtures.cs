using Bpm.Testing;

namespace Bpm.Server.Tests.Api;

/// <summary>One server per test class and database; tests keep apart by using their own cases and power codes.</summary>
public abstract class ApiFixture : IAsyncLifetime
{
    public ApiServer Server { get; private set; } = null!;

    protected abstract Task<ApiServer> StartAsync();

    public virtual async Task InitializeAsync() => Server = await StartAsync();

    public virtual async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class SqliteApiFixture : ApiFixture
{
    protected override Task<ApiServer> StartAsync() => ApiServer.SqliteAsync();
}

public sealed class PostgresApiFixture : ApiFixture
{
    private readonly PostgresDatabaseFixture _database = new();

    protected override Task<ApiServer> StartAsync() => ApiServer.PostgresAsync(_database);

    public override async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }
}
