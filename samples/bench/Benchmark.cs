using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bpm.Engine;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Bpm.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Bpm.Bench;

internal static class Benchmark
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        if (options.Cases < 1 || options.Clients < 1 || options.OpenCases < 0 || options.RawSeconds < 1 || options.WarmupCases < 0
            || options.ProfileCases < 0 || options.AfterOpenCases < 0)
        {
            Console.Error.WriteLine("--cases, --clients and --raw-seconds must be at least 1; the other counts at least 0");
            return 2;
        }
        var started = DateTimeOffset.Now;
        var total = Stopwatch.StartNew();
        var runPostgres = options.Provider is "postgres" or "both";
        var runSqlite = options.Provider is "sqlite" or "both";
        var gc = $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC{(GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent")}";
        Log($"BpmServer benchmark — {options.Cases:N0} cases, {options.Clients} clients, {options.OpenCases:N0} open cases, provider {options.Provider}");
        Log($"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {gc}"
            + (Debugger.IsAttached ? ", DEBUGGER ATTACHED" : "")
            + (typeof(Benchmark).Assembly.GetCustomAttributes(false).OfType<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled) ? ", DEBUG BUILD: use -c Release" : ""));

        _ = JointCase.DefinitionText; // read the catalog definition once, now
        string? pgVersion = null;
        Dictionary<string, string>? pgSettings = null;
        ProviderResult? postgres = null, sqlite = null;

        if (runPostgres)
        {
            string connectionString;
            if (options.Postgres is { Length: > 0 } given)
            {
                connectionString = given;
                Log("PostgreSQL: the database given with --postgres" + (options.Durable ? " (--durable ignored: the bench changes only a server it started itself)" : ""));
            }
            else
            {
                Log("PostgreSQL: starting the throwaway server from Bpm.Testing …");
                var server = await PostgresServer.SharedAsync(ct);
                if (options.Durable && server.IsExternal)
                    Log($"PostgreSQL: --durable changes only a server the bench started itself; {PostgresServer.EnvironmentVariable} names one, so its settings stay");
                else if (options.Durable)
                    await MakeDurableAsync(server.ConnectionString, ct);
                connectionString = await server.CreateDatabaseAsync("bpm_bench", ct);
            }
            (pgVersion, pgSettings, var postmaster) = await DescribePostgresAsync(connectionString, ct);
            Log($"PostgreSQL {pgVersion}: {string.Join(", ", pgSettings.Select(kv => $"{kv.Key}={kv.Value}"))}");
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database ?? "?";
            postgres = await RunProviderAsync(StorageProvider.Postgres, "PostgreSQL", connectionString, database, new CpuMeter(postmaster),
                memory: options.OpenCases > 0, options, ct);
            Console.Write(Report.Provider(postgres));
        }

        if (runSqlite)
        {
            var file = options.Sqlite is { Length: > 0 } given ? Path.GetFullPath(given) : Path.Combine(Path.GetTempPath(), $"bpm-bench-{Guid.NewGuid():N}.db");
            var connectionString = new SqliteConnectionStringBuilder { DataSource = file }.ToString();
            try
            {
                sqlite = await RunProviderAsync(StorageProvider.Sqlite, "SQLite", connectionString, file, new CpuMeter(null),
                    memory: options.OpenCases > 0 && (!runPostgres || options.SqliteMemory), options, ct);
                Console.Write(Report.Provider(sqlite));
            }
            finally
            {
                if (options.Sqlite is not { Length: > 0 })
                {
                    SqliteConnection.ClearAllPools();
                    foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(file + suffix);
                }
            }
        }

        var results = new BenchResults(started, new MachineInfo(Environment.ProcessorCount, RuntimeInformation.OSDescription, Environment.Version.ToString(), gc,
            pgVersion, pgSettings), options, postgres, sqlite, Math.Round(total.Elapsed.TotalSeconds, 1));
        Console.Write(Report.Summary(results));
        var output = options.Output ?? Path.Combine(RepositoryPaths.Root, "samples", "bench", "results", "latest.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(results, Json), ct);
        Log($"figures written to {output}");
        return 0;
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static async Task<ProviderResult> RunProviderAsync(StorageProvider provider, string name, string connectionString, string database, CpuMeter cpu,
        bool memory, BenchOptions options, CancellationToken ct)
    {
        Log($"{name}: migrating {database}");
        await using var store = BpmStorage.Open(provider, connectionString);
        await store.MigrateAsync(ct);
        var engine = new CaseEngine(store);
        var code = await JointCase.PublishAsync(engine, ct);

        if (options.WarmupCases > 0)
        {
            Log($"{name}: warm-up, {options.WarmupCases} cases");
            var warm = await CaseDriver.RunAsync(engine, code, options.WarmupCases, options.Clients, cpu, ct);
            if (warm.Failed > 0) Log($"{name}: {warm.Failed} warm-up cases failed: {string.Join(" | ", warm.Errors)}");
        }

        // What the warm-up left in the rollup feed is counted now, so the raw measurement runs on a quiet database.
        await using (var db = store.CreateContext()) await RollupFeed.CatchUpAsync(db, ct);

        Log($"{name}: raw single-row insert commits, {options.Clients} clients, {options.RawSeconds} s");
        var raw = await RawCommits.RunAsync(provider, connectionString, options.Clients, options.RawSeconds, cpu, ct);
        Log($"{name}: {raw.CommitsPerSecond:N0} raw commits/s");

        Log($"{name}: engine, {options.Cases:N0} cases on {options.Clients} clients");
        // The server's rollup pump runs alongside, as it does in production: its work is in the figures.
        using var stopPump = new CancellationTokenSource();
        var pump = RollupFeed.PumpAsync(store, RollupInterval, e => Log($"{name}: rollup fold failed: {e.Message}"), stopPump.Token);
        var run = await CaseDriver.RunAsync(engine, code, options.Cases, options.Clients, cpu, ct);
        await stopPump.CancelAsync();
        var rollups = await RollupCatchUpAsync(store, await pump, ct);
        Log($"{name}: rollup pump folded {rollups.FoldedDuringRun:N0} feed rows during the run; {rollups.BacklogAtEnd:N0} were left, counted in {rollups.CatchUpMs:N0} ms");
        var ratio = Math.Round(run.CommandsPerSecond / raw.CommitsPerSecond, 3);
        Log($"{name}: {run.CommandsPerSecond:N0} commands/s, {run.CasesPerSecond:N1} cases/s, p50 {run.Latency.P50Ms:N2} ms, p99 {run.Latency.P99Ms:N2} ms, ratio {ratio:N3}");

        FloorResult? floor = null;
        if (provider == StorageProvider.Postgres)
        {
            Log($"{name}: the floor: a review step's reads and writes by hand-written SQL, no engine, {options.Clients} clients, 2 × {options.RawSeconds} s");
            floor = await CommandFloor.RunAsync(connectionString, options.Clients, options.RawSeconds, raw.CommitsPerSecond, cpu, ct);
            Log($"{name}: floor {floor.ReadWrite.CommandsPerSecond:N0}/s (ratio {floor.ReadWrite.Ratio:N3}), writes only {floor.WriteOnly.CommandsPerSecond:N0}/s (ratio {floor.WriteOnly.Ratio:N3})");
        }

        ProfileResult? profile = null;
        if (options.ProfileCases > 0)
        {
            Log($"{name}: profile, {options.ProfileCases} cases through a timing store");
            profile = await Profile.RunAsync(store, provider, connectionString, options.ProfileCases, options.Clients, ct);
        }

        MemoryResult? open = null;
        EngineRunResult? after = null;
        if (memory)
        {
            Log($"{name}: applying {options.OpenCases:N0} cases and leaving them open");
            open = await OpenCases.RunAsync(store, engine, code, options.OpenCases, options.Clients, Log, ct);
            if (options.AfterOpenCases > 0)
            {
                Log($"{name}: engine again, {options.AfterOpenCases} cases with the open cases in the database");
                after = await CaseDriver.RunAsync(engine, code, options.AfterOpenCases, options.Clients, cpu, ct);
            }
        }
        return new ProviderResult(name, database, raw, run, ratio, rollups, floor, profile, open, after);
    }

    /// <summary>The server's default pause between folds when the feed is short (Bpm:Rollups:IntervalMs).</summary>
    private static readonly TimeSpan RollupInterval = TimeSpan.FromMilliseconds(500);

    private static async Task<RollupPumpResult> RollupCatchUpAsync(EngineStore store, long folded, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var backlog = await RollupFeed.BacklogAsync(db, ct);
        var watch = Stopwatch.StartNew();
        await RollupFeed.CatchUpAsync(db, ct);
        return new RollupPumpResult(folded, backlog, Math.Round(watch.Elapsed.TotalMilliseconds, 1));
    }

    /// <summary>The throwaway cluster runs with fsync off; ALTER SYSTEM (in its own temporary data folder) and a reload turn durability on.</summary>
    private static async Task MakeDurableAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        foreach (var sql in new[]
                 {
                     "ALTER SYSTEM SET fsync = on", "ALTER SYSTEM SET synchronous_commit = on", "ALTER SYSTEM SET full_page_writes = on",
                     "SELECT pg_reload_conf()",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        await Task.Delay(500, ct); // the reload is asynchronous
        Log("PostgreSQL: --durable: fsync, synchronous_commit and full_page_writes turned on in the throwaway cluster");
    }

    private static async Task<(string Version, Dictionary<string, string> Settings, int? Postmaster)> DescribePostgresAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var settings = new Dictionary<string, string>();
        foreach (var setting in new[] { "fsync", "synchronous_commit", "full_page_writes", "wal_level", "shared_buffers", "max_connections" })
        {
            await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
            settings[setting] = (string)(await show.ExecuteScalarAsync(ct))!;
        }
        await using var version = new NpgsqlCommand("SHOW server_version", connection);
        var pid = connection.ProcessID;
        return ((string)(await version.ExecuteScalarAsync(ct))!, settings, CpuMeter.ParentOf(pid));
    }

    private static void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
