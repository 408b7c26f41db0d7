using Npgsql;
using Xunit;

namespace Bpm.Testing;

/// <summary>
/// xunit class fixture: a fresh, empty database on the shared <see cref="PostgresServer"/> for each test
/// class, so classes can run in parallel without seeing each other's rows. Subclass to change the prefix.
/// </summary>
public class PostgresDatabaseFixture : IAsyncLifetime
{
    // Generous: the first fixture in the process also pays for initdb and server start.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private PostgresServer? _server;
    private string? _connectionString;

    /// <summary>The shared server the database lives on.</summary>
    public PostgresServer Server => _server ?? throw NotInitialized();

    /// <summary>Connection string of this fixture's own database.</summary>
    public string ConnectionString => _connectionString ?? throw NotInitialized();

    /// <summary>Start of the database name, to tell databases apart when debugging an external server.</summary>
    protected virtual string DatabasePrefix => GetType() == typeof(PostgresDatabaseFixture) ? "bpm_test" : GetType().Name;

    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        _server = await PostgresServer.SharedAsync(timeout.Token);
        _connectionString = await _server.CreateDatabaseAsync(DatabasePrefix, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        // The local server vanishes at process exit anyway; dropping matters for a long-lived BPM_TEST_POSTGRES one.
        if (_server is not null && _connectionString is not null)
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await _server.DropDatabaseAsync(_connectionString, timeout.Token);
        }
    }

    private static InvalidOperationException NotInitialized() =>
        new("PostgresDatabaseFixture is not initialised yet; use it as an xunit class/collection fixture.");
}
