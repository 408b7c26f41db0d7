using System.Text.Json.Nodes;
using Bpm.Definitions;
using Bpm.Definitions.Model;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Bpm.Storage;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Engine.Tests;

/// <summary>Due dates, suspension, extension, lights and timers with a hand-moved clock, on both databases (domain.md §1–§3, §8).</summary>
public abstract class LegalTimeScenarios(TestDatabase database) : EngineTestBase(database)
{
    private static readonly Lazy<Task<WorkCalendar>> National = new(() =>
        CalendarFolder.LoadAsync(Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars"), "cn"));

    private ManualClock _clock = null!;
    private CaseEngine _engine = null!;

    private async Task<CaseEngine> StartAsync(string beijing)
    {
        _clock = ManualClock.AtBeijing(beijing);
        _engine = new CaseEngine(Store, _clock, new EngineOptions { Calendar = await National.Value });
        return _engine;
    }

    private static DateTime Beijing(string s) => TimeZoneInfo.ConvertTimeToUtc(DateTime.Parse(s), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

    private async Task<string> PublishAsync(Func<string, string> definition)
    {
        var code = TestDefinitions.NewCode();
        // Departments of their own: points are capped per department and month, and the database is shared by the class.
        await _engine.Definitions.PublishAsync(definition(code).Replace("许可股", "许可股" + code), DefinitionFormat.Yaml, "tester");
        return code;
    }

    private Task<CommandResult> Do(CaseCommand command) => _engine.ExecuteAsync(command);

    private Task<PumpResult> PumpAsync(CaseEngine? engine = null) => new TimerPump(engine ?? _engine, Store).PumpAsync();

    private async Task<CommandResult> AcceptedCaseAsync(string code)
    {
        var applied = await Do(new Apply(code, Applicant, []));
        return await Do(new Accept(applied.At("accept").Id, Handler("window")));
    }

    private async Task<List<T>> RowsAsync<T>(Guid caseId, Func<BpmDbContext, IQueryable<T>> query) where T : class
    {
        await using var context = Store.CreateContext();
        return await query(context).AsNoTracking().ToListAsync();
    }

    [Fact]
    public async Task Acceptance_sets_promised_and_legal_due_across_National_Day_2025()
    {
        await StartAsync("2025-09-26 10:00");
        var code = await PublishAsync(TestDefinitions.Timed);
        var state = await AcceptedCaseAsync(code);
        var @case = await CaseAsync(state.CaseId);
        Assert.Equal(Beijing("2025-09-26 10:00"), @case.AcceptedAt);
        Assert.Equal(Beijing("2025-10-10 17:30"), @case.PromisedDue); // 9/28, 9/29, 9/30, 10/9, 10/10
        Assert.Equal(Beijing("2025-10-16 17:30"), @case.LegalDue);
        var review = (await VisitsAsync(state.CaseId)).Single(v => v.NodeId == "review");
        Assert.Equal(Beijing("2025-09-30 17:30"), review.DueAt);
        Assert.Equal(Light.Green, @case.Light);
    }

    [Fact]
    public async Task Acceptance_before_the_2026_Spring_Festival_is_due_after_it()
    {
        await StartAsync("2026-02-13 15:00");
        var code = await PublishAsync(TestDefinitions.Timed);
        var @case = await CaseAsync((await AcceptedCaseAsync(code)).CaseId);
        Assert.Equal(Beijing("2026-03-05 17:30"), @case.LegalDue); // domain.md §1.2 fixture: 2026-02-13 + 10 wd
        Assert.Equal(Beijing("2026-02-27 17:30"), @case.PromisedDue); // 2/14 (make-up Saturday), 2/24, 2/25, 2/26, 2/27
    }

    [Fact]
    public async Task A_suspension_across_a_holiday_shifts_due_times_by_the_working_time_it_stood_still()
    {
        await StartAsync("2025-09-26 10:00");
        var code = await PublishAsync(TestDefinitions.Timed);
        var state = await AcceptedCaseAsync(code);
        _clock.SetBeijing("2025-09-30 10:00");
        await Assert.ThrowsAsync<CommandRejectedException>(() => Do(new StartSpecialProcedure(state.At("review").Id, Handler("r"), "听证", "局长", "x")));
        state = await Do(new StartSpecialProcedure(state.At("review").Id, Handler("r"), "检验", "分管局长", "送检样品（行政许可法第四十五条）"));
        Assert.NotNull((await CaseAsync(state.CaseId)).SuspendedSince);
        await Assert.ThrowsAsync<StateConflictException>(() => Do(new Complete(state.At("review").Id, Handler("r"), "同意")));

        _clock.SetBeijing("2025-10-10 10:00"); // 6 h on 9/30, National Day off, 7 h on 10/9, 1 h on 10/10 = 14 h = 2 working days
        var suspension = Assert.Single(await RowsAsync(state.CaseId, c => c.Suspensions.Where(s => s.CaseId == state.CaseId)));
        state = await Do(new EndSpecialProcedure(state.CaseId, suspension.Id, Handler("r"), "检验合格"));
        var @case = await CaseAsync(state.CaseId);
        Assert.Null(@case.SuspendedSince);
        Assert.Equal((long)TimeSpan.FromHours(14).TotalMilliseconds, @case.SuspendedMs);
        Assert.Equal(Beijing("2025-10-13 17:30"), @case.PromisedDue); // 10/10 17:30 + 2 wd (10/11 is a make-up Saturday)
        Assert.Equal(Beijing("2025-10-20 17:30"), @case.LegalDue);
        var review = (await VisitsAsync(state.CaseId)).Single(v => v.NodeId == "review");
        Assert.Equal(Beijing("2025-10-10 17:30"), review.DueAt);

        _clock.SetBeijing("2025-10-10 11:00");
        state = await Do(new Complete(state.At("review").Id, Handler("r"), "同意"));
        review = (await VisitsAsync(state.CaseId)).Single(v => v.NodeId == "review");
        // 9/26 10:00–17:30 (6 h) + 9/28 7 h + 9/29 7 h + 9/30 1 h + 10/10 1 h = 22 h of work, the 14 h suspended left out.
        Assert.Equal((long)TimeSpan.FromHours(22).TotalMilliseconds, review.WorkingMs);
    }

    [Fact]
    public async Task An_extension_approved_in_time_moves_the_due_times_once_and_a_late_one_is_refused_and_recorded()
    {
        await StartAsync("2025-11-03 09:00");
        var code = await PublishAsync(TestDefinitions.Timed);
        var onTime = await AcceptedCaseAsync(code);
        var late = await AcceptedCaseAsync(code);
        _clock.SetBeijing("2025-11-14 10:00"); // legal due 11/17 17:30
        await Assert.ThrowsAsync<CommandRejectedException>(() => Do(new Extend(onTime.CaseId, Handler("r"), "局长", "需补充论证", new Duration(6, TimeUnit.WorkingDay))));
        await Do(new Extend(onTime.CaseId, Handler("r"), "局长", "需补充论证", new Duration(5, TimeUnit.WorkingDay)));
        var extended = await CaseAsync(onTime.CaseId);
        Assert.Equal(Beijing("2025-11-24 17:30"), extended.LegalDue);
        Assert.Equal(1, extended.Extensions);
        var second = await Assert.ThrowsAsync<StateConflictException>(() => Do(new Extend(onTime.CaseId, Handler("r"), "局长", "再延", new Duration(1, TimeUnit.WorkingDay))));
        Assert.Equal("already-extended", second.Reason);

        _clock.SetBeijing("2025-11-18 09:00");
        var refused = await Assert.ThrowsAsync<StateConflictException>(() => Do(new Extend(late.CaseId, Handler("r"), "局长", "来不及了", new Duration(5, TimeUnit.WorkingDay))));
        Assert.Equal("extension-too-late", refused.Reason);
        Assert.Equal(0, (await CaseAsync(late.CaseId)).Extensions);
        Assert.Single(await RowsAsync(late.CaseId, c => c.Warnings.Where(w => w.CaseId == late.CaseId && w.Kind == "late-extension")));
        Assert.Contains(await JournalAsync(late.CaseId), e => e.Kind == "extension-refused");
    }

    [Fact]
    public async Task Without_a_supplement_notice_in_five_working_days_the_case_is_deemed_accepted_at_receipt()
    {
        await StartAsync("2025-11-03 09:30");
        var code = await PublishAsync(TestDefinitions.Timed);
        var state = await Do(new Apply(code, Applicant, []));
        _clock.SetBeijing("2025-11-10 17:29");
        await PumpAsync(); // only the acceptance step's own timers are due; deemed acceptance is at the close of the 5th working day
        Assert.Null((await CaseAsync(state.CaseId)).AcceptedAt);
        _clock.SetBeijing("2025-11-10 17:31");
        await PumpAsync();

        var @case = await CaseAsync(state.CaseId);
        Assert.Equal(Beijing("2025-11-03 09:30"), @case.AcceptedAt);
        var accept = await WorkItemAsync(state.At("accept").Id);
        Assert.True(accept.Deemed);
        Assert.Equal(("受理", "system"), (accept.Outcome, accept.CompletedBy));
        Assert.Contains((await WorkItemsAsync(state.CaseId)), w => w.NodeId == "review" && w.IsOpen);
        Assert.Single(await RowsAsync(state.CaseId, c => c.Warnings.Where(w => w.CaseId == state.CaseId && w.Kind == "no-supplement-notice")));
        Assert.Single(await RowsAsync(state.CaseId, c => c.PenaltyPoints.Where(p => p.CaseId == state.CaseId && p.EventKind == "no-supplement-notice")));

        // A supplement notice in time stops that timer.
        var other = await Do(new Apply(code, Applicant, []));
        await Do(new RequestSupplement(other.At("accept").Id, Handler("window"), ["场所平面图"]));
        _clock.Advance(TimeSpan.FromDays(10));
        await PumpAsync();
        Assert.Null((await CaseAsync(other.CaseId)).AcceptedAt);
    }

    [Fact]
    public async Task Yellow_red_and_red_card_each_fire_once_with_their_escalations()
    {
        await StartAsync("2025-11-03 09:00");
        var code = await PublishAsync(TestDefinitions.Timed);
        var state = await AcceptedCaseAsync(code);
        // promised 11/10 17:30; yellow once at most max(1 wd, 1/3 of 5 wd) = 11 h 40 min remain: 11/7 11:20
        _clock.SetBeijing("2025-11-07 11:19");
        await PumpAsync();
        Assert.Equal(Light.Green, (await CaseAsync(state.CaseId)).Light);
        _clock.SetBeijing("2025-11-07 11:21");
        await PumpAsync();
        Assert.Equal(Light.Yellow, (await CaseAsync(state.CaseId)).Light);
        Assert.Equal(0, (await PumpAsync()).Fired);
        _clock.SetBeijing("2025-11-10 17:31");
        await PumpAsync();
        Assert.Equal(Light.Red, (await CaseAsync(state.CaseId)).Light);
        _clock.SetBeijing("2025-11-17 17:31");
        await PumpAsync();
        await PumpAsync();
        Assert.Equal(Light.RedCard, (await CaseAsync(state.CaseId)).Light);

        var warnings = await RowsAsync(state.CaseId, c => c.Warnings.Where(w => w.CaseId == state.CaseId && w.NodeId == null));
        Assert.Equal(["case-red", "case-red-card", "case-yellow"], warnings.Select(w => w.Kind).Order());
        var order = Assert.Single(await RowsAsync(state.CaseId, c => c.SupervisionOrders.Where(o => o.CaseId == state.CaseId)));
        Assert.Equal(("许可股" + code, SupervisionStatus.Issued), (order.Department, order.Status));
        Assert.Equal(Beijing("2025-11-24 17:30"), order.ResponseDue); // 5 working days to answer
        Assert.NotEmpty(await RowsAsync(state.CaseId, c => c.OutboxMessages.Where(m => m.CaseId == state.CaseId && m.Kind == "case-overdue")));
        var points = await RowsAsync(state.CaseId, c => c.PenaltyPoints.Where(p => p.CaseId == state.CaseId));
        Assert.Contains(points, p => p.EventKind == "case-red-card" && p.Department == "许可股" + code);
        var review = (await VisitsAsync(state.CaseId)).Single(v => v.NodeId == "review");
        Assert.Equal(Light.Red, review.Light); // the step's own 3-day limit passed too
        var fired = (await JournalAsync(state.CaseId)).Where(e => e.Kind == "timer-fired").ToList();
        Assert.Equal(fired.Count, fired.Select(e => e.Payload).Distinct().Count());

        // An unanswered 督办 escalates at its own deadline; an answered one would not.
        _clock.SetBeijing("2025-11-24 17:31");
        await PumpAsync();
        order = Assert.Single(await RowsAsync(state.CaseId, c => c.SupervisionOrders.Where(o => o.CaseId == state.CaseId)));
        Assert.Equal(SupervisionStatus.Overdue, order.Status);
    }

    [Fact]
    public async Task A_definition_declares_its_own_threshold_and_escalations_over_the_defaults()
    {
        await StartAsync("2025-11-03 09:00");
        var code = await PublishAsync(c => TestDefinitions.Timed(c) + """
            supervision:
              warning: 2 工作日
              escalations:
                - {on: case-overdue, warn: false}
                - {on: case-red-card, supervise: true, answerWithin: 3 工作日, points: 4}

            """);
        var state = await AcceptedCaseAsync(code);
        _clock.SetBeijing("2025-11-06 17:31"); // 2 working days (11/7, 11/10) before the promised 11/10 17:30
        await PumpAsync();
        Assert.Equal(Light.Yellow, (await CaseAsync(state.CaseId)).Light);
        _clock.SetBeijing("2025-11-17 17:31");
        await PumpAsync();

        var warnings = await RowsAsync(state.CaseId, c => c.Warnings.Where(w => w.CaseId == state.CaseId && w.NodeId == null));
        Assert.Equal(["case-red-card", "case-yellow"], warnings.Select(w => w.Kind).Order()); // no 预警 for red: switched off
        var order = Assert.Single(await RowsAsync(state.CaseId, c => c.SupervisionOrders.Where(o => o.CaseId == state.CaseId)));
        Assert.Equal(Beijing("2025-11-20 17:30"), order.ResponseDue); // 3 working days, not the default 5
        var points = await RowsAsync(state.CaseId, c => c.PenaltyPoints.Where(p => p.CaseId == state.CaseId && p.EventKind == "case-red-card"));
        Assert.Equal(4m, Assert.Single(points).Points);
        Assert.Empty(await RowsAsync(state.CaseId, c => c.PenaltyPoints.Where(p => p.CaseId == state.CaseId && p.EventKind == "case-red")));
    }

    [Fact]
    public async Task A_timer_due_while_the_server_was_stopped_fires_once_at_start_up()
    {
        await StartAsync("2025-11-03 09:00");
        var code = await PublishAsync(TestDefinitions.Timed);
        var state = await AcceptedCaseAsync(code);
        var (store, _) = Reopen();
        await store.DisposeAsync(); // the "server" is gone; time passes with nobody firing anything
        _clock.SetBeijing("2025-11-12 09:00");

        var (restarted, _) = Reopen();
        await using (restarted)
        {
            var engine = new CaseEngine(restarted, _clock, new EngineOptions { Calendar = await National.Value });
            var first = await new TimerPump(engine, restarted).PumpAsync();
            var again = await new TimerPump(engine, restarted).PumpAsync();
            Assert.True(first.Fired >= 3, $"fired {first.Fired}"); // case yellow + red, node timers of review
            Assert.Equal(0, again.Fired);
        }
        Assert.Equal(Light.Red, (await CaseAsync(state.CaseId)).Light);
        var timers = await RowsAsync(state.CaseId, c => c.CaseTimers.Where(t => t.CaseId == state.CaseId && t.Status == TimerStatus.Fired));
        var fired = (await JournalAsync(state.CaseId)).Count(e => e.Kind == "timer-fired");
        Assert.Equal(timers.Count, fired);
    }

    [Fact]
    public async Task Two_pumps_over_one_database_fire_each_timer_once()
    {
        await StartAsync("2025-11-03 09:00");
        var code = await PublishAsync(TestDefinitions.Timed);
        var cases = new List<Guid>();
        for (var i = 0; i < 12; i++) cases.Add((await AcceptedCaseAsync(code)).CaseId);
        _clock.SetBeijing("2025-11-20 09:00");

        var (other, _) = Reopen();
        await using (other)
        {
            var second = new CaseEngine(other, _clock, new EngineOptions { Calendar = await National.Value });
            var before = await FiredTimerCountAsync(); // the class shares its database: other tests' cases may have timers due too
            var results = await Task.WhenAll(
                Task.Run(() => new TimerPump(_engine, Store, batchSize: 7).PumpAsync()),
                Task.Run(() => new TimerPump(second, other, batchSize: 7).PumpAsync()));
            Assert.Equal(await FiredTimerCountAsync() - before, results.Sum(r => r.Fired)); // each firing counted by one pump
            Assert.Empty(await RowsAsync(Guid.Empty, c => c.CaseTimers.Where(t => cases.Contains(t.CaseId) && t.Status == TimerStatus.Pending && t.DueAt <= _engine.Now())));
            Assert.Equal(0, results.Sum(r => r.Failed));
        }
        foreach (var id in cases)
        {
            var journal = await JournalAsync(id);
            var fired = journal.Where(e => e.Kind == "timer-fired").Select(e => e.Payload).ToList();
            Assert.Equal(fired.Count, fired.Distinct().Count());
            Assert.Single(journal, e => e.Kind == "light-changed" && e.Payload.Contains("RedCard") && e.NodeId == null);
            Assert.True((await _engine.VerifyJournalAsync(id)).Intact);
        }
    }

    [Fact]
    public async Task A_pump_that_looks_ahead_waits_for_the_due_time_and_never_fires_early()
    {
        await StartAsync("2025-11-03 09:00");
        var code = await PublishAsync(TestDefinitions.Timed);
        var state = await AcceptedCaseAsync(code);
        var due = Beijing("2025-11-06 17:30"); // the review step's limit (3 working days)
        var timer = Assert.Single(await RowsAsync(state.CaseId, c => c.CaseTimers.Where(t => t.CaseId == state.CaseId && t.Kind == TimerKind.NodeDue && t.DueAt == due)));
        Assert.Equal(TimerStatus.Pending, timer.Status);
        _clock.SetBeijing("2025-11-06 17:29:59.700");
        await PumpAsync(); // everything due before (the warnings)

        // The clock stands still 300 ms short: a pass that reads 500 ms ahead waits for it, then leaves it pending.
        var standing = await new TimerPump(_engine, Store, lookAhead: TimeSpan.FromMilliseconds(500)).PumpAsync();
        Assert.True(standing.Deferred >= 1, $"deferred {standing.Deferred}");
        Assert.Equal(TimerStatus.Pending, (await TimerAsync(timer.Id)).Status);

        // The clock moves to 1 ms short, then to the due time, while a pass reading 2 s ahead waits: fired then, not before.
        var pass = Task.Run(() => new TimerPump(_engine, Store, lookAhead: TimeSpan.FromSeconds(2)).PumpAsync());
        await Task.Delay(200);
        _clock.Advance(due.AddMilliseconds(-1) - _engine.Now());
        await Task.Delay(300);
        Assert.Equal(TimerStatus.Pending, (await TimerAsync(timer.Id)).Status);
        Assert.False(pass.IsCompleted);
        _clock.Advance(due - _engine.Now());
        var result = await pass; // (other tests' timers due within the 2 s are deferred: the clock stays at the due time)
        Assert.True(result.Fired >= 1);
        Assert.All(result.Lateness, late => Assert.True(late >= TimeSpan.Zero, $"fired {late} after due"));
        var fired = await TimerAsync(timer.Id);
        Assert.Equal((TimerStatus.Fired, (DateTime?)due), (fired.Status, fired.FiredAt));
        Assert.Single(await JournalAsync(state.CaseId), e => e.Kind == "timer-fired" && e.Payload.Contains(timer.Id.ToString()));
        Assert.Equal(Light.Red, (await VisitsAsync(state.CaseId)).Single(v => v.NodeId == "review").Light);
    }

    [Fact]
    public async Task Two_pumps_that_look_ahead_wait_for_the_same_timers_and_fire_each_once()
    {
        await StartAsync("2025-11-03 09:00");
        var code = await PublishAsync(TestDefinitions.Timed);
        var cases = new List<Guid>();
        for (var i = 0; i < 12; i++) cases.Add((await AcceptedCaseAsync(code)).CaseId);
        var due = Beijing("2025-11-06 17:30"); // every case's review step falls due at this instant
        _clock.SetBeijing("2025-11-06 17:29:59.800");
        await PumpAsync();

        var (other, _) = Reopen();
        await using (other)
        {
            var second = new CaseEngine(other, _clock, new EngineOptions { Calendar = await National.Value });
            var passes = Task.WhenAll(
                Task.Run(() => new TimerPump(_engine, Store, batchSize: 5, lookAhead: TimeSpan.FromSeconds(3)).PumpAsync()),
                Task.Run(() => new TimerPump(second, other, batchSize: 5, parallelism: 3, lookAhead: TimeSpan.FromSeconds(3)).PumpAsync()));
            await Task.Delay(300); // both have read the timers ahead and wait
            _clock.Advance(due - _engine.Now());
            var results = await passes;
            Assert.Equal(0, results.Sum(r => r.Failed));
            var timers = await RowsAsync(Guid.Empty, c => c.CaseTimers.Where(t => cases.Contains(t.CaseId) && t.Kind == TimerKind.NodeDue && t.DueAt == due));
            Assert.Equal(cases.Count, timers.Count);
            Assert.All(timers, t => Assert.Equal((TimerStatus.Fired, (DateTime?)due), (t.Status, t.FiredAt)));
            Assert.True(results.Sum(r => r.Fired) >= cases.Count);
        }
        foreach (var id in cases)
        {
            var fired = (await JournalAsync(id)).Where(e => e.Kind == "timer-fired").Select(e => e.Payload).ToList();
            Assert.Equal(fired.Count, fired.Distinct().Count());
            Assert.True((await _engine.VerifyJournalAsync(id)).Intact);
        }
    }

    private async Task<int> FiredTimerCountAsync()
    {
        await using var context = Store.CreateContext();
        return await context.CaseTimers.CountAsync(t => t.Status == TimerStatus.Fired);
    }

    private async Task<CaseTimer> TimerAsync(Guid id) => Assert.Single(await RowsAsync(id, c => c.CaseTimers.Where(t => t.Id == id)));

    [Fact]
    public async Task A_silent_branch_is_deemed_to_consent_and_flagged()
    {
        await StartAsync("2025-11-03 09:00");
        var code = await PublishAsync(TestDefinitions.Silent);
        var state = await AcceptedCaseAsync(code);
        state = await Do(new Complete(state.At("nr-opinion").Id, Handler("nr"), "同意"));
        _clock.SetBeijing("2025-11-10 17:31");
        await PumpAsync();
        var items = await WorkItemsAsync(state.CaseId);
        var env = items.Single(w => w.NodeId == "env-opinion");
        Assert.Equal(("视为同意", true, WorkItemStatus.Completed), (env.Outcome, env.Deemed, env.Status));
        Assert.Contains(items, w => w.NodeId == "decide" && w.IsOpen);
    }
}

public sealed class SqliteLegalTimeScenarios() : LegalTimeScenarios(TestDatabase.Sqlite());

public sealed class PostgresLegalTimeScenarios(PostgresDatabaseFixture pg) : LegalTimeScenarios(TestDatabase.Postgres(pg)), IClassFixture<PostgresDatabaseFixture>;
