using System.Collections.Frozen;

namespace Bpm.Definitions.Model;

public enum PowerCategory { License, Penalty, Coercion, Levy, Benefit, Adjudication, Confirmation, Reward, Inspection, Other }
public enum HandlingKind { Instant, Promised }
public enum TimeUnit { WorkingDay, NaturalDay, Hour }
public enum RiskLevel { A, B, C }
public enum Verdict { Approve, Reject, Supplement, SendBack, Other }
public enum FieldType { String, Text, Number, Money, Date, Boolean, Choice, File }
public enum JoinMode { All, Any, NOfM, Veto }
public enum ServiceAction { RenderDocument, SendNotice }
public enum NoticeRecipient { Applicant, Department }
public enum EndResult { Granted, Refused, NotAccepted, Withdrawn, Terminated, Concluded }
public enum ProcedureEffect { StopClock, ExtendDeadline }
public enum TierLevel { Minor, General, Serious, Severe }
public enum BandUnit { Yuan, Times, Percent }
public enum NodeKind { Start, Task, Decision, Parallel, Wait, Service, End }

/// <summary>The timer events a definition's <c>supervision.escalations</c> can configure.</summary>
public enum EscalationEvent
{
    /// <summary>The case's light turns yellow (its warning threshold before the promised due).</summary>
    CaseWarning,
    /// <summary>The case passes its promised due: red.</summary>
    CaseOverdue,
    /// <summary>The case passes its legal due: red card.</summary>
    CaseRedCard,
    /// <summary>A step's light turns yellow.</summary>
    NodeWarning,
    /// <summary>A step passes its own limit.</summary>
    NodeOverdue,
    /// <summary>A supervision order (督办) is not answered in time.</summary>
    SupervisionOverdue,
}

/// <summary>A closed set of words as they are written in the DSL, both ways.</summary>
public sealed class Words<T> where T : struct, Enum
{
    private readonly FrozenDictionary<string, T> _byWord;
    private readonly FrozenDictionary<T, string> _byValue;

    public Words(params (string Word, T Value)[] pairs)
    {
        _byWord = pairs.ToFrozenDictionary(p => p.Word, p => p.Value, StringComparer.Ordinal);
        _byValue = pairs.ToFrozenDictionary(p => p.Value, p => p.Word);
        All = pairs.Select(p => p.Word).ToArray();
    }

    public IReadOnlyList<string> All { get; }
    public bool TryParse(string word, out T value) => _byWord.TryGetValue(word, out value);
    public string this[T value] => _byValue[value];
}

/// <summary>The DSL's fixed vocabularies. Legal-domain words are Chinese, engine mechanics English.</summary>
public static class Vocabulary
{
    public static readonly Words<PowerCategory> Categories = new(
        ("行政许可", PowerCategory.License), ("行政处罚", PowerCategory.Penalty), ("行政强制", PowerCategory.Coercion),
        ("行政征收", PowerCategory.Levy), ("行政给付", PowerCategory.Benefit), ("行政裁决", PowerCategory.Adjudication),
        ("行政确认", PowerCategory.Confirmation), ("行政奖励", PowerCategory.Reward), ("行政监督检查", PowerCategory.Inspection),
        ("其他", PowerCategory.Other));

    public static readonly Words<HandlingKind> HandlingKinds = new(("即办件", HandlingKind.Instant), ("承诺件", HandlingKind.Promised));
    public static readonly Words<TimeUnit> TimeUnits = new(("工作日", TimeUnit.WorkingDay), ("自然日", TimeUnit.NaturalDay), ("小时", TimeUnit.Hour));
    public static readonly Words<RiskLevel> RiskLevels = new(("A", RiskLevel.A), ("B", RiskLevel.B), ("C", RiskLevel.C));
    public static readonly Words<Verdict> Verdicts = new(
        ("approve", Verdict.Approve), ("reject", Verdict.Reject), ("supplement", Verdict.Supplement),
        ("send-back", Verdict.SendBack), ("other", Verdict.Other));
    public static readonly Words<FieldType> FieldTypes = new(
        ("string", FieldType.String), ("text", FieldType.Text), ("number", FieldType.Number), ("money", FieldType.Money),
        ("date", FieldType.Date), ("boolean", FieldType.Boolean), ("choice", FieldType.Choice), ("file", FieldType.File));
    public static readonly Words<JoinMode> JoinModes = new(("all", JoinMode.All), ("any", JoinMode.Any), ("n-of-m", JoinMode.NOfM), ("veto", JoinMode.Veto));
    public static readonly Words<ServiceAction> ServiceActions = new(("render-document", ServiceAction.RenderDocument), ("send-notice", ServiceAction.SendNotice));
    public static readonly Words<NoticeRecipient> NoticeRecipients = new(("applicant", NoticeRecipient.Applicant), ("department", NoticeRecipient.Department));
    public static readonly Words<EndResult> EndResults = new(
        ("准予", EndResult.Granted), ("不予", EndResult.Refused), ("不予受理", EndResult.NotAccepted),
        ("撤回", EndResult.Withdrawn), ("终止", EndResult.Terminated), ("办结", EndResult.Concluded));
    public static readonly Words<ProcedureEffect> ProcedureEffects = new(("stop-clock", ProcedureEffect.StopClock), ("extend-deadline", ProcedureEffect.ExtendDeadline));
    public static readonly Words<TierLevel> TierLevels = new(("轻微", TierLevel.Minor), ("一般", TierLevel.General), ("较重", TierLevel.Serious), ("严重", TierLevel.Severe));
    public static readonly Words<BandUnit> BandUnits = new(("元", BandUnit.Yuan), ("倍", BandUnit.Times), ("%", BandUnit.Percent));
    public static readonly Words<NodeKind> NodeKinds = new(
        ("start", NodeKind.Start), ("task", NodeKind.Task), ("decision", NodeKind.Decision), ("parallel", NodeKind.Parallel),
        ("wait", NodeKind.Wait), ("service", NodeKind.Service), ("end", NodeKind.End));

    public static readonly Words<EscalationEvent> EscalationEvents = new(
        ("case-warning", EscalationEvent.CaseWarning), ("case-overdue", EscalationEvent.CaseOverdue), ("case-red-card", EscalationEvent.CaseRedCard),
        ("node-warning", EscalationEvent.NodeWarning), ("node-overdue", EscalationEvent.NodeOverdue), ("supervision-overdue", EscalationEvent.SupervisionOverdue));

    /// <summary>Outcome words whose verdict is known without saying it.</summary>
    public static readonly FrozenDictionary<string, Verdict> OutcomeVerdicts = new Dictionary<string, Verdict>
    {
        ["同意"] = Verdict.Approve, ["准予"] = Verdict.Approve, ["受理"] = Verdict.Approve, ["通过"] = Verdict.Approve,
        ["核准"] = Verdict.Approve, ["予以公开"] = Verdict.Approve,
        ["不同意"] = Verdict.Reject, ["不予"] = Verdict.Reject, ["不予受理"] = Verdict.Reject, ["不通过"] = Verdict.Reject,
        ["不予核准"] = Verdict.Reject, ["否决"] = Verdict.Reject,
        ["补正"] = Verdict.Supplement, ["退回"] = Verdict.SendBack,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Special procedures (特别程序) the law names, in the order people read them; others are allowed with a warning.</summary>
    public static readonly IReadOnlyList<string> SpecialProcedureKindList =
    [
        "听证", "招标", "拍卖", "检验", "检测", "检疫", "鉴定", "专家评审", "第三方意见", "征求意见", "公示", "公告",
        "中止", "现场勘验", "现场核查", "中介评估", "补正", "权利人辨认", "责令退还",
    ];

    /// <summary>GB/T 39046 A.1 事项类型代码 and the 基本编码 prefix of each category.</summary>
    public static (string GbCode, string CodePrefix) Codes(PowerCategory category) => category switch
    {
        PowerCategory.License => ("01", "XK"),
        PowerCategory.Penalty => ("02", "CF"),
        PowerCategory.Coercion => ("03", "QZ"),
        PowerCategory.Levy => ("04", "ZS"),
        PowerCategory.Benefit => ("05", "JF"),
        PowerCategory.Inspection => ("06", "JC"),
        PowerCategory.Confirmation => ("07", "QR"),
        PowerCategory.Reward => ("08", "JL"),
        PowerCategory.Adjudication => ("09", "CJ"),
        _ => ("10", "QT"),
    };
}
