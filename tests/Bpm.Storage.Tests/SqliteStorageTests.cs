using System.Globalization;
using System.Text.RegularExpressions;
using Bpm.Engine.State;
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

    [Fact]
    public async Task Times_are_stored_as_text_that_sorts_as_the_times_do()
    {
        await MigratedAsync();
        var @case = Samples.Case();
        var noon = new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);
        // Fractions of every length, which the "FFFFFFF" format writes without trailing zeros.
        var times = new[]
        {
            noon, noon.AddTicks(1), noon.AddTicks(10), noon.AddMilliseconds(1), noon.AddMilliseconds(10), noon.AddMilliseconds(100),
            noon.AddMilliseconds(120), noon.AddMilliseconds(999), noon.AddSeconds(1), noon.AddTicks(-1), noon.AddMilliseconds(-100),
            noon.AddSeconds(-1), new DateTime(2026, 11, 21, 9, 59, 59, 900, DateTimeKind.Utc), new DateTime(2026, 11, 21, 10, 0, 0, DateTimeKind.Utc),
        };
        var timers = times.Select(t => Samples.Timer(@case.Id, t)).ToList();
        await using (var session = Store.OpenSession())
        {
            session.Add(@case);
            timers.ForEach(session.Add);
            await session.SaveAsync(Ct);
        }

        await using var connection = await OpenAsync();
        var stored = await RowsAsync(connection, "SELECT due_at FROM case_timers ORDER BY due_at", null, r => r.GetString(0));
        Assert.Equal(times.Order().Select(t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)), stored);
        Assert.Contains("2026-11-21 12:00:00", stored);
        Assert.Contains("2026-11-21 12:00:00.0000001", stored);
        Assert.Contains("2026-11-21 12:00:00.12", stored);

        // And the pump's parameter is written the same way: each time is due at itself, not a tick before.
        await using var check = Store.OpenSession();
        foreach (var time in times)
        {
            var found = await check.FindDueTimersAsync(time, 100, Ct);
            Assert.Equal(times.Count(t => t <= time), found.Count);
            Assert.Equal(time, found[^1].DueAt);
        }
    }

    private int _batches;

    protected override async Task InsertTimersAsync(int count, TimerStatus status, DateTime from)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        // Times in the format Microsoft.Data.Sqlite writes (whole seconds: no fraction); ids as EF writes Guids.
        command.CommandText = """
            INSERT INTO case_timers (id, case_id, kind, due_at, status, created_at)
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
            SELECT printf('%08X-%04X-4000-8000-%012X', i, @batch, i), printf('%08X-%04X-4000-9000-%012X', i, @batch, i),
                   'Wait', strftime('%Y-%m-%d %H:%M:%S', @from, '+' || i || ' seconds'), @status, @from
            FROM n;
            ANALYZE;
            """;
        command.Parameters.AddWithValue("@count", count);
        command.Parameters.AddWithValue("@batch", ++_batches);
        command.Parameters.AddWithValue("@from", from);
        command.Parameters.AddWithValue("@status", status.ToString());
        command.CommandTimeout = 120;
        await command.ExecuteNonQueryAsync(Ct);
    }

    protected override async Task<string> ExplainAsync(string sql, IReadOnlyDictionary<string, object> parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var lines = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            lines.Add(reader.GetString(reader.GetOrdinal("detail")));
        }
        return string.Join("\n", lines);
    }

    protected override void AssertIndexRangeScanWithoutSort(string plan, string table, string index)
    {
        // "SEARCH c USING INDEX …": c is EF's alias for the table.
        Assert.Matches($@"SEARCH \S+ USING INDEX {index} \(status=\? AND due_at<\?\)", plan);
        Assert.DoesNotContain("SCAN ", plan);
        Assert.DoesNotContain("TEMP B-TREE", plan);
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
