namespace Bpm.Definitions.Model;

/// <summary>One administrative power's process, as written in the DSL (without a version number).</summary>
public sealed record ProcessDefinition(
    Power Power,
    CaseLimits Limits,
    ValueList<Node> Nodes,
    ValueList<Flow> Flows,
    ValueList<SpecialProcedure> SpecialProcedures,
    ValueList<DiscretionEntry> Discretion,
    ValueList<DocumentTemplate> Templates,
    ValueList<NodePosition> Layout);

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

public sealed record DocumentTemplate(string Id, string Name, string Body);

public sealed record NodePosition(string NodeId, double X, double Y);
