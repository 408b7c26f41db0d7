using Bpm.Engine.State;

namespace Bpm.Engine.Time;

/// <summary>What a 预警纠错 rule hit does: its name (监察规则名称), 预警类型, and whether it opens a 督办.</summary>
public sealed record RuleHitAction(string Name, Light Level, bool Supervise);

/// <summary>
/// The 预警纠错 rules beyond lateness (domain.md §3 triggers, rules 11, 17, 30), by 监察规则编号. Which of them open a
/// 督办 is the policy's (<see cref="SupervisionPolicy.RuleHits"/>); these are the defaults.
/// </summary>
public static class OversightRules
{
    /// <summary>
    /// A 处罚决定 outside its tier's band (从轻/从重) or below the statutory minimum (减轻). Rule 17 refuses one without
    /// grounds outright (nothing is decided, the case is unchanged); one made on recorded grounds is lawful but is the
    /// discretion supervisors review, so it is recorded as a hit (预警, no 督办 unless configured).
    /// </summary>
    public const string DiscretionOutsideBand = "discretion-outside-band";
    /// <summary>擅自收费: a fee charged on a power whose catalog entry says it is free.</summary>
    public const string FeeOnFreePower = "fee-on-free-power";
    /// <summary>不按法定标准收费: a fee above the standard amount the catalog gives.</summary>
    public const string FeeAboveStandard = "fee-above-standard";
    /// <summary>流程外环节: a step handed (转办) to a department the definition does not name.</summary>
    public const string OutOfProcessStep = "out-of-process-step";
    /// <summary>
    /// 加签 of a department the definition does not name: a lawful mechanism, but a step outside the published process,
    /// so it is kept for review (预警 only, no points, no 督办 unless configured).
    /// </summary>
    public const string SignerOutsideProcess = "signer-outside-process";
    /// <summary>不予受理未说明理由.</summary>
    public const string NotAcceptedWithoutReason = "not-accepted-without-reason";
    /// <summary>超过办结时限才提出延期申请 (rule 11).</summary>
    public const string LateExtension = "late-extension";
    /// <summary>逾期未一次性告知补正 (rule 7).</summary>
    public const string NoSupplementNotice = "no-supplement-notice";

    public static readonly IReadOnlyDictionary<string, RuleHitAction> Defaults = new Dictionary<string, RuleHitAction>
    {
        [DiscretionOutsideBand] = new("处罚裁量偏离基准档次", Light.Yellow, Supervise: false),
        [FeeOnFreePower] = new("擅自收费", Light.RedCard, Supervise: true),
        [FeeAboveStandard] = new("不按法定标准收费", Light.RedCard, Supervise: true),
        [OutOfProcessStep] = new("流程外办理环节", Light.Red, Supervise: true),
        [SignerOutsideProcess] = new("流程外部门加签", Light.Yellow, Supervise: false),
        [NotAcceptedWithoutReason] = new("不予受理未说明理由", Light.Red, Supervise: true),
        [LateExtension] = new("超过办结时限提出延期申请", Light.RedCard, Supervise: false),
        [NoSupplementNotice] = new("逾期未一次性告知补正", Light.Red, Supervise: false),
    };
}

/// <summary>
/// Quarterly grade (优秀/良好/合格/不合格) of a department: its score is <see cref="Base"/> minus the points charged in the
/// quarter. No national thresholds exist (domain.md §3 [P]); these defaults are configuration.
/// </summary>
public sealed record QuarterGrades
{
    public decimal Base { get; init; } = 100m;
    public decimal Excellent { get; init; } = 95m;
    public decimal Good { get; init; } = 85m;
    public decimal Pass { get; init; } = 70m;

    public string GradeOf(decimal score) =>
        score >= Excellent ? "优秀" : score >= Good ? "良好" : score >= Pass ? "合格" : "不合格";
}
