using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Bpm.Definitions;
using Bpm.Engine;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Bpm.Storage;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bpm.Bench;

public sealed record TimerBenchOptions(
    int Count,
    int Clients,
    IReadOnlyList<string> Distributions,
    TimeSpan Interval,
    TimeSpan? LookAhead,
    int Parallelism,
    int BatchSize,
    double BurstSeconds,
    double Phase,
    int WarmupTimers,
    string? Postgres,
    string? Output);

/// <summary>One distribution of due times, fired by the pump.</summary>
public sealed record TimerRunResult(
    string Distribution,
    string DueTimes,
    int PendingInStore,
    int DueInMinute,
    int Fired,
    int Lost,
    int FiredTwice,
    int FiredEarly,
    int Passes,
    // engine time when the firing command had committed (the pump's own figure) minus the due time
    LatencySummary Committed,
    // fired_at as recorded on the timer row (the command's "now") minus the due time
    LatencySummary Recorded,
    double SecondsFromFirstDueToLastFiring,
    double FiresPerSecond,
    CpuUse Cpu);

public sealed record TimerBenchResults(
    DateTimeOffset StartedAt,
    int Cores,
    string? PostgresVersion,
    TimerBenchOptions Options,
    TimeSpan LookAhead,
    IReadOnlyList<TimerRunResult> Runs);

/// <summary>
/// Timer lateness on PostgreSQL: per distribution, N cases whose deemed-acceptance timers (rule 7) fall due within the
/// same minute (17:30:00–17:31:00 Beijing, office closing): spread evenly over the minute, bunched into its first
/// seconds ("bursty"), or all at one instant. The pump runs the way the server runs it: a pass every
/// <c>--interval</c> on a fixed grid, never two at once, and a pass that overruns is followed at once by the next (the
/// Quartz job's simple trigger with <c>DisallowConcurrentExecution</c>). Prints the pending timers the store holds, how
/// many fired, none lost or fired twice or early, and the median/p99/max lateness.
/// </summary>
public static class TimerLateness
{
    public static readonly string[] AllDistributions = ["uniform", "bursty", "instant"];

    private const string Definition = """
        power:
          code: CODE
          name: 计时基准测试事项
          category: 行政许可
          subject: 基准测试局
          handling: 承诺件
          fees: []
          basis:
            - {law: 中华人民共和国行政许可法, articles: 第三十二条}
        limits:
          legal: 20 工作日
          promised: 10 工作日
          supplementNotice: 5 工作日
        nodes:
          - {id: start, kind: start, name: 申请}
          - {id: accept, kind: task, name: 受理, department: 窗口, role: 受理员, outcomes: [受理, 不予受理, 补正]}
          - {id: review, kind: task, name: 审查, department: 审查科, role: 审查员}
          - {id: granted, kind: end, name: 准予, result: 准予}
          - {id: refused, kind: end, name: 不予, result: 不予}
          - {id: not-accepted, kind: end, name: 不予受理, result: 不予受理}
        flows:
          - {from: start, to: accept}
          - {from: accept, to: review, on: 受理}
          - {from: accept, to: not-accepted, on: 不予受理}
          - {from: accept, to: accept, on: 补正}
          - {from: review, to: granted, on: 同意}
          - {from: review, to: refused, on: 不同意}
        """;

    private static readonly DateTime ApplyLocal = new(2025, 11, 3, 9, 30, 0);
    private static readonly DateTime MinuteLocal = new(2025, 11, 10, 17, 30, 0); // the deemed-acceptance time of ApplyLocal
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public static async Task<int> RunAsync(TimerBenchOptions options, CancellationToken ct)
    {
        if (options.Count < 1 || options.Clients < 1 || options.Parallelism < 1 || options.BatchSize < 1 || options.Interval <= TimeSpan.Zero
            || options.BurstSeconds <= 0 || options.BurstSeconds > 60 || options.Phase is < 0 or >= 1 || options.WarmupTimers < 0)
        {
            Console.Error.WriteLine("--count, --clients, --parallelism, --batch and --interval must be positive, --burst-seconds in (0, 60], --phase in [0, 1)");
            return 2;
        }
        var unknown = options.Distributions.Except(AllDistributions).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"unknown distribution(s) {string.Join(", ", unknown)}; use {string.Join(", ", AllDistributions)}");
            return 2;
        }

        var started = DateTimeOffset.Now;
        var calendar = await CalendarFolder.LoadAsync(Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars"), "cn", ct);
        var server = options.Postgres is null ? await PostgresServer.SharedAsync(ct) : null;
        var lookAhead = LookAheadOf(options);
        var debug = typeof(TimerLateness).Assembly.GetCustomAttributes(false).OfType<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled);
        Log($"timer lateness — {options.Count:N0} timers per distribution ({string.Join(", ", options.Distributions)}), "
            + $"pump every {options.Interval.TotalMilliseconds:N0} ms (phase {options.Phase:0.##} of it), look-ahead {lookAhead.TotalMilliseconds:N0} ms, "
            + $"parallelism {options.Parallelism}, batch {options.BatchSize}; {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}"
            + (debug ? "; DEBUG BUILD: use -c Release" : ""));

        string? version = null;
        var runs = new List<TimerRunResult>();
        var index = 0;
        foreach (var distribution in options.Distributions)
        {
            // A fresh database per distribution on the throwaway server, so the runs compare; a given database is shared.
            var connectionString = options.Postgres ?? await server!.CreateDatabaseAsync("bpm_timers", ct);
            try
            {
                var (pgVersion, postmaster) = await DescribePostgresAsync(connectionString, ct);
                version ??= pgVersion;
                runs.Add(await RunDistributionAsync(distribution, ++index, options, calendar, connectionString, new CpuMeter(postmaster), ct));
            }
            finally
            {
                if (options.Postgres is null) await server!.DropDatabaseAsync(connectionString, ct);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Timer lateness on PostgreSQL {version}: {options.Count:N0} timers due within one minute, pump every {options.Interval.TotalMilliseconds:N0} ms, "
                          + $"look-ahead {lookAhead.TotalMilliseconds:N0} ms, parallelism {options.Parallelism}");
        Console.WriteLine("  distribution  pending   fired  lost  twice  early   median      p99      max   fires/s   cores bench/pg/other   cpu ms/timer bench/pg");
        foreach (var r in runs)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Distribution,-12}{r.PendingInStore,9:N0}{r.Fired,8:N0}{r.Lost,6}{r.FiredTwice,7}{r.FiredEarly,7}{r.Committed.P50Ms / 1000,9:0.000}{r.Committed.P99Ms / 1000,9:0.000}{r.Committed.MaxMs / 1000,9:0.000}{r.FiresPerSecond,10:N0}"
                + $"{$"{r.Cpu.BenchCores:0.00}/{r.Cpu.PostgresCores ?? 0:0.00}/{r.Cpu.OtherCores:0.00}",23}{$"{r.Cpu.BenchCpuMsPerOp:0.00}/{r.Cpu.PostgresCpuMsPerOp ?? 0:0.00}",23}"));
        }
        Console.WriteLine("  (lateness in s: when the firing had committed, by the engine's clock, minus the due time; fires/s: timers fired from the first due time to the last firing)");
        foreach (var r in runs)
            Console.WriteLine($"  {r.Distribution}: {r.DueTimes}; target p99 < 2 s: {(r.Committed.P99Ms < 2000 && r.Lost == 0 && r.FiredTwice == 0 && r.FiredEarly == 0 ? "MET" : "MISSED")}");

        var output = options.Output ?? Path.Combine(RepositoryPaths.Root, "samples", "bench", "results", "timers-latest.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new TimerBenchResults(started, Environment.ProcessorCount, version, options, lookAhead, runs), Json), ct);
        Log($"figures written to {output}");
        return 0;
    }

    /// <summary>
    /// The look-ahead the pump uses: the one asked for, else the server's default for this interval (1.5 × the interval,
    /// TimerSchedulingOptions.DefaultLookAhead in Bpm.Server, which the bench does not reference).
    /// </summary>
    private static TimeSpan LookAheadOf(TimerBenchOptions options) => options.LookAhead ?? options.Interval + options.Interval / 2;

    private static TimerPump CreatePump(CaseEngine engine, EngineStore store, TimerBenchOptions options) =>
        new(engine, store, options.BatchSize, options.Parallelism, LookAheadOf(options));

    private static async Task<TimerRunResult> RunDistributionAsync(string distribution, int index, TimerBenchOptions options, WorkCalendar calendar,
        string connectionString, CpuMeter cpu, CancellationToken ct)
    {
        var zone = calendar.TimeZone;
        var minute = TimeZoneInfo.ConvertTimeToUtc(MinuteLocal, zone);
        var interval = options.Interval;
        // Engine time at the start of the pump's grid: a few intervals before the minute, so the pump is running (and
        // warm) when the first timer falls due; the grid's passes fall at `phase` of an interval after whole intervals.
        var lead = TimeSpan.FromTicks(interval.Ticks * Math.Max(3, (long)Math.Ceiling(TimeSpan.FromSeconds(3).Ticks / (double)interval.Ticks)));
        var gridStart = minute - lead + interval * options.Phase;

        await using var store = BpmStorage.Postgres(connectionString);
        await store.MigrateAsync(ct);
        var clock = new ShiftedClock(TimeZoneInfo.ConvertTimeToUtc(ApplyLocal, zone) - DateTime.UtcNow);
        var engine = new CaseEngine(store, clock, new EngineOptions { Calendar = calendar });
        var code = $"XK99{index:D2}0777";
        var warmupCode = $"XK99{index:D2}0778";
        await engine.Definitions.PublishAsync(Definition.Replace("CODE", code), DefinitionFormat.Yaml, "bench", ct);
        await engine.Definitions.PublishAsync(Definition.Replace("CODE", warmupCode), DefinitionFormat.Yaml, "bench", ct);

        Log($"{distribution}: applying {options.Count:N0} cases (+{options.WarmupTimers:N0} for warm-up) on {options.Clients} clients");
        await ApplyAsync(engine, code, options.Count, options.Clients, ct);
        await ApplyAsync(engine, warmupCode, options.WarmupTimers, options.Clients, ct);

        // Each case left one deemed-acceptance timer due at 17:30:00; set the due times of this distribution.
        var (offsets, description) = distribution switch
        {
            "uniform" => (Spread(options.Count, Minute), "due times evenly spread over the minute"),
            "bursty" => (Spread(options.Count, TimeSpan.FromSeconds(options.BurstSeconds)), $"all due within the first {options.BurstSeconds:0.##} s of the minute"),
            _ => (Enumerable.Repeat(TimeSpan.Zero, options.Count).ToArray(), "all due at the same instant, 17:30:00.000"),
        };
        await SetDueTimesAsync(store, code, offsets.Select(o => minute + o).ToArray(), ct);
        // Warm-up timers, due a minute earlier and fired first, so the JIT has optimized the firing path.
        var warmupAt = minute - Minute;
        await SetDueTimesAsync(store, warmupCode, Enumerable.Repeat(warmupAt, options.WarmupTimers).ToArray(), ct);

        var pump = CreatePump(engine, store, options);
        if (options.WarmupTimers > 0)
        {
            clock.Offset = warmupAt - DateTime.UtcNow;
            var warm = Stopwatch.StartNew();
            var warmed = 0;
            while (warmed < options.WarmupTimers && warm.Elapsed < TimeSpan.FromSeconds(40)) warmed += (await pump.PumpAsync(ct)).Fired;
            Log($"{distribution}: warm-up: {warmed:N0} timers fired in {warm.Elapsed.TotalSeconds:0.0} s");
        }

        int pending, dueInMinute;
        await using (var context = store.CreateContext())
        {
            pending = await context.CaseTimers.CountAsync(t => t.Status == TimerStatus.Pending, ct);
            dueInMinute = await TimersOf(context, code).CountAsync(t => t.Status == TimerStatus.Pending && t.DueAt >= minute && t.DueAt < minute + Minute, ct);
        }
        Log($"{distribution}: pending timers in the store (after the warm-up): {pending:N0}, {dueInMinute:N0} of them due in {MinuteLocal:HH:mm:ss}–{MinuteLocal + Minute:HH:mm:ss} Beijing ({description})");

        // From here the engine clock runs in real time from the grid's start.
        var lateness = new List<TimeSpan>();
        var lastDue = minute + offsets.Max();
        var passes = 0;
        var grid = Stopwatch.StartNew();
        clock.Offset = gridStart - DateTime.UtcNow;
        // CPU from the moment the first timer is due to the end (a pass started before the minute may fire all of it).
        var cpuAtMinute = Task.Run(async () =>
        {
            var until = minute - engine.Now();
            if (until > TimeSpan.Zero) await Task.Delay(until, ct);
            return cpu.Take();
        }, ct);
        var deadline = lastDue + TimeSpan.FromMinutes(5);
        long slot = 0;
        while (true)
        {
            var result = await pump.PumpAsync(ct);
            passes++;
            lateness.AddRange(result.Lateness);
            if (result.Fired == 0 && engine.Now() > lastDue)
            {
                await using var context = store.CreateContext();
                if (!await TimersOf(context, code).AnyAsync(t => t.Status == TimerStatus.Pending && t.DueAt <= lastDue, ct)) break;
                if (engine.Now() > deadline)
                {
                    Log($"{distribution}: timers still pending 5 minutes after the last was due; giving up");
                    break;
                }
            }
            // The trigger's next time on the grid; a pass that overran it is followed at once (the blocked trigger fires on release).
            slot++;
            var next = interval * slot;
            var now = grid.Elapsed;
            if (now < next) await Task.Delay(next - now, ct);
            else slot = (long)(now / interval);
        }
        var cpuUse = CpuMeter.Between(await cpuAtMinute, cpu.Take(), options.Count);

        await using (var context = store.CreateContext())
        {
            var timers = await TimersOf(context, code).AsNoTracking().Where(t => t.DueAt >= minute && t.DueAt < minute + Minute)
                .Select(t => new { t.Id, t.DueAt, t.FiredAt, t.Status }).ToListAsync(ct);
            var fired = timers.Where(t => t.Status == TimerStatus.Fired).ToList();
            var caseIds = context.Cases.Where(c => c.PowerCode == code).Select(c => c.Id);
            var entries = await context.JournalEntries.AsNoTracking().Where(e => caseIds.Contains(e.CaseId) && e.Kind == "timer-fired")
                .Select(e => e.Payload).ToListAsync(ct);
            var firings = entries.Select(p => JsonNode.Parse(p)!["timer"]!.GetValue<Guid>()).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
            var ids = timers.Select(t => t.Id).ToHashSet();
            var twice = firings.Count(kv => kv.Value > 1) + fired.Count(t => !firings.ContainsKey(t.Id)) + firings.Keys.Count(id => !ids.Contains(id));
            var early = fired.Count(t => t.FiredAt < t.DueAt);
            var recorded = fired.Select(t => (t.FiredAt!.Value - t.DueAt).TotalMilliseconds).ToList();
            var committed = lateness.Select(l => l.TotalMilliseconds).ToList();
            var lastFiring = fired.Count == 0 ? minute : fired.Max(t => t.FiredAt!.Value);
            var span = Math.Max(0.001, (lastFiring - minute).TotalSeconds);
            var result = new TimerRunResult(distribution, description, pending, dueInMinute, fired.Count, options.Count - fired.Count, twice, early, passes,
                Summarize(committed), Summarize(recorded), Math.Round(span, 3), Math.Round(fired.Count / span, 1), cpuUse);
            Log($"{distribution}: fired {result.Fired:N0} of {options.Count:N0} in {passes} pump passes; lost {result.Lost}; fired twice {result.FiredTwice}; fired early {result.FiredEarly}");
            Log($"{distribution}: lateness at commit: median {S(result.Committed.P50Ms)}, p90 {S(result.Committed.P90Ms)}, p99 {S(result.Committed.P99Ms)}, max {S(result.Committed.MaxMs)} "
                + $"(as recorded in fired_at: median {S(result.Recorded.P50Ms)}, p99 {S(result.Recorded.P99Ms)}, max {S(result.Recorded.MaxMs)})");
            Log($"{distribution}: last firing {span:0.000} s after the first timer was due: {result.FiresPerSecond:N0} timers/s; {Report.Cpu(cpuUse, "timer")}");
            return result;
        }
    }

    private static string S(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.000} s");

    private static TimeSpan[] Spread(int count, TimeSpan over) =>
        Enumerable.Range(0, count).Select(i => TimeSpan.FromMilliseconds(Math.Floor(over.TotalMilliseconds * i / count))).ToArray();

    private static IQueryable<CaseTimer> TimersOf(BpmDbContext context, string code) =>
        context.CaseTimers.Where(t => t.Kind == TimerKind.DeemedAcceptance && context.Cases.Any(c => c.Id == t.CaseId && c.PowerCode == code));

    private static async Task ApplyAsync(CaseEngine engine, string code, int count, int clients, CancellationToken ct)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
                await engine.ExecuteAsync(new Apply(code, new Actor($"applicant-{next}", "申请人"), new JsonObject()), ct);
        }, ct)));
    }

    /// <summary>Gives the pending deemed-acceptance timers of the power these due times, in a shuffled order of the timers.</summary>
    private static async Task SetDueTimesAsync(EngineStore store, string code, DateTime[] dueTimes, CancellationToken ct)
    {
        if (dueTimes.Length == 0) return;
        await using var context = store.CreateContext();
        var ids = await TimersOf(context, code).Where(t => t.Status == TimerStatus.Pending).OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(ct);
        if (ids.Count != dueTimes.Length) throw new InvalidOperationException($"{ids.Count} timers for {dueTimes.Length} due times");
        var random = new Random(17);
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids));
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "UPDATE case_timers AS t SET due_at = v.due FROM unnest(@ids, @dues) AS v(id, due) WHERE t.id = v.id", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        command.Parameters.AddWithValue("dues", dueTimes);
        var updated = await command.ExecuteNonQueryAsync(ct);
        if (updated != dueTimes.Length) throw new InvalidOperationException($"moved {updated} of {dueTimes.Length} timers");
        await using var analyze = new NpgsqlCommand("ANALYZE case_timers", connection);
        await analyze.ExecuteNonQueryAsync(ct);
    }

    private static LatencySummary Summarize(List<double> ms)
    {
        if (ms.Count == 0) return new LatencySummary(0, 0, 0, 0, 0, 0);
        ms.Sort();
        double Rank(double p) => ms[Math.Clamp((int)Math.Ceiling(p / 100 * ms.Count) - 1, 0, ms.Count - 1)];
        return new LatencySummary(ms.Count, Math.Round(ms.Average(), 3), Math.Round(Rank(50), 3), Math.Round(Rank(90), 3), Math.Round(Rank(99), 3), Math.Round(ms[^1], 3));
    }

    private static async Task<(string Version, int? Postmaster)> DescribePostgresAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var version = new NpgsqlCommand("SHOW server_version", connection);
        return ((string)(await version.ExecuteScalarAsync(ct))!, CpuMeter.ParentOf(connection.ProcessID));
    }

    private static void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The system clock moved by an offset: real time passes, legal time is where the bench puts it.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        private long _offsetTicks = offset.Ticks;

        public TimeSpan Offset
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
            set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}
