namespace Bpm.Engine.State;

/// <summary>
/// 预警纠错: a rule broken by a command (domain.md §3 triggers, rules 11, 17, 24, 30), recorded in the transaction of
/// the command that broke it. The policy decides whether it opens a 督办 and what it costs the department.
/// </summary>
public sealed class RuleHit
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string PowerCode { get; set; } = "";
    /// <summary>监察规则编号, e.g. fee-on-free-power (see <see cref="Bpm.Engine.Time.OversightRules"/>).</summary>
    public string Rule { get; set; } = "";
    /// <summary>监察预警类型.</summary>
    public Light Level { get; set; }
    public string? NodeId { get; set; }
    /// <summary>The department responsible for the breach.</summary>
    public string Department { get; set; } = "";
    public string Detail { get; set; } = "";
    public string Actor { get; set; } = "";
    public DateTime At { get; set; }
    /// <summary>The 督办 the hit opened, when the policy says it opens one.</summary>
    public Guid? OrderId { get; set; }
}

public enum RatingStage { Accepted, Completed }

public enum RectificationStatus { None, Open, Done, Overdue }

/// <summary>
/// 好差评: the applicant's rating after 受理 or after 办结 (国办发〔2019〕51号, 一事一评: one per stage), 1 (非常不满意) to
/// 5 (非常满意). A 差评 (1–2) opens a 差评整改 item for the department with its own deadline, light and timer.
/// </summary>
public sealed class Rating
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string PowerCode { get; set; } = "";
    public RatingStage Stage { get; set; }
    /// <summary>1–5; GB/T 39046 A.8 满意度代码 is 6 − score (1 非常满意 … 5 非常不满意).</summary>
    public int Score { get; set; }
    public string? Text { get; set; }
    /// <summary>评价渠道, e.g. pc, app, window, sms.</summary>
    public string Channel { get; set; } = "";
    public DateTime RatedAt { get; set; }
    /// <summary>The department the rating is about: who handled the stage rated.</summary>
    public string Department { get; set; } = "";
    public RectificationStatus Rectification { get; set; }
    public DateTime? RectifyDue { get; set; }
    public Light RectifyLight { get; set; }
    public DateTime? RectifiedAt { get; set; }
    public string? RectifiedBy { get; set; }
    /// <summary>整改情况.</summary>
    public string? RectificationText { get; set; }
    /// <summary>回访: what the applicant said when called back (mandatory to finish a 差评整改, rule 26).</summary>
    public string? Revisit { get; set; }

    public bool IsBad => Score <= 2;
}

/// <summary>投诉: a complaint against a case or a department, routed to the supervising body (监察机构).</summary>
public sealed class Complaint
{
    public Guid Id { get; set; }
    /// <summary>The case complained about; null for a complaint against a department as such.</summary>
    public Guid? CaseId { get; set; }
    public string Department { get; set; } = "";
    public string Complainant { get; set; } = "";
    public string? Contact { get; set; }
    public string Content { get; set; } = "";
    /// <summary>The supervising body it was routed to (the policy's supervisor department).</summary>
    public string RoutedTo { get; set; } = "";
    public string ReceivedBy { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
}

/// <summary>A fee charged on a case (rule 30: 是否收费, 收费依据, 金额, 缴费人).</summary>
public sealed class FeeCharge
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string Name { get; set; } = "";
    public string Basis { get; set; } = "";
    public decimal Amount { get; set; }
    public string Payer { get; set; } = "";
    public string ChargedBy { get; set; } = "";
    public string? Department { get; set; }
    public DateTime At { get; set; }
}
