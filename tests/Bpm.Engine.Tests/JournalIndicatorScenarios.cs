using Bpm.Definitions;
using Bpm.Engine.Commands;
using Bpm.Engine.Journal;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Bpm.Storage.Supervision;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Engine.Tests;

/// <summary>
/// domain.md §3 "each reproducible from the journal": scripted cases run through real commands, then the indicators are
/// counted from the rollups and replayed from the journal alone; both must equal the figures worked out by hand, and a
/// case row changed behind the engine's back must show up as a difference.
/// </summary>
public abstract class JournalIndicatorScenarios(TestDatabase database) : EngineTestBase(database)
{
    private static readonly Lazy<Task<WorkCalendar>> National = new(() =>
        CalendarFolder.LoadAsync(Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars"), "cn"));

    private ManualClock _clock = null!;
    private CaseEngine _engine = null!;
    private WorkCalendar _calendar = null!;

    private static string Instant(string code, string subject) => $$"""
        power:
          code: {{code}}
          name: 测试即办
          category: 行政许可
          subject: {{subject}}
          handling: 即办件
          fees: []
          basis:
            - {law: 中华人民共和国行政许可法, articles: 第三十四条}
        limits:
          legal: 20 工作日
          promised: 0 工作日
        nodes:
          - {id: start, kind: start, name: 申请}
          - {id: decide, kind: task, name: 受理即决定, department: 窗口, role: 受理员, outcomes: [准予, 不予受理]}
          - {id: granted, kind: end, name: 准予, result: 准予}
          - {id: not-accepted, kind: end, name: 不予受理, result: 不予受理}
        flows:
          - {from: start, to: decide}
          - {from: decide, to: granted, on: 准予}
          - {from: decide, to: not-accepted, on: 不予受理}

        """;

    private Task<CommandResult> Do(CaseCommand command) => _engine.ExecuteAsync(command);

    private async Task<CommandResult> AcceptedAsync(string code, string beijing)
    {
        _clock.SetBeijing(beijing);
        var applied = await Do(new Apply(code, Applicant, []));
        return await Do(new Accept(applied.At("accept").Id, Handler("window")));
    }

    /// <summary>审查 同意 and 决定 准予 at <paramref name="beijing"/>, 制证 right after: the case ends then.</summary>
    private async Task<Guid> GrantAsync(CommandResult state, string beijing)
    {
        _clock.SetBeijing(beijing);
        state = await Do(new Complete(state.At("review").Id, Handler("r"), "同意"));
        state = await Do(new Complete(state.At("decide").Id, Handler("d"), "准予"));
        state = await Do(new Complete(state.At("certify").Id, Handler("c"), "同意"));
        return state.CaseId;
    }

    /// <summary>The scripted cases, all on one implementing department: the clock ends at Beijing 2025-11-20 09:00.</summary>
    private sealed record Script(string Code, string Subject, Guid Early, Guid Suspended, Guid Refused, Guid Instant, Guid Open);

    private async Task<Script> ScriptAsync()
    {
        _clock = ManualClock.AtBeijing("2025-11-03 09:00");
        _calendar = await National.Value;
        _engine = new CaseEngine(Store, _clock, new EngineOptions { Calendar = _calendar });
        var code = TestDefinitions.NewCode();
        var subject = "监察复核局" + code;
        await _engine.Definitions.PublishAsync(TestDefinitions.Timed(code).Replace("测试县市场监督管理局", subject), DefinitionFormat.Yaml, "tester");
        var instantCode = TestDefinitions.NewCode();
        await _engine.Definitions.PublishAsync(Instant(instantCode, subject), DefinitionFormat.Yaml, "tester");

        // Six cases accepted Mon 2025-11-03 09:00: promised 5 wd → Mon 11/10 17:30. Office hours 09:00–12:00, 13:30–17:30 (7 h).
        // The clock only moves forward, so the cases advance side by side.
        var onTimeState = await AcceptedAsync(code, "2025-11-03 09:00");
        var earlyState = await AcceptedAsync(code, "2025-11-03 09:00");
        var lateState = await AcceptedAsync(code, "2025-11-03 09:00");
        var suspendedState = await AcceptedAsync(code, "2025-11-03 09:00");
        var refusedState = await AcceptedAsync(code, "2025-11-03 09:00");
        var open = await AcceptedAsync(code, "2025-11-03 09:00"); // still open on 11/20: past its promise, counted in 超期件数

        // 即办件 applied (and so accepted) Mon 10:00, decided 11:00 the same day: 当场办结, 1 h.
        _clock.SetBeijing("2025-11-03 10:00");
        var instantState = await Do(new Apply(instantCode, Applicant, []));
        _clock.SetBeijing("2025-11-03 11:00");
        await Do(new Complete(instantState.At("decide").Id, Handler("window"), "准予"));

        var early = await GrantAsync(earlyState, "2025-11-04 10:00"); // early; 8 h
        // 检验 stops the clock Tue 10:00 – Thu 10:00 (14 working hours): the promise moves to Wed 11/12 17:30, so ending
        // Tue 11/11 is early, and its working time is 43 h − 14 h = 29 h.
        await Do(new StartSpecialProcedure(suspendedState.At("review").Id, Handler("r"), "检验", "分管局长", "送检样品（行政许可法第四十五条）"));

        // Refused (不予) Wed 11/05 10:00: 办结 all the same, early; 15 h.
        _clock.SetBeijing("2025-11-05 10:00");
        refusedState = await Do(new Complete(refusedState.At("review").Id, Handler("r"), "同意"));
        refusedState = await Do(new Complete(refusedState.At("decide").Id, Handler("d"), "不予"));

        _clock.SetBeijing("2025-11-06 10:00");
        Suspension suspension;
        await using (var context = Store.CreateContext())
            suspension = await context.Suspensions.AsNoTracking().SingleAsync(s => s.CaseId == suspendedState.CaseId);
        await Do(new EndSpecialProcedure(suspendedState.CaseId, suspension.Id, Handler("r"), "检验合格"));

        await GrantAsync(onTimeState, "2025-11-10 10:00");                   // the due day: on time, not early; 36 h
        var suspended = await GrantAsync(suspendedState, "2025-11-11 10:00");
        await GrantAsync(lateState, "2025-11-12 10:00");                     // late; 50 h
        _clock.SetBeijing("2025-11-20 09:00");

        return new Script(code, subject, early, suspended, refusedState.CaseId, instantState.CaseId, open.CaseId);
    }

    [Fact]
    public async Task Indicators_replayed_from_the_journal_equal_the_rollups_and_the_hand_counted_figures()
    {
        var (code, subject, early, suspended, refusedId, instantId, openId) = await ScriptAsync();
        var facts = JournalFacts.Replay(suspended, await JournalAsync(suspended), _calendar);
        Assert.Equal((true, true, 14L * 3_600_000, 29L * 3_600_000), (facts.OnTime, facts.Early, facts.SuspendedMs, facts.WorkingMs));
        Assert.Equal(ManualClock.AtBeijing("2025-11-12 17:30").GetUtcNow().UtcDateTime, facts.PromisedDue);
        var refused = JournalFacts.Replay(refusedId, await JournalAsync(refusedId), _calendar);
        Assert.Equal(("Completed", "不予", true), (refused.Status, refused.Result, refused.Early));
        Assert.True(JournalFacts.Replay(instantId, await JournalAsync(instantId), _calendar).OnTheSpot);
        Assert.True(JournalFacts.Replay(openId, await JournalAsync(openId), _calendar).OverdueAt(_engine.Now()));

        // 7 cases, 6 办结 all with a due time: 5 on time (0.8333), 3 early (0.5), the 即办件 on the spot (1.0), overdue =
        // 1 late + 1 open; working time (36 + 8 + 50 + 29 + 15 + 1) h / 6 = 139 h / 6 = 3.3095 working days of 7 h.
        var expected = new CaseIndicatorReport(7, 6, 0.8333, 0.5, 1.0, 2, 3.3095);
        var filter = new IndicatorFilter(Department: subject, From: new DateOnly(2025, 11, 1), To: new DateOnly(2025, 11, 30));
        var verification = await VerifyAsync(filter);
        Assert.Equal(expected, verification.FromRollups);
        Assert.Equal(expected, verification.FromJournal);
        Assert.Empty(verification.Differences);
        Assert.Equal((7L, 0L), (verification.Journaled, verification.Unjournaled));

        // Moving the early case's end behind the engine's back: the rollups keep counting it as before, the journal
        // does not agree, and verify names the case and the field.
        var moved = ManualClock.AtBeijing("2025-11-14 10:00").GetUtcNow().UtcDateTime;
        Assert.Equal(1, await ExecuteSqlAsync($"UPDATE cases SET ended_at = {moved}, revision = revision + 1 WHERE id = {early}"));
        verification = await VerifyAsync(filter);
        var difference = Assert.Single(verification.Differences);
        Assert.Equal((early, "endedAt", "2025-11-14T02:00:00.000Z", "2025-11-04T02:00:00.000Z"),
            (difference.CaseId, difference.Field, difference.Rollup, difference.Journal));
        Assert.Equal(expected, verification.FromJournal);
    }

    [Fact]
    public async Task A_case_withdrawn_while_suspended_nets_out_the_suspension_its_end_cut_short()
    {
        _clock = ManualClock.AtBeijing("2025-11-03 09:00");
        _calendar = await National.Value;
        _engine = new CaseEngine(Store, _clock, new EngineOptions { Calendar = _calendar });
        var code = TestDefinitions.NewCode();
        await _engine.Definitions.PublishAsync(TestDefinitions.Timed(code), DefinitionFormat.Yaml, "tester");
        var state = await AcceptedAsync(code, "2025-11-03 09:00");
        _clock.SetBeijing("2025-11-04 09:00");
        await Do(new StartSpecialProcedure(state.At("review").Id, Handler("r"), "检验", "分管局长", "送检样品（行政许可法第四十五条）"));
        _clock.SetBeijing("2025-11-05 09:00");
        await Do(new Withdraw(state.CaseId, Applicant, "不再申请"));

        // 受理 → withdrawal is 14 working hours, 7 of them suspended: the end itself closed the suspension.
        var stored = await CaseAsync(state.CaseId);
        var facts = JournalFacts.Replay(state.CaseId, await JournalAsync(state.CaseId), _calendar);
        Assert.Equal((7L * 3_600_000, 7L * 3_600_000), (stored.SuspendedMs, stored.WorkingMs!.Value));
        Assert.Equal((stored.SuspendedMs, stored.WorkingMs, "Withdrawn"), (facts.SuspendedMs, facts.WorkingMs, facts.Status));
        var differences = (await VerifyAsync(new IndicatorFilter(code))).Differences;
        Assert.True(differences.Count == 0, string.Join("; ", differences));
    }

    [Fact]
    public async Task Rebuilding_deleted_rollups_from_cases_and_visits_gives_the_same_answers_as_the_save_path()
    {
        var script = await ScriptAsync();
        var filter = new IndicatorFilter(Department: script.Subject);
        var timingFilter = new NodeTimingFilter(script.Code, GroupBy: TimingGroup.Handler);
        var grantedFilter = new NodeTimingFilter(script.Code, Outcome: "准予");
        var granted = await TimingAsync(grantedFilter); // the outcome cube: visits moved from "running" to the result when the case ended
        Assert.Contains("\"certify\"", granted);
        var timing = await TimingAsync(timingFilter);
        var indicators = (await VerifyAsync(filter)).FromRollups;
        Assert.Contains("\"review\"", timing);

        Assert.True(await ExecuteSqlAsync($"DELETE FROM node_timing_histograms") > 0);
        Assert.True(await ExecuteSqlAsync($"DELETE FROM case_indicator_rollups") > 0);
        Assert.NotEqual(timing, await TimingAsync(timingFilter));
        Assert.Equal(0, (await VerifyAsync(filter)).FromRollups.Completed);

        // Batches of 3 cases: the 7 cases take three transactions, and visits of one case never straddle two.
        var report = await RollupRebuild.RunAsync(Store, 3, null, CancellationToken.None);
        Assert.Equal((7L, 3), (report.Cases, report.Batches));
        Assert.Equal(timing, await TimingAsync(timingFilter));
        Assert.Equal(granted, await TimingAsync(grantedFilter));
        Assert.Equal(indicators, (await VerifyAsync(filter)).FromRollups);
        Assert.Equal(new CaseIndicatorReport(7, 6, 0.8333, 0.5, 1.0, 2, 3.3095), indicators);
    }

    /// <summary>Node timing per handler as JSON, so two answers compare by value.</summary>
    private async Task<string> TimingAsync(NodeTimingFilter filter)
    {
        await using var db = Store.CreateContext();
        var report = await NodeTiming.QueryAsync(db, filter, _engine.Now(), _calendar.WorkingDayLength, CancellationToken.None);
        return System.Text.Json.JsonSerializer.Serialize(report);
    }

    private async Task<IndicatorVerification> VerifyAsync(IndicatorFilter filter)
    {
        await using var db = Store.CreateContext();
        return await JournalIndicators.VerifyAsync(db, filter, _engine.Now(), _calendar, CancellationToken.None);
    }
}

public sealed class SqliteJournalIndicatorScenarios() : JournalIndicatorScenarios(TestDatabase.Sqlite());

public sealed class PostgresJournalIndicatorScenarios(PostgresDatabaseFixture pg) : JournalIndicatorScenarios(TestDatabase.Postgres(pg)), IClassFixture<PostgresDatabaseFixture>;
