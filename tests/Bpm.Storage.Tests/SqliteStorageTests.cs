using System.Text.RegularExpressions;
using Bpm.Storage;
using Microsoft.Data.Sqlite;

namespace Bpm.Storage.Tests;

/// <summary>The storage tests on an SQLite file in the temp folder, deleted afterwards.</summary>
public sealed partial class SqliteStorageTests : StorageTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"bpm-storage-{Guid.NewGuid():N}.db");

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _file }.ToString();

    protected override Task<EngineStore> CreateStoreAsync() => Task.FromResult(BpmStorage.Sqlite(ConnectionString));

    protected override Task DeleteDatabaseAsync()
    {
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Migrating_switches_the_file_to_write_ahead_logging()
    {
        await MigratedAsync();
        await using var connection = await OpenAsync();
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
    }

    internal override async Task<Catalog> ReadCatalogAsync()
    {
        await using var connection = await OpenAsync();
        var tables = await RowsAsync(connection,
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", null,
            r => (Name: r.GetString(0), Sql: r.GetString(1)));
        List<string> columns = [], keys = [], indexes = [];
        foreach (var (table, sql) in tables)
        {
            var tableColumns = await RowsAsync(connection,
                "SELECT name, type, \"notnull\", pk FROM pragma_table_info(@p)", table,
                r => (Name: r.GetString(0), Type: r.GetString(1), NotNull: r.GetInt64(2) != 0, Pk: r.GetInt32(3)));
            columns.AddRange(tableColumns.Select(c => Catalog.Column(table, c.Name, c.Type, !c.NotNull)));
            var keyName = PrimaryKeyName().Match(sql) is { Success: true } m ? m.Groups[1].Value : null;
            keys.Add(Catalog.PrimaryKey(table, keyName, tableColumns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name)));

            var tableIndexes = await RowsAsync(connection,
                "SELECT name, \"unique\" FROM pragma_index_list(@p) WHERE origin = 'c'", table,
                r => (Name: r.GetString(0), Unique: r.GetInt64(1) != 0));
            foreach (var (index, unique) in tableIndexes)
            {
                var indexColumns = await RowsAsync(connection,
                    "SELECT name FROM pragma_index_info(@p) ORDER BY seqno", index, r => r.GetString(0));
                indexes.Add(Catalog.Index(table, index, indexColumns, unique));
            }
        }
        return new Catalog(tables.Select(t => t.Name).ToList(), columns, keys, indexes);
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }

    private async Task<List<T>> RowsAsync<T>(SqliteConnection connection, string sql, string? parameter, Func<SqliteDataReader, T> read)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("@p", parameter);
        }
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    [GeneratedRegex("""CONSTRAINT "([^"]+)" PRIMARY KEY""")]
    private static partial Regex PrimaryKeyName();
}
