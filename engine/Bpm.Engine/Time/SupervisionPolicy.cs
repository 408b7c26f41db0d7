using Bpm.Definitions.Model;
using Bpm.Engine.State;

namespace Bpm.Engine.Time;

/// <summary>
/// What a fired timer does (domain.md §3, rules 22–24): record a 预警, send a notice (a template of the policy),
/// open a 督办, charge points — the amount of the points table under <see cref="PointsFor"/>, or <see cref="Points"/>
/// when a definition names it.
/// </summary>
public sealed record Escalation(bool Warn = true, string? Notify = null, bool Supervise = false, string? PointsFor = null, decimal? Points = null, Duration? AnswerWithin = null)
{
    /// <summary>The escalation a definition's <c>supervision</c> section declares for one event, in place of the default.</summary>
    public static Escalation From(EscalationRule rule, Escalation fallback) => new(
        rule.Warn,
        rule.Notify ? fallback.Notify ?? DefaultNotice(rule.On) : null,
        rule.Supervise,
        rule.Points > 0 ? fallback.PointsFor ?? PointsKind(rule.On) : null,
        rule.Points,
        rule.AnswerWithin);

    public static TimerKind TimerOf(EscalationEvent e) => e switch
    {
        EscalationEvent.CaseWarning => TimerKind.CaseWarning,
        EscalationEvent.CaseOverdue => TimerKind.CasePromised,
        EscalationEvent.CaseRedCard => TimerKind.CaseLegal,
        EscalationEvent.NodeWarning => TimerKind.NodeWarning,
        EscalationEvent.NodeOverdue => TimerKind.NodeDue,
        _ => TimerKind.SupervisionResponse,
    };

    private static string DefaultNotice(EscalationEvent e) => e switch
    {
        EscalationEvent.CaseWarning => "case-warning",
        EscalationEvent.NodeWarning or EscalationEvent.NodeOverdue => "node-overdue",
        EscalationEvent.SupervisionOverdue => "supervision-overdue",
        _ => "case-overdue",
    };

    private static string PointsKind(EscalationEvent e) => Vocabulary.EscalationEvents[e];
}

/// <summary>
/// The global defaults of electronic supervision: warning threshold, what each light change triggers, the
/// supervision order's answer period and the points table with its cap per department and month. [P] items of
/// domain.md, so everything here is configuration.
/// </summary>
public sealed record SupervisionPolicy
{
    /// <summary>Yellow when the remaining time is at most max(this, <see cref="WarningFraction"/> of the limit).</summary>
    public Duration WarningRemaining { get; init; } = new(1, TimeUnit.WorkingDay);
    public decimal WarningFraction { get; init; } = 1m / 3;

    /// <summary>Who receives supervision orders (监察机构).</summary>
    public string Supervisor { get; init; } = "政务服务电子监察中心";
    public Duration SupervisionAnswerPeriod { get; init; } = new(5, TimeUnit.WorkingDay);

    public IReadOnlyDictionary<TimerKind, Escalation> Escalations { get; init; } = new Dictionary<TimerKind, Escalation>
    {
        [TimerKind.CaseWarning] = new(Notify: "case-warning"),
        [TimerKind.CasePromised] = new(Notify: "case-overdue", PointsFor: "case-red"),
        [TimerKind.CaseLegal] = new(Notify: "case-overdue", Supervise: true, PointsFor: "case-red-card"),
        [TimerKind.NodeWarning] = new(),
        [TimerKind.NodeDue] = new(PointsFor: "node-overdue"),
        [TimerKind.SupervisionResponse] = new(Notify: "supervision-overdue", PointsFor: "supervision-overdue"),
    };

    /// <summary>扣分 rule table: event kind → points.</summary>
    public IReadOnlyDictionary<string, decimal> Points { get; init; } = new Dictionary<string, decimal>
    {
        ["node-overdue"] = 0.5m,
        ["case-red"] = 1m,
        ["case-red-card"] = 2m,
        ["supervision-overdue"] = 2m,
        ["late-extension"] = 1m,
        ["no-supplement-notice"] = 1m,
        [OversightRules.DiscretionOutsideBand] = 2m,
        [OversightRules.FeeOnFreePower] = 3m,
        [OversightRules.FeeAboveStandard] = 2m,
        [OversightRules.OutOfProcessStep] = 1m,
        [OversightRules.NotAcceptedWithoutReason] = 1m,
        ["bad-rating"] = 0.5m,
        ["bad-rating-overdue"] = 1m,
    };

    /// <summary>预警纠错 rules: what each hit is called, its 预警类型 and whether it opens a 督办 (and notifies).</summary>
    public IReadOnlyDictionary<string, RuleHitAction> RuleHits { get; init; } = OversightRules.Defaults;

    /// <summary>差评整改: the department has this long to rectify a 差评 and call the applicant back (四川 15 wd; rule 26).</summary>
    public Duration RectifyWithin { get; init; } = new(15, TimeUnit.WorkingDay);

    /// <summary>The quarterly grade from the points charged in the quarter.</summary>
    public QuarterGrades Grades { get; init; } = new();

    /// <summary>At most this many points per department per calendar month.</summary>
    public decimal PointsCapPerMonth { get; init; } = 20m;

    /// <summary>Handlebars templates of notices, by name; they read case, power, department, node, due and light.</summary>
    public IReadOnlyDictionary<string, (string Subject, string Body)> Notices { get; init; } = new Dictionary<string, (string, string)>
    {
        ["case-warning"] = ("办件即将到期提示", "{{department}}：办件{{case.no}}（{{power.name}}）将于{{due}}到达承诺时限，请抓紧办理。"),
        ["case-overdue"] = ("办件超期通知", "{{department}}：办件{{case.no}}（{{power.name}}）已超过{{limit}}（{{due}}），当前为{{light}}，请立即办理并说明原因。"),
        ["supervision-overdue"] = ("督办逾期未反馈", "{{department}}：督办单{{order}}（办件{{case.no}}）已逾期未反馈，已记录扣分。"),
        ["supervision-issued"] = ("督办通知", "{{department}}：办件{{case.no}}（{{power.name}}）收到督办单{{order}}，请签收并于{{due}}前反馈。"),
        ["rule-hit"] = ("预警纠错", "{{department}}：办件{{case.no}}（{{power.name}}）触发监察规则：{{light}}，请立即纠正。"),
        ["bad-rating"] = ("差评整改通知", "{{department}}：办件{{case.no}}（{{power.name}}）收到差评，请于{{due}}前完成整改并回访。"),
        ["complaint"] = ("投诉转办", "{{department}}：收到对办件{{case.no}}（{{power.name}}）的投诉，请核查处理。"),
        ["node-overdue"] = ("环节时限提示", "{{department}}：办件{{case.no}}（{{power.name}}）的办理环节{{limit}}为{{due}}，当前为{{light}}，请及时办理。"),
    };
}
