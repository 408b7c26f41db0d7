using Bpm.Storage;

namespace Bpm.Storage.Tests;

/// <summary>
/// Every storage test, written once and run on both providers: <see cref="SqliteStorageTests"/> and
/// <see cref="PostgresStorageTests"/>. Each test gets a fresh, empty database and a store on it.
/// </summary>
public abstract partial class StorageTests : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _timeout = new(Timeout);

    protected EngineStore Store { get; private set; } = null!;

    /// <summary>Cancelled when the test runs too long, so a hang fails instead of blocking the run.</summary>
    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A store on a new, empty database.</summary>
    protected abstract Task<EngineStore> CreateStoreAsync();

    /// <summary>Removes the database made by <see cref="CreateStoreAsync"/>.</summary>
    protected abstract Task DeleteDatabaseAsync();

    /// <summary>What the database really holds, read from its catalog.</summary>
    internal abstract Task<Catalog> ReadCatalogAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await DeleteDatabaseAsync();
        _timeout.Dispose();
    }

    /// <summary>A migrated store: what most tests start from.</summary>
    protected async Task<EngineStore> MigratedAsync()
    {
        await Store.MigrateAsync(Ct);
        return Store;
    }
}

/// <summary>Tables, columns, primary keys and indexes, each as one comparable line.</summary>
internal sealed record Catalog(
    IReadOnlyList<string> Tables,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> PrimaryKeys,
    IReadOnlyList<string> Indexes)
{
    public static string Column(string table, string column, string type, bool nullable) =>
        $"{table}.{column} {type} {(nullable ? "NULL" : "NOT NULL")}";

    public static string PrimaryKey(string table, string? name, IEnumerable<string> columns) =>
        $"{table} PRIMARY KEY {name} ({string.Join(", ", columns)})";

    public static string Index(string table, string name, IEnumerable<string> columns, bool unique) =>
        $"{table} {(unique ? "UNIQUE " : "")}INDEX {name} ({string.Join(", ", columns)})";

    /// <summary>Sorted copies, so two catalogs compare line by line.</summary>
    public Catalog Normalized() => new(
        Tables.Order(StringComparer.Ordinal).ToList(),
        Columns.Order(StringComparer.Ordinal).ToList(),
        PrimaryKeys.Order(StringComparer.Ordinal).ToList(),
        Indexes.Order(StringComparer.Ordinal).ToList());
}
