using System.Data.Common;
using Bpm.Engine.Ports;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace Bpm.Storage;

/// <summary>
/// The engine's storage on one database. Built once per process (it holds the context pool and, on PostgreSQL,
/// the connection pool); thread-safe; each <see cref="OpenAsync"/> hands out an independent unit of work.
/// </summary>
public sealed class EngineStore : IEngineStore, IAsyncDisposable
{
    // Npgsql prepares a statement server-side once it has run this often, which saves PostgreSQL parsing and
    // planning the same few statements thousands of times a second. Used unless the connection string says otherwise.
    private const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The most statements EF sends to PostgreSQL in one batch. A session's save that fits is sent as a single batch
    /// with no transaction of its own (PostgreSQL makes the batch one implicit transaction; see EngineSession.SaveAsync).
    /// </summary>
    internal const int MaxStatementsPerBatch = 1000;

    private readonly Func<BpmDbContext> _createContext;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly string _connectionString;
    private readonly Lazy<CaseLoader> _caseLoader;

    internal EngineStore(StorageProvider provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Provider = provider;
        _connectionString = connectionString;
        switch (provider)
        {
            case StorageProvider.Sqlite:
            {
                var builder = new SqliteConnectionStringBuilder(connectionString);
                var options = new DbContextOptionsBuilder<SqliteBpmDbContext>()
                    .UseSqlite(connectionString)
                    .AddInterceptors(new SqliteConnectionSetup(checked(builder.DefaultTimeout * 1000)))
                    .ConfigureWarnings(IgnoreMissingSnapshot)
                    .Options;
                var factory = new PooledDbContextFactory<SqliteBpmDbContext>(options);
                _createContext = factory.CreateDbContext;
                break;
            }
            case StorageProvider.Postgres:
            {
                var builder = new NpgsqlDataSourceBuilder(connectionString);
                if (!Mentions(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
                {
                    builder.ConnectionStringBuilder.MaxAutoPrepare = DefaultMaxAutoPrepare;
                }
                _dataSource = builder.Build();
                var options = new DbContextOptionsBuilder<PostgresBpmDbContext>()
                    .UseNpgsql(_dataSource, npgsql => npgsql.MaxBatchSize(MaxStatementsPerBatch))
                    .ConfigureWarnings(IgnoreMissingSnapshot)
                    .Options;
                var factory = new PooledDbContextFactory<PostgresBpmDbContext>(options);
                _createContext = factory.CreateDbContext;
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown storage provider");
        }
        _caseLoader = new Lazy<CaseLoader>(() =>
        {
            using var context = CreateContext();
            return new CaseLoader(context);
        });
    }

    public StorageProvider Provider { get; }

    internal StoreQueries Queries { get; } = new();

    internal CaseLoader CaseLoader => _caseLoader.Value;

    /// <summary>
    /// A context for ad-hoc queries (supervision, REST reads), from the same pool the sessions use.
    /// Dispose it to give it back. Prefer <c>AsNoTracking()</c> for reads.
    /// </summary>
    public BpmDbContext CreateContext() => _createContext();

    public Task<IEngineSession> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IEngineSession>(OpenSession());
    }

    /// <summary>A unit of work (what <see cref="OpenAsync"/> returns, typed).</summary>
    public EngineSession OpenSession() => new(this, CreateContext());

    /// <summary>
    /// Brings the database to the current schema (a no-op when it is already there). On SQLite it also creates
    /// the file's folder and switches the file to write-ahead logging, so readers never block the writer.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var context = CreateContext();
        if (Provider == StorageProvider.Sqlite)
        {
            EnsureSqliteFolder();
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        }
        // A database migrated by a newer server has steps this build does not know: running on it could corrupt it.
        var known = context.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).Where(id => !known.Contains(id)).ToList();
        if (unknown.Count > 0) throw new SchemaTooNewException(unknown, known.Max(StringComparer.Ordinal));
        await context.Database.MigrateAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        if (Provider == StorageProvider.Sqlite)
        {
            // Let go of the pooled file handles, so the file can be moved or deleted.
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    private static void IgnoreMissingSnapshot(WarningsConfigurationBuilder warnings) =>
        // Migrations are written by hand (no design-time tooling), so there is no model snapshot to compare with.
        warnings.Ignore(RelationalEventId.PendingModelChangesWarning);

    private void EnsureSqliteFolder()
    {
        var builder = new SqliteConnectionStringBuilder(_connectionString);
        var file = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || file.Length == 0 || file == ":memory:" || file.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
    }

    private static bool Mentions(string connectionString, params string[] keywords)
    {
        var raw = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keywords.Any(raw.ContainsKey);
    }
}

/// <summary>The database was migrated by a newer version of the server than this one.</summary>
public sealed class SchemaTooNewException(IReadOnlyList<string> unknown, string? newestKnown)
    : Exception($"the database has schema version {unknown.Max(StringComparer.Ordinal)}, newer than this server's {newestKnown ?? "(none)"}; " +
                $"upgrade the server (unknown migrations: {string.Join(", ", unknown)})")
{
    public IReadOnlyList<string> UnknownMigrations { get; } = unknown;
}
