using Bpm.Definitions;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Bpm.Storage;
using Bpm.Storage.Queries;
using Bpm.Testing;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Engine.Tests;

/// <summary>
/// Electronic supervision beyond the lights (domain.md §3, rules 24, 26, 30): the 督办 lifecycle, department scores,
/// 预警纠错 rule hits, 好差评 with 差评整改 and complaints, with a hand-moved clock on both databases.
/// </summary>
public abstract partial class OversightScenarios(TestDatabase database) : EngineTestBase(database)
{
    private static readonly Lazy<Task<WorkCalendar>> National = new(() =>
        CalendarFolder.LoadAsync(Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars"), "cn"));

    private ManualClock _clock = null!;
    private CaseEngine _engine = null!;

    private async Task StartAsync(string beijing, SupervisionPolicy? policy = null)
    {
        _clock = ManualClock.AtBeijing(beijing);
        _engine = new CaseEngine(Store, _clock, new EngineOptions { Calendar = await National.Value, Supervision = policy ?? new SupervisionPolicy() });
    }

    private static DateTime Beijing(string s) => TimeZoneInfo.ConvertTimeToUtc(DateTime.Parse(s), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

    /// <summary>Publishes a definition with departments of its own (the class shares its database; points are per department).</summary>
    private async Task<(string Code, string Department)> PublishAsync(Func<string, string>? definition = null, Func<string, string>? edit = null)
    {
        var code = TestDefinitions.NewCode();
        var text = (definition ?? TestDefinitions.Timed)(code).Replace("许可股", "许可股" + code);
        await _engine.Definitions.PublishAsync(edit is null ? text : edit(text), DefinitionFormat.Yaml, "tester");
        return (code, "许可股" + code);
    }

    private Task<CommandResult> Do(CaseCommand command) => _engine.ExecuteAsync(command);

    private Task<PumpResult> PumpAsync() => new TimerPump(_engine, Store).PumpAsync();

    private async Task<CommandResult> AcceptedCaseAsync(string code)
    {
        var applied = await Do(new Apply(code, Applicant, []));
        return await Do(new Accept(applied.At("accept").Id, Handler("window")));
    }

    private async Task<List<T>> RowsAsync<T>(Func<BpmDbContext, IQueryable<T>> query) where T : class
    {
        await using var context = Store.CreateContext();
        return await query(context).AsNoTracking().ToListAsync();
    }

    private Task<SupervisionOrder> OrderAsync(Guid id) => SingleAsync(c => c.SupervisionOrders.Where(o => o.Id == id));

    private async Task<T> SingleAsync<T>(Func<BpmDbContext, IQueryable<T>> query) where T : class => Assert.Single(await RowsAsync(query));

    private Task<List<RuleHit>> HitsAsync(Guid caseId) => RowsAsync(c => c.RuleHits.Where(h => h.CaseId == caseId));

    // ---------------------------------------------------------------- 督办 lifecycle

    [Fact]
    public async Task A_supervision_order_goes_through_every_state_and_escalates_at_its_deadline()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, department) = await PublishAsync();
        var state = await AcceptedCaseAsync(code);
        var supervisor = new Actor("jc", "监察员");
        var handler = new Actor("li", "李审查", department);

        await Do(new IssueSupervision(state.CaseId, supervisor, department, "请说明审查进度") { AnswerWithin = new(2, Definitions.Model.TimeUnit.WorkingDay) });
        var id = (await SingleAsync(c => c.SupervisionOrders.Where(o => o.CaseId == state.CaseId))).Id;
        var order = await OrderAsync(id);
        Assert.Equal((SupervisionStatus.Issued, "manual", Beijing("2025-11-05 17:30")), (order.Status, order.Rule, order.ResponseDue));
        Assert.StartsWith("DB20251103-", order.No);
        Assert.Contains(await RowsAsync(c => c.OutboxMessages.Where(m => m.CaseId == state.CaseId)), m => m.Kind == "supervision-issued" && m.Recipient == department);

        // Only the addressed department signs (签收).
        var other = await Assert.ThrowsAsync<ForbiddenException>(() => Do(new SignSupervision(state.CaseId, id, new Actor("w", "窗口", "窗口"))));
        Assert.Equal("other-department", other.Reason);
        await Do(new SignSupervision(state.CaseId, id, handler));
        order = await OrderAsync(id);
        Assert.Equal((SupervisionStatus.Signed, "li"), (order.Status, order.SignedBy));
        Assert.Equal("order-signed", (await Assert.ThrowsAsync<StateConflictException>(() => Do(new SignSupervision(state.CaseId, id, handler)))).Reason);

        // Unanswered at the deadline: 逾期未反馈, escalated (red card, points, notice).
        _clock.SetBeijing("2025-11-05 17:29");
        await PumpAsync();
        Assert.Equal(SupervisionStatus.Signed, (await OrderAsync(id)).Status);
        _clock.SetBeijing("2025-11-05 17:31");
        await PumpAsync();
        order = await OrderAsync(id);
        Assert.Equal(SupervisionStatus.Overdue, order.Status);
        Assert.NotNull(order.EscalatedAt);
        Assert.Equal(Light.RedCard, (await CaseAsync(state.CaseId)).Light);
        Assert.Contains(await RowsAsync(c => c.PenaltyPoints.Where(p => p.CaseId == state.CaseId)), p => p.EventKind == "supervision-overdue" && p.Department == department);

        // A late answer is still taken (the escalation stays on record); the supervisor returns it with a new deadline.
        Assert.Equal("bad-answer-kind", (await Assert.ThrowsAsync<CommandRejectedException>(() =>
            Do(new AnswerSupervision(state.CaseId, id, handler, "已办") { Kind = "道歉" }))).Reason);
        await Do(new AnswerSupervision(state.CaseId, id, handler, "已安排专人审查") { Kind = AnswerSupervision.Rectification });
        order = await OrderAsync(id);
        Assert.Equal((SupervisionStatus.Answered, "整改", "li"), (order.Status, order.AnswerKind, order.AnsweredBy));
        Assert.Equal("order-answered", (await Assert.ThrowsAsync<StateConflictException>(() =>
            Do(new AnswerSupervision(state.CaseId, id, handler, "再答")))).Reason);

        _clock.SetBeijing("2025-11-06 10:00");
        await Do(new ReturnSupervision(state.CaseId, id, supervisor, "整改措施不具体") { AnswerWithin = new(3, Definitions.Model.TimeUnit.WorkingDay) });
        order = await OrderAsync(id);
        Assert.Equal((SupervisionStatus.Returned, 1, (DateTime?)null, Beijing("2025-11-11 17:30")), (order.Status, order.Returns, order.SignedAt, order.ResponseDue));

        // Signed and answered in time this round: the new deadline passes without escalation.
        await Do(new SignSupervision(state.CaseId, id, handler));
        await Do(new AnswerSupervision(state.CaseId, id, handler, "已明确每日审查进度并于11月7日办结") { Kind = AnswerSupervision.Rectification });
        _clock.SetBeijing("2025-11-12 09:00");
        await PumpAsync();
        order = await OrderAsync(id);
        Assert.Equal((SupervisionStatus.Answered, (DateTime?)null), (order.Status, order.EscalatedAt));

        // Only an answered order can be returned; the supervisor accepts it (审核通过结案).
        await Do(new CloseSupervision(state.CaseId, id, supervisor, "整改到位，予以结案"));
        order = await OrderAsync(id);
        Assert.Equal((SupervisionStatus.Closed, "jc", "整改到位，予以结案"), (order.Status, order.ClosedBy, order.Conclusion));
        Assert.Equal("order-not-open", (await Assert.ThrowsAsync<StateConflictException>(() =>
            Do(new CloseSupervision(state.CaseId, id, supervisor, "again")))).Reason);

        var kinds = (await JournalAsync(state.CaseId)).Select(e => e.Kind).Where(k => k.StartsWith("supervision-", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["supervision-issued", "supervision-signed", "supervision-overdue", "supervision-answered", "supervision-returned",
             "supervision-signed", "supervision-answered", "supervision-closed"],
            kinds);
        Assert.True((await _engine.VerifyJournalAsync(state.CaseId)).Intact);
    }

    [Fact]
    public async Task An_answered_order_cannot_be_returned_before_it_is_answered()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, department) = await PublishAsync();
        var state = await AcceptedCaseAsync(code);
        await Do(new IssueSupervision(state.CaseId, new Actor("jc"), department, "请说明"));
        var id = (await SingleAsync(c => c.SupervisionOrders.Where(o => o.CaseId == state.CaseId))).Id;
        var error = await Assert.ThrowsAsync<StateConflictException>(() => Do(new ReturnSupervision(state.CaseId, id, new Actor("jc"), "不行")));
        Assert.Equal("order-not-answered", error.Reason);
        Assert.Equal(SupervisionStatus.Issued, (await OrderAsync(id)).Status);
    }

    // ---------------------------------------------------------------- department scores

    [Fact]
    public async Task Scores_follow_a_case_through_yellow_red_and_red_card_within_the_monthly_cap()
    {
        var grades = new QuarterGrades { Excellent = 99, Good = 97, Pass = 95 };
        await StartAsync("2025-11-03 09:00", new SupervisionPolicy { PointsCapPerMonth = 4m, Grades = grades });
        var (code, department) = await PublishAsync();
        var state = await AcceptedCaseAsync(code);

        async Task<DepartmentScore> ScoreAsync()
        {
            await using var db = Store.CreateContext();
            return Assert.Single(await DepartmentScores.QueryAsync(db, new Quarter(2025, 4), department, grades, default));
        }

        _clock.SetBeijing("2025-11-05 09:00");
        await PumpAsync();
        var score = await ScoreAsync();
        Assert.Equal((0m, 100m, "优秀"), (score.Points, score.Score, score.Grade));

        _clock.SetBeijing("2025-11-07 11:21"); // the review step's 3 days are over (0.5); the case is yellow: a warning, no points
        await PumpAsync();
        Assert.Equal(Light.Yellow, (await CaseAsync(state.CaseId)).Light);
        score = await ScoreAsync();
        Assert.Equal(["node-overdue"], score.Deductions.Select(d => d.EventKind));
        Assert.Equal((0.5m, 99.5m, "优秀"), (score.Points, score.Score, score.Grade));

        _clock.SetBeijing("2025-11-10 17:31"); // the promised time (red, 1)
        await PumpAsync();
        Assert.Equal(Light.Red, (await CaseAsync(state.CaseId)).Light);
        score = await ScoreAsync();
        Assert.Equal(["node-overdue", "case-red"], score.Deductions.Select(d => d.EventKind));
        Assert.Equal((1.5m, 98.5m, "良好"), (score.Points, score.Score, score.Grade));

        _clock.SetBeijing("2025-11-17 17:31"); // the legal time (red card, 2): a 督办 opens
        await PumpAsync();
        Assert.Equal(Light.RedCard, (await CaseAsync(state.CaseId)).Light);
        score = await ScoreAsync();
        Assert.Equal((3.5m, "合格"), (score.Points, score.Grade));

        _clock.SetBeijing("2025-11-24 17:31"); // the 督办 unanswered (2): only 0.5 left under November's cap of 4
        await PumpAsync();
        score = await ScoreAsync();
        Assert.Equal(["node-overdue", "case-red", "case-red-card", "supervision-overdue"], score.Deductions.Select(d => d.EventKind));
        Assert.Equal([0.5m, 1m, 2m, 0.5m], score.Deductions.Select(d => d.Points));
        Assert.All(score.Deductions, d => Assert.Equal((state.CaseId, "2025-11"), (d.CaseId, d.Period)));
        Assert.Equal((4m, 96m, "合格"), (score.Points, score.Score, score.Grade));
        Assert.Equal([0m, 4m, 0m], score.Months.Select(m => m.Points));

        // A second case in the same month adds nothing: the cap is reached.
        var second = await AcceptedCaseAsync(code);
        _clock.SetBeijing("2025-11-28 17:31");
        await PumpAsync();
        Assert.Equal(4m, (await ScoreAsync()).Points);
        Assert.Contains(await RowsAsync(c => c.Warnings.Where(w => w.CaseId == second.CaseId)), w => w.Kind == "node-overdue");

        // Another quarter is a clean sheet.
        await using var context = Store.CreateContext();
        var next = Assert.Single(await DepartmentScores.QueryAsync(context, new Quarter(2026, 1), department, grades, default));
        Assert.Equal((0m, "优秀"), (next.Points, next.Grade));
        Assert.True(Quarter.TryParse("2025-Q4", out var parsed) && parsed == new Quarter(2025, 4));
        Assert.False(Quarter.TryParse("2025-Q5", out _));
    }

    // ---------------------------------------------------------------- 预警纠错

    private const string WithFees = """
          fees:
            - {name: 工本费, basis: 某省收费标准, standard: 10元/本, amount: 10}
        """;

    [Fact]
    public async Task A_fee_on_a_free_power_is_a_hit_that_opens_a_supervision_order()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, department) = await PublishAsync();
        var state = await AcceptedCaseAsync(code);

        await Do(new RecordFee(state.CaseId, new Actor("li", "李", department), "工本费", 20m, Applicant.Name!));

        var hit = Assert.Single(await HitsAsync(state.CaseId));
        Assert.Equal((OversightRules.FeeOnFreePower, Light.RedCard, department), (hit.Rule, hit.Level, hit.Department));
        var order = await SingleAsync(c => c.SupervisionOrders.Where(o => o.CaseId == state.CaseId));
        Assert.Equal((hit.Id, hit.OrderId, OversightRules.FeeOnFreePower), (order.RuleHitId, (Guid?)order.Id, order.Rule));
        Assert.Contains(await RowsAsync(c => c.PenaltyPoints.Where(p => p.CaseId == state.CaseId)), p => p.EventKind == OversightRules.FeeOnFreePower && p.Points == 3m);
        Assert.Equal(20m, (await SingleAsync(c => c.FeeCharges.Where(f => f.CaseId == state.CaseId))).Amount);
    }

    [Fact]
    public async Task A_fee_within_its_standard_is_silent_one_above_it_or_off_the_list_is_a_hit()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, department) = await PublishAsync(edit: t => t.Replace("  fees: []\n", WithFees + "\n"));
        var state = await AcceptedCaseAsync(code);
        var handler = new Actor("li", "李", department);

        await Do(new RecordFee(state.CaseId, handler, "工本费", 10m, Applicant.Name!));
        Assert.Empty(await HitsAsync(state.CaseId));

        await Do(new RecordFee(state.CaseId, handler, "工本费", 15m, Applicant.Name!));
        await Do(new RecordFee(state.CaseId, handler, "加急费", 50m, Applicant.Name!));
        Assert.Equal([OversightRules.FeeAboveStandard, OversightRules.FeeOnFreePower], (await HitsAsync(state.CaseId)).OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => h.Rule));
        Assert.Equal(3, (await RowsAsync(c => c.FeeCharges.Where(f => f.CaseId == state.CaseId))).Count);
    }

    [Fact]
    public async Task Not_accepting_without_a_reason_is_a_hit_with_a_reason_it_is_silent()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, _) = await PublishAsync();

        var silent = await Do(new Apply(code, Applicant, []));
        silent = await Do(new RejectAcceptance(silent.At("accept").Id, Handler("window"), "申请事项不属于本机关职权范围"));
        Assert.Equal(CaseStatus.Completed, silent.Status);
        Assert.Empty(await HitsAsync(silent.CaseId));

        var broken = await Do(new Apply(code, Applicant, []));
        broken = await Do(new Complete(broken.At("accept").Id, new Actor("w1", "窗口", "窗口"), "不予受理"));
        var hit = Assert.Single(await HitsAsync(broken.CaseId));
        Assert.Equal((OversightRules.NotAcceptedWithoutReason, "accept", "窗口"), (hit.Rule, hit.NodeId, hit.Department));
        Assert.NotNull(hit.OrderId);
    }

    [Fact]
    public async Task Handing_a_step_to_a_department_outside_the_process_is_a_hit_within_it_is_silent()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, department) = await PublishAsync();
        var state = await AcceptedCaseAsync(code);

        await Do(new Transfer(state.At("review").Id, Handler("li"), "本股人手不足") { ToDepartment = "窗口" });
        Assert.Empty(await HitsAsync(state.CaseId));

        await Do(new Transfer(state.At("review").Id, Handler("li"), "交外单位代办") { ToDepartment = "某中介服务公司" });
        var hit = Assert.Single(await HitsAsync(state.CaseId));
        Assert.Equal((OversightRules.OutOfProcessStep, "review", "窗口"), (hit.Rule, hit.NodeId, hit.Department));
        Assert.Contains("某中介服务公司", hit.Detail);
    }

    [Fact]
    public async Task Adding_a_signer_the_process_does_not_name_is_kept_for_review_one_it_names_is_silent()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, _) = await PublishAsync(c => TestDefinitions.Joint(c));
        var applied = await Do(new Apply(code, Applicant, new System.Text.Json.Nodes.JsonObject { ["amount"] = 1000 }));
        var state = await Do(new Accept(applied.At("accept").Id, Handler("window")));

        await Do(new AddSigner(state.CaseId, new Actor("lead-1", "牵头", "牵头局"), "review", "乙局", "审查员"));
        Assert.Empty(await HitsAsync(state.CaseId));

        await Do(new AddSigner(state.CaseId, new Actor("lead-1", "牵头", "牵头局"), "review", "县自然资源局", "审查员"));
        var hit = Assert.Single(await HitsAsync(state.CaseId));
        Assert.Equal((OversightRules.SignerOutsideProcess, Light.Yellow, "牵头局", (Guid?)null), (hit.Rule, hit.Level, hit.Department, hit.OrderId));
        Assert.Empty(await RowsAsync(c => c.PenaltyPoints.Where(p => p.CaseId == state.CaseId)));
    }

    [Fact]
    public async Task An_extension_in_time_is_silent_one_asked_after_the_legal_due_time_is_a_hit()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, department) = await PublishAsync();
        var inTime = await AcceptedCaseAsync(code);
        var late = await AcceptedCaseAsync(code);

        _clock.SetBeijing("2025-11-12 10:00");
        await Do(new Extend(inTime.CaseId, Handler("li"), "王局长", "需现场核查", new(3, Definitions.Model.TimeUnit.WorkingDay)));
        Assert.Empty(await HitsAsync(inTime.CaseId));

        _clock.SetBeijing("2025-11-18 10:00"); // legal due was 11/17 17:30
        var error = await Assert.ThrowsAsync<StateConflictException>(() =>
            Do(new Extend(late.CaseId, Handler("li"), "王局长", "需现场核查", new(3, Definitions.Model.TimeUnit.WorkingDay))));
        Assert.Equal("extension-too-late", error.Reason);
        var hit = Assert.Single(await HitsAsync(late.CaseId), h => h.Rule == OversightRules.LateExtension);
        Assert.Equal((Light.RedCard, department, (Guid?)null), (hit.Level, hit.Department, hit.OrderId)); // recorded; no 督办 by default
    }

    // ---------------------------------------------------------------- 好差评 and complaints

    private async Task<CommandResult> CompletedCaseAsync(string code)
    {
        var state = await AcceptedCaseAsync(code);
        state = await Do(new Complete(state.At("review").Id, Handler("li"), "同意"));
        state = await Do(new Complete(state.At("decide").Id, Handler("wang"), "准予"));
        return await Do(new Complete(state.At("certify").Id, Handler("zhao"), "同意"));
    }

    [Fact]
    public async Task Only_a_rating_of_one_or_two_opens_a_rectification_item_with_its_own_deadline_and_light()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, department) = await PublishAsync();
        var state = await CompletedCaseAsync(code);
        Assert.Equal(CaseStatus.Completed, state.Status);

        Assert.Equal("bad-score", (await Assert.ThrowsAsync<CommandRejectedException>(() =>
            Do(new RateCase(state.CaseId, Applicant, RatingStage.Accepted, 0, null, "pc")))).Reason);
        Assert.Equal("not-the-applicant", (await Assert.ThrowsAsync<ForbiddenException>(() =>
            Do(new RateCase(state.CaseId, Handler("li"), RatingStage.Accepted, 5, null, "pc")))).Reason);

        // 3 (基本满意) and above: recorded, nothing to rectify.
        await Do(new RateCase(state.CaseId, Applicant, RatingStage.Accepted, 3, "一般", "window"));
        var accepted = await SingleAsync(c => c.Ratings.Where(r => r.CaseId == state.CaseId));
        Assert.Equal((RectificationStatus.None, (DateTime?)null, "窗口"), (accepted.Rectification, accepted.RectifyDue, accepted.Department));
        Assert.Equal("already-rated", (await Assert.ThrowsAsync<StateConflictException>(() =>
            Do(new RateCase(state.CaseId, Applicant, RatingStage.Accepted, 1, "改评", "pc")))).Reason);

        // 2 (不满意): a 差评整改 item for the implementing body, due in 15 working days, with its own timer.
        await Do(new RateCase(state.CaseId, Applicant, RatingStage.Completed, 2, "等待时间太长", "app"));
        var bad = await SingleAsync(c => c.Ratings.Where(r => r.CaseId == state.CaseId && r.Stage == RatingStage.Completed));
        Assert.Equal((RectificationStatus.Open, Light.Green, Beijing("2025-11-24 17:30"), "测试县市场监督管理局"),
            (bad.Rectification, bad.RectifyLight, bad.RectifyDue, bad.Department));
        Assert.Contains(await RowsAsync(c => c.OutboxMessages.Where(m => m.CaseId == state.CaseId)), m => m.Kind == "bad-rating" && m.Recipient == bad.Department);

        _clock.SetBeijing("2025-11-17 17:29"); // yellow once at most max(1 wd, 1/3 of 15 wd) = 5 wd remain
        await PumpAsync();
        Assert.Equal(Light.Green, (await SingleAsync(c => c.Ratings.Where(r => r.Id == bad.Id))).RectifyLight);
        _clock.SetBeijing("2025-11-17 17:31");
        await PumpAsync();
        Assert.Equal(Light.Yellow, (await SingleAsync(c => c.Ratings.Where(r => r.Id == bad.Id))).RectifyLight);

        _clock.SetBeijing("2025-11-24 17:31");
        await PumpAsync();
        bad = await SingleAsync(c => c.Ratings.Where(r => r.Id == bad.Id));
        Assert.Equal((RectificationStatus.Overdue, Light.Red), (bad.Rectification, bad.RectifyLight));
        Assert.Contains(await RowsAsync(c => c.PenaltyPoints.Where(p => p.CaseId == state.CaseId)), p => p.EventKind == "bad-rating-overdue" && p.Department == bad.Department);

        Assert.Equal("rectification-incomplete", (await Assert.ThrowsAsync<CommandRejectedException>(() =>
            Do(new RectifyRating(state.CaseId, bad.Id, Handler("boss"), "已优化流程", "")))).Reason);
        await Do(new RectifyRating(state.CaseId, bad.Id, Handler("boss"), "已优化排队流程", "申请人表示认可"));
        bad = await SingleAsync(c => c.Ratings.Where(r => r.Id == bad.Id));
        Assert.Equal((RectificationStatus.Done, "申请人表示认可"), (bad.Rectification, bad.Revisit));
        Assert.True((await _engine.VerifyJournalAsync(state.CaseId)).Intact);
    }

    [Fact]
    public async Task A_case_not_completed_cannot_be_rated_for_its_result_and_a_complaint_goes_to_the_supervisor()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, department) = await PublishAsync();
        var state = await AcceptedCaseAsync(code);
        Assert.Equal("not-completed", (await Assert.ThrowsAsync<StateConflictException>(() =>
            Do(new RateCase(state.CaseId, Applicant, RatingStage.Completed, 1, null, "pc")))).Reason);
        await Do(new RateCase(state.CaseId, Applicant, RatingStage.Accepted, 1, "态度差", "pc"));
        Assert.Equal(RectificationStatus.Open, (await SingleAsync(c => c.Ratings.Where(r => r.CaseId == state.CaseId))).Rectification);
        await Do(new IssueSupervision(state.CaseId, new Actor("jc"), department, "请说明态度问题"));

        // The case ends (withdrawn); the department still owes the rectification and the answer: both deadlines stand.
        await Do(new Withdraw(state.CaseId, Applicant, "不再需要"));
        _clock.SetBeijing("2025-11-24 17:31");
        await PumpAsync();
        var late = await SingleAsync(c => c.Ratings.Where(r => r.CaseId == state.CaseId));
        Assert.Equal((RectificationStatus.Overdue, Light.Red), (late.Rectification, late.RectifyLight));
        Assert.Equal(SupervisionStatus.Overdue, (await SingleAsync(c => c.SupervisionOrders.Where(o => o.CaseId == state.CaseId))).Status);
        Assert.Equal(CaseStatus.Withdrawn, (await CaseAsync(state.CaseId)).Status);

        await Do(new FileComplaint(state.CaseId, Handler("desk"), Applicant.Name!, "审查人员要求提供目录外材料") { Department = department, Contact = "13800000000" });
        var complaint = await SingleAsync(c => c.Complaints.Where(x => x.CaseId == state.CaseId));
        var supervisor = new SupervisionPolicy().Supervisor;
        Assert.Equal((department, supervisor), (complaint.Department, complaint.RoutedTo));
        Assert.Contains(await RowsAsync(c => c.OutboxMessages.Where(m => m.CaseId == state.CaseId)), m => m.Kind == "complaint" && m.Recipient == supervisor);
        Assert.Contains(await JournalAsync(state.CaseId), e => e.Kind == "complaint-filed");
    }
}

public abstract partial class OversightScenarios
{
    [Fact]
    public async Task The_handling_export_pages_through_many_rows_and_ties_without_losing_or_repeating_one()
    {
        await StartAsync("2025-11-03 09:00");
        var (code, department) = await PublishAsync();
        var state = await AcceptedCaseAsync(code);
        var visit = (await VisitsAsync(state.CaseId)).First();
        // 1,300 more visits, in runs of 300 at one instant, so ties cross the 500-row page boundaries.
        var at = Beijing("2025-11-04 09:00");
        await using (var context = Store.CreateContext())
        {
            for (var i = 0; i < 1300; i++)
                context.NodeVisits.Add(new NodeVisit
                {
                    Id = Guid.NewGuid(), CaseId = state.CaseId, TokenId = visit.TokenId, DefinitionVersionId = visit.DefinitionVersionId,
                    PowerCode = code, Version = 1, NodeId = "review", NodeKind = "task", Department = department, EnteredAt = at.AddMinutes(i / 300),
                });
            await context.SaveChangesAsync();
        }
        var expected = (await VisitsAsync(state.CaseId)).Count;

        await using var db = Store.CreateContext();
        var export = new Storage.Exchange.ExchangeExport(db, _engine.Library);
        var byCase = new List<string[]>();
        await foreach (var row in export.RowsAsync(Storage.Exchange.ExchangeDataset.Handling, new(state.CaseId))) byCase.Add(row);
        Assert.Equal(expected, byCase.Count);
        Assert.Equal(1301, byCase.Count(r => r[2] == "审查" && r[8] == "1")); // the case's own open review step, and the 1,300

        var window = new List<string[]>();
        await foreach (var row in export.RowsAsync(Storage.Exchange.ExchangeDataset.Handling, new(null, at, at.AddMinutes(5)))) window.Add(row);
        Assert.Equal(1300, window.Count(r => r[0] == byCase[0][0]));
        Assert.True(byCase.Select(r => r[5]).SequenceEqual(byCase.Select(r => r[5]).Order(StringComparer.Ordinal)), "rows come in time order");
    }
}

public sealed class SqliteOversightScenarios() : OversightScenarios(TestDatabase.Sqlite());

public sealed class PostgresOversightScenarios(PostgresDatabaseFixture pg) : OversightScenarios(TestDatabase.Postgres(pg)), IClassFixture<PostgresDatabaseFixture>;
