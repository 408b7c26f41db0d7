using System.Diagnostics;
using System.Text.Json.Nodes;
using Bpm.Definitions;
using Bpm.Engine;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Bpm.Storage;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Timer lateness on PostgreSQL: N cases whose deemed-acceptance timers (rule 7) all fall due at the same instant
/// (17:30:00, office closing), fired by the pump as the clustered Quartz job runs it (a pass every second, never two
/// at once). Prints the pending timers the store holds, the median/p99/max lateness, and checks none is lost or
/// fired twice.
/// </summary>
public static class TimerLateness
{
    private const string Definition = """
        power:
          code: XK99000777
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

    public static async Task<int> RunAsync(int count, int clients, string? connectionString, CancellationToken ct)
    {
        var server = connectionString is null ? await PostgresServer.SharedAsync(ct) : null;
        connectionString ??= await server!.CreateDatabaseAsync("bpm_timers", ct);
        await using var store = BpmStorage.Postgres(connectionString);
        await store.MigrateAsync(ct);
        var calendar = await CalendarFolder.LoadAsync(Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars"), "cn", ct);
        var zone = calendar.TimeZone;
        var applyAt = TimeZoneInfo.ConvertTimeToUtc(new DateTime(2025, 11, 3, 9, 30, 0), zone);
        var due = TimeZoneInfo.ConvertTimeToUtc(new DateTime(2025, 11, 10, 17, 30, 0), zone);
        var clock = new ShiftedClock(applyAt - DateTime.UtcNow);
        var engine = new CaseEngine(store, clock, new EngineOptions { Calendar = calendar });
        await engine.Definitions.PublishAsync(Definition, DefinitionFormat.Yaml, "bench", ct);

        Console.WriteLine($"applying {count:N0} cases on {clients} clients; each leaves a deemed-acceptance timer due {TimeZoneInfo.ConvertTimeFromUtc(due, zone):yyyy-MM-dd HH:mm:ss} (Beijing)");
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
                await engine.ExecuteAsync(new Apply("XK99000777", new Actor($"applicant-{next}", "申请人"), new JsonObject()), ct);
        }, ct)));

        await using (var context = store.CreateContext())
        {
            var pending = await context.CaseTimers.CountAsync(t => t.Status == TimerStatus.Pending, ct);
            var dueTogether = await context.CaseTimers.CountAsync(t => t.Status == TimerStatus.Pending && t.DueAt == due, ct);
            Console.WriteLine($"pending timers in the store: {pending:N0} ({dueTogether:N0} due at the same instant)");
        }

        // Jump to 3 s before the due instant; from there the clock runs in real time.
        clock.Offset = due.AddSeconds(-3) - DateTime.UtcNow;
        var pump = new TimerPump(engine, store, batchSize: 1000, parallelism: clients);
        var watch = Stopwatch.StartNew();
        var passes = 0;
        while (true)
        {
            var started = watch.Elapsed;
            var result = await pump.PumpAsync(ct);
            passes++;
            await using var context = store.CreateContext();
            var left = await context.CaseTimers.CountAsync(t => t.Status == TimerStatus.Pending && t.DueAt <= due, ct);
            if (left == 0 && clock.GetUtcNow().UtcDateTime > due) break;
            var wait = TimeSpan.FromSeconds(1) - (watch.Elapsed - started); // the Quartz job's 1-second interval
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
        }

        await using (var context = store.CreateContext())
        {
            var fired = await context.CaseTimers.AsNoTracking().Where(t => t.DueAt == due && t.Status == TimerStatus.Fired)
                .Select(t => new { t.Id, t.DueAt, t.FiredAt }).ToListAsync(ct);
            var journal = await context.JournalEntries.CountAsync(e => e.Kind == "timer-fired", ct);
            var lateness = fired.Select(t => (t.FiredAt!.Value - t.DueAt).TotalMilliseconds).Order().ToList();
            double P(double q) => lateness[(int)Math.Min(lateness.Count - 1, Math.Ceiling(q * lateness.Count) - 1)];
            var lost = count - fired.Count;
            Console.WriteLine($"fired {fired.Count:N0} of {count:N0} in {passes} pump passes; lost {lost}; fired twice {journal - fired.Count}");
            Console.WriteLine($"lateness (fired - due): median {P(0.5) / 1000:0.000} s, p90 {P(0.9) / 1000:0.000} s, p99 {P(0.99) / 1000:0.000} s, max {lateness[^1] / 1000:0.000} s");
            Console.WriteLine($"firing rate: {fired.Count / (lateness[^1] / 1000):N0} timers/s once due; target p99 < 2 s: {(P(0.99) < 2000 ? "MET" : "MISSED")}");
        }
        if (server is not null) await server.DropDatabaseAsync(connectionString, ct);
        return 0;
    }

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
