using System.Diagnostics;
using System.Text.Json.Nodes;
using Bpm.Definitions;
using Bpm.Engine;
using Bpm.Engine.Commands;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Tests;
using Bpm.Engine.Time;
using Bpm.Server.Scheduling;
using Bpm.Storage;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Bpm.Server.Tests.Scheduling;

/// <summary>
/// The timer pump run by Quartz with its persistent store on the engine's own database: timers are due by a
/// hand-moved engine clock, Quartz runs on real time, and each due timer's effect must be applied exactly once.
/// </summary>
public abstract class TimerSchedulingScenarios(StorageProvider provider, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Lazy<Task<WorkCalendar>> National = new(() =>
        CalendarFolder.LoadAsync(Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars"), "cn"));

    private static readonly Actor Applicant = new("91330000MA0000001X", "某某建设有限公司");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly List<IAsyncDisposable> _cleanup = [];
    private SchedulingDatabase _database = null!;

    protected SchedulingDatabase Database => _database;
    protected ITestOutputHelper Output => output;
    private ILoggerFactory _logging = null!;

    protected ManualClock Clock { get; } = ManualClock.AtBeijing("2025-11-03 09:00");
    protected EngineStore Store { get; private set; } = null!;
    protected CaseEngine Engine { get; private set; } = null!;
    protected StorageProvider Provider => provider;

    public async Task InitializeAsync()
    {
        _logging = TestOutputLoggerProvider.Factory(output);
        _database = await SchedulingDatabase.CreateAsync(provider);
        (Store, Engine) = await OpenServerAsync();
    }

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--) await _cleanup[i].DisposeAsync();
        await _database.DisposeAsync();
        _logging.Dispose();
    }

    /// <summary>What a server process has: its own store and engine over the shared database, on the test's clock.</summary>
    protected async Task<(EngineStore, CaseEngine)> OpenServerAsync()
    {
        var store = await _database.OpenStoreAsync();
        _cleanup.Add(store);
        return (store, new CaseEngine(store, Clock, new EngineOptions { Calendar = await National.Value }));
    }

    protected async Task<TimerScheduling> StartSchedulerAsync(EngineStore store, CaseEngine engine, string instanceId, TimeSpan? interval = null)
    {
        var scheduling = await TimerScheduling.StartAsync(engine, store, new TimerSchedulingOptions
        {
            Provider = provider,
            ConnectionString = _database.ConnectionString,
            InstanceName = "bpm-test",
            InstanceId = instanceId,
            Interval = interval ?? TimeSpan.FromMilliseconds(200),
            IdleWaitTime = TimeSpan.FromSeconds(1), // Quartz refuses less
            ClusterCheckinInterval = TimeSpan.FromSeconds(2),
            BatchSize = 25,
        }, _logging);
        _cleanup.Add(scheduling); // stopped before the stores it uses are disposed
        return scheduling;
    }

    protected async Task<List<Guid>> AcceptedCasesAsync(int count)
    {
        var code = TestDefinitions.NewCode();
        await Engine.Definitions.PublishAsync(TestDefinitions.Timed(code), DefinitionFormat.Yaml, "tester");
        var cases = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var applied = await Engine.ExecuteAsync(new Apply(code, Applicant, []));
            var accepted = await Engine.ExecuteAsync(new Accept(applied.At("accept").Id, new Actor("window", "window")));
            cases.Add(accepted.CaseId);
        }
        return cases;
    }

    protected async Task<int> DueTimerCountAsync()
    {
        await using var session = await Store.OpenAsync(default);
        return (await session.FindDueTimersAsync(Engine.Now(), 10_000, default)).Count;
    }

    /// <summary>Polls until no timer is due by the engine's clock any more; fails after <see cref="Patience"/>.</summary>
    protected async Task WaitUntilNothingIsDueAsync()
    {
        var waited = Stopwatch.StartNew();
        while (await DueTimerCountAsync() is var due and > 0)
        {
            if (waited.Elapsed > Patience) Assert.Fail($"{due} timer(s) still due after {Patience.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; false if it did not within <paramref name="timeout"/>.</summary>
    protected static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > timeout) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>
    /// Every fired timer row of <paramref name="cases"/> has exactly one <c>timer-fired</c> journal entry, no entry names
    /// a timer that is not fired, and each case's journal chain is intact. Returns how many timers fired.
    /// </summary>
    protected async Task<int> AssertEachTimerFiredOnceAsync(IReadOnlyCollection<Guid> cases)
    {
        await using var context = Store.CreateContext();
        var timers = await context.CaseTimers.AsNoTracking().Where(t => cases.Contains(t.CaseId)).ToListAsync();
        var entries = await context.JournalEntries.AsNoTracking()
            .Where(e => cases.Contains(e.CaseId) && e.Kind == "timer-fired").Select(e => e.Payload).ToListAsync();
        var firings = entries.Select(p => JsonNode.Parse(p)!["timer"]!.GetValue<Guid>()).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

        var fired = timers.Where(t => t.Status == TimerStatus.Fired).ToList();
        Assert.NotEmpty(fired);
        foreach (var timer in fired)
        {
            Assert.True(firings.TryGetValue(timer.Id, out var times) && times == 1,
                $"timer {timer.Id} ({timer.Kind}, case {timer.CaseId}) has {firings.GetValueOrDefault(timer.Id)} timer-fired entries");
        }
        Assert.Equal(fired.Count, entries.Count);
        Assert.DoesNotContain(timers, t => t.Status == TimerStatus.Pending && t.DueAt <= Engine.Now());
        foreach (var id in cases) Assert.True((await Engine.VerifyJournalAsync(id)).Intact, $"journal of case {id} is broken");
        return fired.Count;
    }

    protected async Task<List<string>> QuartzTablesAsync()
    {
        await using var context = Store.CreateContext();
        var sql = provider == StorageProvider.Postgres
            ? "SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public' AND lower(table_name) LIKE 'qrtz\\_%'"
            : "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table' AND lower(name) LIKE 'qrtz\\_%' ESCAPE '\\'";
        return await context.Database.SqlQueryRaw<string>(sql).ToListAsync();
    }

    protected void Report(string what, TimerScheduling scheduling) =>
        output.WriteLine($"{what} {scheduling.InstanceId}: {scheduling.Statistics.Runs} runs, {scheduling.Statistics.Fired} fired, " +
                         $"{scheduling.Statistics.AlreadyHandled} already handled, {scheduling.Statistics.Failed} failed");

    [Fact]
    public async Task A_scheduler_on_the_engine_database_fires_due_timers_once()
    {
        var cases = await AcceptedCasesAsync(10);
        Clock.SetBeijing("2025-11-20 09:00"); // past yellow, red and red card (legal due 11/17 17:30) and the review step's limit
        var due = await DueTimerCountAsync();
        Assert.True(due >= 30, $"only {due} timers due");

        var scheduling = await StartSchedulerAsync(Store, Engine, "node-a");
        await WaitUntilNothingIsDueAsync();
        await scheduling.StopAsync();
        Report("node", scheduling);

        var fired = await AssertEachTimerFiredOnceAsync(cases);
        Assert.Equal(fired, scheduling.Statistics.Fired);
        Assert.Equal(0, scheduling.Statistics.Failed);
        // Quartz made its own tables beside the engine's, on the same database.
        Assert.Contains(await QuartzTablesAsync(), t => t.Equals("qrtz_triggers", StringComparison.OrdinalIgnoreCase));
        await using var context = Store.CreateContext();
        Assert.Equal(cases.Count, await context.Cases.CountAsync(c => cases.Contains(c.Id) && c.Light == Light.RedCard));
    }

    [Fact]
    public async Task The_pump_reads_ahead_and_fires_a_timer_when_it_falls_due_never_before()
    {
        var cases = await AcceptedCasesAsync(3); // the review steps fall due 2025-11-06 17:30 (3 working days)
        var due = TimeZoneInfo.ConvertTimeToUtc(new DateTime(2025, 11, 6, 17, 30, 0), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        // A server whose clock runs in real time, 2.5 s before that; Quartz runs the pump every second.
        var running = new RunningClock(due.AddSeconds(-2.5));
        var engine = new CaseEngine(Store, running, new EngineOptions { Calendar = await National.Value });
        var interval = TimeSpan.FromSeconds(1);
        var scheduling = await StartSchedulerAsync(Store, engine, "node-a", interval);
        List<CaseTimer> timers = [];
        var waited = Stopwatch.StartNew();
        while (timers.Count < cases.Count || timers.Any(t => t.Status != TimerStatus.Fired))
        {
            if (waited.Elapsed > Patience) Assert.Fail($"{timers.Count(t => t.Status != TimerStatus.Fired)} review timers not fired after {Patience.TotalSeconds} s");
            await Task.Delay(50);
            await using var context = Store.CreateContext();
            timers = await context.CaseTimers.AsNoTracking().Where(t => cases.Contains(t.CaseId) && t.Kind == TimerKind.NodeDue && t.DueAt == due).ToListAsync();
        }
        await scheduling.StopAsync();
        Report("node", scheduling);
        foreach (var timer in timers) output.WriteLine($"timer {timer.Id} fired {(timer.FiredAt!.Value - timer.DueAt).TotalMilliseconds} ms after due");

        // Never early; and fired by the pass that read it ahead, not by one after it (that would be up to an interval late).
        Assert.All(timers, t => Assert.True(t.FiredAt >= t.DueAt, $"timer {t.Id} fired at {t.FiredAt:O}, due {t.DueAt:O}"));
        Assert.All(timers, t => Assert.True(t.FiredAt - t.DueAt < interval, $"timer {t.Id} fired {t.FiredAt - t.DueAt} after due"));
        Assert.Equal(0, scheduling.Statistics.Failed);
        await AssertEachTimerFiredOnceAsync(cases);
    }

    [Fact]
    public void The_look_ahead_defaults_to_one_and_a_half_intervals_and_can_be_turned_off()
    {
        var options = new TimerSchedulingOptions { Provider = provider, ConnectionString = "x", Interval = TimeSpan.FromMilliseconds(800) };
        Assert.Equal(TimeSpan.FromMilliseconds(1200), options.EffectiveLookAhead);
        Assert.Equal(TimeSpan.Zero, (options with { LookAhead = TimeSpan.Zero }).EffectiveLookAhead);
        Assert.Equal(TimeSpan.FromSeconds(3), (options with { LookAhead = TimeSpan.FromSeconds(3) }).EffectiveLookAhead);
    }

    /// <summary>The system clock moved to a start time: real time passes from there.</summary>
    private sealed class RunningClock(DateTime start) : TimeProvider
    {
        private readonly TimeSpan _offset = start - DateTime.UtcNow;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }

    [Fact]
    public async Task Timers_that_came_due_while_no_scheduler_ran_fire_once_at_start_up()
    {
        var cases = await AcceptedCasesAsync(8);
        // A server ran before (its schedule is stored), then stopped.
        var earlier = await StartSchedulerAsync(Store, Engine, "node-a");
        Assert.True(await EventuallyAsync(() => earlier.Statistics.Runs > 0, Patience), "the first scheduler never ran the pump");
        await earlier.StopAsync();
        Assert.Equal(0, earlier.Statistics.Fired);

        // Time passes with nobody firing anything.
        Clock.SetBeijing("2025-11-20 09:00");
        await Task.Delay(TimeSpan.FromSeconds(1)); // real time too: the stored trigger's next fire time goes by unfired
        var due = await DueTimerCountAsync();
        Assert.True(due >= 24, $"only {due} timers due");

        // A restarted server (new store, new engine, new scheduler on the same tables) catches up at start-up.
        var (store, engine) = await OpenServerAsync();
        var restarted = await StartSchedulerAsync(store, engine, "node-a");
        await WaitUntilNothingIsDueAsync();
        await restarted.StopAsync();
        Report("restarted", restarted);

        var fired = await AssertEachTimerFiredOnceAsync(cases);
        Assert.Equal(due, fired);
        Assert.Equal(fired, restarted.Statistics.Fired);
        Assert.Equal(0, restarted.Statistics.Failed);
    }
}

public sealed class SqliteTimerSchedulingScenarios(ITestOutputHelper output) : TimerSchedulingScenarios(StorageProvider.Sqlite, output)
{
    [Fact]
    public async Task A_host_runs_the_pump_from_its_own_container()
    {
        var cases = await AcceptedCasesAsync(5);
        Clock.SetBeijing("2025-11-20 09:00");
        var due = await DueTimerCountAsync();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(new TestOutputLoggerProvider(Output)).AddFilter("Quartz", LogLevel.Warning);
        builder.Services.AddSingleton(Engine);
        builder.Services.AddSingleton<IEngineStore>(Store);
        // The engine's hand-moved clock in the host's container must not become Quartz's clock.
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.AddTimerScheduling(new TimerSchedulingOptions
        {
            Provider = Provider,
            ConnectionString = Database.ConnectionString,
            Interval = TimeSpan.FromMilliseconds(200),
            IdleWaitTime = TimeSpan.FromSeconds(1),
        });
        using var host = builder.Build();
        var statistics = host.Services.GetRequiredService<TimerPumpStatistics>();
        await host.StartAsync();
        try
        {
            await WaitUntilNothingIsDueAsync();
            // Quartz keeps repeating on real time (a frozen engine clock would have stopped it after one run).
            Assert.True(await EventuallyAsync(() => statistics.Runs >= 3, TimeSpan.FromSeconds(30)), $"{statistics.Runs} runs");
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Equal(due, await AssertEachTimerFiredOnceAsync(cases));
        Assert.Equal(due, statistics.Fired);
    }
}

public sealed class PostgresTimerSchedulingScenarios(ITestOutputHelper output) : TimerSchedulingScenarios(StorageProvider.Postgres, output)
{
    [Fact]
    public async Task Two_clustered_schedulers_share_the_pump_and_fire_each_timer_once()
    {
        var cases = await AcceptedCasesAsync(30);
        Clock.SetBeijing("2025-11-20 09:00"); // each case: yellow, red, red card, the review step's warning and limit
        var due = await DueTimerCountAsync();
        Assert.True(due >= 90, $"only {due} timers due");

        // Two server processes: each its own store, engine and scheduler, one database, one Quartz cluster.
        var (otherStore, otherEngine) = await OpenServerAsync();
        var nodes = await Task.WhenAll(
            StartSchedulerAsync(Store, Engine, "node-a"),
            StartSchedulerAsync(otherStore, otherEngine, "node-b"));
        Assert.Equal(["node-a", "node-b"], nodes.Select(n => n.InstanceId).Order());
        Assert.Equal(["node-a", "node-b"], (await nodes[0].Scheduler.QueryClusterNodes()).Select(n => n.InstanceId).Order());
        await WaitUntilNothingIsDueAsync();
        foreach (var node in nodes) Report("together", node);
        Assert.Equal(due, nodes.Sum(n => n.Statistics.Fired)); // each firing counted by exactly one node

        // One trigger in a cluster tends to stay with the node that fired it last; Quartz shares by failover, not by
        // turns. So stop the node that pumped, let more timers come due (the 督办 orders' 5-day answer deadlines),
        // and the other node must take the pump over.
        var busy = nodes.MaxBy(n => n.Statistics.Runs)!;
        var other = nodes.Single(n => n != busy);
        await busy.StopAsync();
        var firedBefore = other.Statistics.Fired;
        Clock.SetBeijing("2025-11-28 09:00"); // orders issued 11/20 09:00 are due 11/27 09:00
        var later = await DueTimerCountAsync();
        Assert.True(later >= cases.Count, $"only {later} supervision deadlines due");
        await WaitUntilNothingIsDueAsync();
        await other.StopAsync();
        foreach (var node in nodes) Report("after failover", node);

        Assert.All(nodes, n => Assert.True(n.Statistics.Runs > 0, $"{n.InstanceId} never ran the pump"));
        Assert.Equal(later, other.Statistics.Fired - firedBefore);
        var fired = await AssertEachTimerFiredOnceAsync(cases);
        Assert.Equal(due + later, fired);
        Assert.Equal(fired, nodes.Sum(n => n.Statistics.Fired));
        Assert.Equal(0, nodes.Sum(n => n.Statistics.Failed));
        await using (var context = Store.CreateContext())
        {
            Assert.Equal(cases.Count, await context.SupervisionOrders.CountAsync(o => cases.Contains(o.CaseId) && o.Status == SupervisionStatus.Overdue));
        }

        // The job never ran on two nodes at once: no two runs overlap.
        var runs = nodes.SelectMany(n => n.Statistics.RecentRuns.Select(r => (Node: n.InstanceId, Run: r))).OrderBy(r => r.Run.StartedAt).ToList();
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.True(runs[i].Run.StartedAt >= runs[i - 1].Run.FinishedAt,
                $"{runs[i].Node} started at {runs[i].Run.StartedAt:O} while {runs[i - 1].Node} ran until {runs[i - 1].Run.FinishedAt:O}");
        }
    }
}
