namespace Bpm.Engine.State;

/// <summary>电子监察 light (domain.md rule 22). A suspended item shows 挂起 with its colour frozen.</summary>
public enum Light { Green, Yellow, Red, RedCard }

public enum TimerKind
{
    /// <summary>The case's remaining time reached the warning threshold: yellow.</summary>
    CaseWarning,
    /// <summary>The case passed its promised due time (承诺时限): red.</summary>
    CasePromised,
    /// <summary>The case passed its legal due time (法定时限): red card.</summary>
    CaseLegal,
    NodeWarning,
    /// <summary>A step passed its own limit (环节超时).</summary>
    NodeDue,
    /// <summary>A joint-review branch's silence period ended: 视为同意.</summary>
    Silence,
    /// <summary>No supplement notice within the notice period after receipt: deemed accepted (rule 7).</summary>
    DeemedAcceptance,
    /// <summary>A stop-the-clock procedure used up its own budget.</summary>
    SuspensionBudget,
    /// <summary>A supervision order (督办) was not answered by its deadline.</summary>
    SupervisionResponse,
    /// <summary>A wait node's time is up.</summary>
    Wait,
    /// <summary>A 差评整改 item was not rectified by its deadline.</summary>
    RectificationDue,
    /// <summary>A 差评整改 item's remaining time reached the warning threshold: yellow.</summary>
    RectificationWarning,
}

public enum TimerStatus { Pending, Fired, Cancelled }

/// <summary>
/// A moment the engine must act at, written in the same transaction as the command that needs it. A clustered
/// pump fires due rows through the normal command executor, so firing is exactly once per row.
/// </summary>
public sealed class CaseTimer
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public TimerKind Kind { get; set; }
    public DateTime DueAt { get; set; }
    public TimerStatus Status { get; set; }
    public Guid? TokenId { get; set; }
    public Guid? VisitId { get; set; }
    public string? NodeId { get; set; }
    /// <summary>The suspension or supervision order the timer belongs to.</summary>
    public Guid? SubjectId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FiredAt { get; set; }
}

/// <summary>特别程序: a stop-the-clock procedure (听证, 专家评审 …) or an extension (延长审批), as e-supervision records it.</summary>
public sealed class Suspension
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Guid? TokenId { get; set; }
    public string? NodeId { get; set; }
    /// <summary>特别程序种类名称: 听证, 专家评审, 延长审批 …</summary>
    public string Kind { get; set; } = "";
    /// <summary>"stop-clock" (GB/T 39046 type 2) or "extend-deadline" (type 1).</summary>
    public string Effect { get; set; } = "";
    /// <summary>批准人.</summary>
    public string Approver { get; set; } = "";
    /// <summary>启动理由或依据.</summary>
    public string Reason { get; set; } = "";
    /// <summary>申请时限 as written, e.g. "10 工作日".</summary>
    public string? Budget { get; set; }
    public DateTime? BudgetDue { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    /// <summary>特别程序结果.</summary>
    public string? Result { get; set; }
    /// <summary>Working time the clock stood still (stop-clock), in milliseconds.</summary>
    public long? WorkingMs { get; set; }
    public bool OverBudget { get; set; }
    public string RequestedBy { get; set; } = "";
}

/// <summary>预警: a light change or rule hit, kept for supervisors.</summary>
public sealed class Warning
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string PowerCode { get; set; } = "";
    public string? NodeId { get; set; }
    public string? Department { get; set; }
    /// <summary>e.g. case-yellow, case-red, case-red-card, node-overdue, late-extension, no-supplement-notice.</summary>
    public string Kind { get; set; } = "";
    public Light Light { get; set; }
    public string Message { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>
/// The 督办 lifecycle (domain.md §3): 已发出 → 已签收 → 已反馈 → 审核通过结案, or 退回重办 (back to the department with a
/// new deadline); an order not answered by its deadline is 逾期未反馈 (escalated: red card, notice, points) and can
/// still be answered late. Every state but Closed is open.
/// </summary>
public enum SupervisionStatus { Issued, Answered, Overdue, Closed, Signed, Returned }

/// <summary>督办: an order to the responsible department, with a deadline to answer (GB/T 39046 table 11).</summary>
public sealed class SupervisionOrder
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    /// <summary>监察编号.</summary>
    public string No { get; set; } = "";
    /// <summary>监察规则编号, e.g. case-red-card, manual, fee-on-free-power.</summary>
    public string Rule { get; set; } = "";
    /// <summary>监察预警类型: yellow, red, red-card.</summary>
    public Light Level { get; set; }
    /// <summary>被督办机构.</summary>
    public string Department { get; set; } = "";
    /// <summary>Who supervises (监察机构).</summary>
    public string Supervisor { get; set; } = "";
    public string? NodeId { get; set; }
    public string Content { get; set; } = "";
    public DateTime IssuedAt { get; set; }
    public DateTime ResponseDue { get; set; }
    public SupervisionStatus Status { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public string? Answer { get; set; }
    /// <summary>The rule hit that opened the order; null for one a supervisor opened by hand.</summary>
    public Guid? RuleHitId { get; set; }
    /// <summary>签收: when and by whom the department took the order (reset when it is returned).</summary>
    public DateTime? SignedAt { get; set; }
    public string? SignedBy { get; set; }
    /// <summary>说明 (explanation) or 整改 (rectification).</summary>
    public string? AnswerKind { get; set; }
    public string? AnsweredBy { get; set; }
    /// <summary>How many times the supervisor returned the answer (退回重办).</summary>
    public int Returns { get; set; }
    /// <summary>When the deadline passed unanswered (升级).</summary>
    public DateTime? EscalatedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    /// <summary>监察结果描述: the supervisor's conclusion on closing.</summary>
    public string? Conclusion { get; set; }
    /// <summary>状态产生时间: when the order last changed state.</summary>
    public DateTime StatusAt { get; set; }

    public bool IsOpen => Status != SupervisionStatus.Closed;
}

/// <summary>扣分: points charged to a department by the rule table, capped per period.</summary>
public sealed class PenaltyPoint
{
    public Guid Id { get; set; }
    public string Department { get; set; } = "";
    public Guid CaseId { get; set; }
    public string EventKind { get; set; } = "";
    public decimal Points { get; set; }
    /// <summary>The period the cap applies to, e.g. "2026-11".</summary>
    public string Period { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>A message rendered for delivery; a later issue delivers it (SMS, mail, 政务微信 …).</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string Kind { get; set; } = "";
    public string Recipient { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}
