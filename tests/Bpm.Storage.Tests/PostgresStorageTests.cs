using Bpm.Engine.State;
using Bpm.Storage;
using Bpm.Testing;
using Npgsql;

namespace Bpm.Storage.Tests;

/// <summary>The storage tests on PostgreSQL 15: a new database on the shared throwaway server for each test.</summary>
public sealed class PostgresStorageTests(PostgresDatabaseFixture fixture) : StorageTests, IClassFixture<PostgresDatabaseFixture>
{
    private string? _connectionString;

    protected override async Task<EngineStore> CreateStoreAsync()
    {
        _connectionString = await fixture.Server.CreateDatabaseAsync("bpm_storage", Ct);
        return BpmStorage.Postgres(_connectionString);
    }

    protected override async Task DeleteDatabaseAsync()
    {
        if (_connectionString is not null)
        {
            await fixture.Server.DropDatabaseAsync(_connectionString, CancellationToken.None);
        }
    }

    protected override async Task InsertTimersAsync(int count, TimerStatus status, DateTime from)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""
            INSERT INTO case_timers (id, case_id, kind, due_at, status, created_at)
            SELECT gen_random_uuid(), gen_random_uuid(), 'Wait', @from + i * interval '1 second', @status, @from
            FROM generate_series(1, @count) AS i;
            ANALYZE case_timers;
            """, connection);
        command.Parameters.AddWithValue("count", count);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("status", status.ToString());
        command.CommandTimeout = 120;
        await command.ExecuteNonQueryAsync(Ct);
    }

    protected override async Task<string> ExplainAsync(string sql, IReadOnlyDictionary<string, object> parameters)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name.TrimStart('@'), value);
        }
        return string.Join("\n", await RowsAsync(command, r => r.GetString(0)));
    }

    protected override void AssertIndexRangeScanWithoutSort(string plan, string table, string index)
    {
        Assert.Contains($"Index Scan using {index} on {table}", plan);
        Assert.DoesNotContain("Seq Scan", plan);
        Assert.DoesNotContain("Bitmap", plan);
        Assert.DoesNotContain("Sort", plan);
    }

    internal override async Task<Catalog> ReadCatalogAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        var tables = await RowsAsync(connection, """
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            """, r => r.GetString(0));
        var columns = await RowsAsync(connection, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
            """, r => Catalog.Column(r.GetString(0), r.GetString(1), r.GetString(2), !r.GetBoolean(3)));
        var indexes = await RowsAsync(connection, """
            SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary,
                   ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                         ORDER BY k.ord)::text[]
            FROM pg_index ix
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public'
            """, r => (Table: r.GetString(0), Name: r.GetString(1), Unique: r.GetBoolean(2), Primary: r.GetBoolean(3),
                Columns: r.GetFieldValue<string[]>(4)));
        return new Catalog(
            tables,
            columns,
            indexes.Where(i => i.Primary).Select(i => Catalog.PrimaryKey(i.Table, i.Name, i.Columns)).ToList(),
            indexes.Where(i => !i.Primary).Select(i => Catalog.Index(i.Table, i.Name, i.Columns, i.Unique)).ToList());
    }

    private async Task<List<T>> RowsAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await RowsAsync(command, read);
    }

    private async Task<List<T>> RowsAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read)
    {
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
