namespace Bpm.Definitions.Model;

/// <summary>One administrative power's process, as written in the DSL (without a version number).</summary>
/// <param name="Supervision">
/// The optional <c>supervision</c> section: this power's own case warning threshold and escalations; null
/// (absent) keeps the server's defaults for all of them.
/// </param>
public sealed record ProcessDefinition(
    Power Power,
    CaseLimits Limits,
    ValueList<Node> Nodes,
    ValueList<Flow> Flows,
    ValueList<SpecialProcedure> SpecialProcedures,
    ValueList<DiscretionEntry> Discretion,
    ValueList<DocumentTemplate> Templates,
    ValueList<NodePosition> Layout,
    SupervisionRules? Supervision = null);

public sealed record Power(
    string Code,
    string Name,
    PowerCategory Category,
    string Subject,
    string? Undertaker,
    ValueList<string> JointDepartments,
    HandlingKind Handling,
    ValueList<LegalBasis> Basis,
    ValueList<Fee> Fees,
    PublicGuide? Guide);

public sealed record LegalBasis(string Law, string? Articles);

public sealed record Fee(string Name, string Basis, string Standard, decimal? Amount);

/// <summary>The 八公开 facts shown on the public catalog.</summary>
public sealed record PublicGuide(
    ValueList<string> Conditions,
    ValueList<Material> Materials,
    string? Result,
    string? Location,
    string? Contact,
    string? Complaint);

public sealed record Material(string Name, int? Copies);

/// <summary>A span of legal time: "20 工作日".</summary>
public sealed record Duration(decimal Value, TimeUnit Unit, string? Ref = null)
{
    public override string ToString() => $"{Value} {Vocabulary.TimeUnits[Unit]}";
}

public sealed record CaseLimits(
    Duration Legal,
    Duration Promised,
    Extension? Extension,
    Duration? SupplementNotice,
    Duration? Certificate);

/// <summary>延长审批 (GB/T 39046 特别程序种类 1): lengthens the due date once, with approval.</summary>
public sealed record Extension(Duration Max, string Approver);

public sealed record Flow(string From, string To, string? On, string? When, bool Default);

public sealed record SpecialProcedure(string Kind, ProcedureEffect Effect, Duration? Budget, string? Ref, ValueList<string> Nodes);

/// <summary>
/// 电子监察 settings of this power (the <c>supervision</c> section). Each listed escalation replaces the server's
/// default for its event; events not listed, and a null <paramref name="Warning"/>, keep the server's defaults.
/// </summary>
/// <param name="Warning">The case-level yellow threshold: remaining time before the promised due (a duration or a percentage).</param>
public sealed record SupervisionRules(WarningThreshold? Warning, ValueList<EscalationRule> Escalations);

/// <summary>What one fired timer does: record a 预警, send a notice, open a 督办, add penalty points.</summary>
/// <param name="Warn">Record a 预警 (the DSL's default: true).</param>
/// <param name="Notify">Send a notice to the department through the outbox.</param>
/// <param name="Supervise">Open a supervision order (督办) addressed to the supervising body.</param>
/// <param name="AnswerWithin">The 督办's response deadline; null keeps the server's default (5 working days). Only with <paramref name="Supervise"/>.</param>
/// <param name="Points">Penalty points (扣分) added to the department, ≥ 0; 0 adds none.</param>
public sealed record EscalationRule(EscalationEvent On, bool Warn, bool Notify, bool Supervise, Duration? AnswerWithin, decimal Points);

public sealed record DocumentTemplate(string Id, string Name, string Body);

public sealed record NodePosition(string NodeId, double X, double Y);
