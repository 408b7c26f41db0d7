using Bpm.Storage;
using Bpm.Testing;
using Microsoft.Data.Sqlite;

namespace Bpm.Server.Tests.Scheduling;

/// <summary>A database of its own for one test: a fresh PostgreSQL database on the shared server, or a temporary SQLite file.</summary>
public sealed class SchedulingDatabase : IAsyncDisposable
{
    private readonly PostgresServer? _server;
    private readonly string? _file;

    private SchedulingDatabase(StorageProvider provider, string connectionString, PostgresServer? server, string? file)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _server = server;
        _file = file;
    }

    public StorageProvider Provider { get; }
    public string ConnectionString { get; }

    public static async Task<SchedulingDatabase> CreateAsync(StorageProvider provider)
    {
        if (provider == StorageProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"bpm-scheduling-{Guid.NewGuid():N}.db");
            return new SchedulingDatabase(provider, $"Data Source={file}", null, file);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // the first test also pays for initdb
        var server = await PostgresServer.SharedAsync(timeout.Token);
        return new SchedulingDatabase(provider, await server.CreateDatabaseAsync("bpm_scheduling", timeout.Token), server, null);
    }

    /// <summary>A new engine store over this database, migrated (what a server process does at start-up).</summary>
    public async Task<EngineStore> OpenStoreAsync()
    {
        var store = BpmStorage.Open(Provider, ConnectionString);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await _server.DropDatabaseAsync(ConnectionString, timeout.Token);
        }
        if (_file is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
        }
    }

    public override string ToString() => Provider.ToString();
}
