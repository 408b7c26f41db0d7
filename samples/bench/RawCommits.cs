using System.Diagnostics;
using Bpm.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Bpm.Bench;

/// <summary>
/// The ceiling: how many single-row INSERT transactions the same database commits per second with the same number
/// of clients. Each client has its own connection and inserts one row per statement in autocommit (one
/// transaction per row), on a table of its own (bench_raw), for a fixed time.
/// </summary>
internal static class RawCommits
{
    private static readonly string Payload = new('x', 100);

    public static async Task<RawResult> RunAsync(StorageProvider provider, string connectionString, int clients, int seconds, CpuMeter cpu, CancellationToken ct)
    {
        var warmup = TimeSpan.FromSeconds(Math.Clamp(seconds / 4.0, 1, 3));
        return provider == StorageProvider.Postgres
            ? await PostgresAsync(connectionString, clients, seconds, warmup, cpu, ct)
            : await SqliteAsync(connectionString, clients, seconds, warmup, cpu, ct);
    }

    private static async Task<RawResult> PostgresAsync(string connectionString, int clients, int seconds, TimeSpan warmup, CpuMeter cpu, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var setup = dataSource.CreateCommand(
                         "DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (id bigserial PRIMARY KEY, payload text NOT NULL)"))
            await setup.ExecuteNonQueryAsync(ct);

        var connections = new NpgsqlConnection[clients];
        var commands = new NpgsqlCommand[clients];
        for (var i = 0; i < clients; i++)
        {
            connections[i] = await dataSource.OpenConnectionAsync(ct);
            commands[i] = new NpgsqlCommand("INSERT INTO bench_raw (payload) VALUES ($1)", connections[i]) { Parameters = { new() { Value = Payload } } };
            await commands[i].PrepareAsync(ct);
        }
        try
        {
            await Loop(clients, warmup, i => commands[i].ExecuteNonQueryAsync(ct), cpu, ct); // warm-up, not counted
            return await Loop(clients, TimeSpan.FromSeconds(seconds), i => commands[i].ExecuteNonQueryAsync(ct), cpu, ct);
        }
        finally
        {
            foreach (var command in commands) await command.DisposeAsync();
            foreach (var connection in connections) await connection.DisposeAsync();
        }
    }

    private static async Task<RawResult> SqliteAsync(string connectionString, int clients, int seconds, TimeSpan warmup, CpuMeter cpu, CancellationToken ct)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        // The engine's own per-connection settings (SqliteConnectionSetup) and WAL (set by MigrateAsync).
        var pragmas = $"PRAGMA busy_timeout = {builder.DefaultTimeout * 1000}; PRAGMA synchronous = NORMAL;";
        var connections = new SqliteConnection[clients];
        var commands = new SqliteCommand[clients];
        for (var i = 0; i < clients; i++)
        {
            connections[i] = new SqliteConnection(connectionString);
            connections[i].Open();
            using (var pragma = connections[i].CreateCommand())
            {
                pragma.CommandText = pragmas;
                pragma.ExecuteNonQuery();
            }
            if (i == 0)
            {
                using var setup = connections[0].CreateCommand();
                setup.CommandText = "DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)";
                setup.ExecuteNonQuery();
            }
            commands[i] = connections[i].CreateCommand();
            commands[i].CommandText = "INSERT INTO bench_raw (payload) VALUES ($payload)";
            commands[i].Parameters.AddWithValue("$payload", Payload);
            commands[i].Prepare();
        }
        try
        {
            // Microsoft.Data.Sqlite is synchronous underneath; each client gets a thread of its own.
            Task<int> Insert(int i) => Task.FromResult(commands[i].ExecuteNonQuery());
            await Loop(clients, warmup, Insert, cpu, ct, dedicatedThreads: true);
            return await Loop(clients, TimeSpan.FromSeconds(seconds), Insert, cpu, ct, dedicatedThreads: true);
        }
        finally
        {
            foreach (var command in commands) command.Dispose();
            foreach (var connection in connections) connection.Dispose();
        }
    }

    private static async Task<RawResult> Loop(int clients, TimeSpan duration, Func<int, Task<int>> insert, CpuMeter cpu,
        CancellationToken ct, bool dedicatedThreads = false)
    {
        var perClient = Enumerable.Range(0, clients).Select(_ => new Latencies()).ToArray();
        var before = cpu.Take();
        var deadline = before.Timestamp + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        async Task Client(int i)
        {
            while (!ct.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                if (start >= deadline) return;
                await insert(i);
                perClient[i].Add("insert", Stopwatch.GetTimestamp() - start);
            }
        }
        var tasks = Enumerable.Range(0, clients)
            .Select(i => dedicatedThreads
                ? Task.Factory.StartNew(() => Client(i), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()
                : Task.Run(() => Client(i), ct))
            .ToArray();
        await Task.WhenAll(tasks);
        var after = cpu.Take();
        var latencies = Latencies.Merge(perClient);
        var commits = latencies.All.LongCount();
        var elapsed = (after.Timestamp - before.Timestamp) / (double)Stopwatch.Frequency;
        return new RawResult(clients, Math.Round(elapsed, 3), commits, Math.Round(commits / elapsed, 1), Latencies.Summarize(latencies.All),
            CpuMeter.Between(before, after, commits));
    }
}
