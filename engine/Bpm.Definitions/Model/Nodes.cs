namespace Bpm.Definitions.Model;

public abstract record Node(string Id, string Name)
{
    public abstract NodeKind Kind { get; }
}

public sealed record StartNode(string Id, string Name) : Node(Id, Name)
{
    public override NodeKind Kind => NodeKind.Start;
}

/// <summary>A human step (人工环节).</summary>
/// <param name="Discretion">Set on the step that decides a 行政处罚's fine: the table and form fields it is checked against.</param>
public sealed record TaskNode(
    string Id,
    string Name,
    string Department,
    string Role,
    Duration? Limit,
    RiskLevel? Risk,
    WarningThreshold? Warning,
    ValueList<Outcome> Outcomes,
    ValueList<FormField> Form,
    DiscretionBinding? Discretion = null) : Node(Id, Name)
{
    public override NodeKind Kind => NodeKind.Task;

    public static readonly ValueList<Outcome> DefaultOutcomes = ValueList.Of(new Outcome("同意", Verdict.Approve), new Outcome("不同意", Verdict.Reject));
}

public sealed record Outcome(string Name, Verdict Verdict);

/// <summary>When the light turns yellow: a remaining duration, or a percentage of the limit remaining.</summary>
public sealed record WarningThreshold(Duration? Remaining, decimal? Percent);

public sealed record FormField(string Key, string Label, FieldType Type, bool Required, ValueList<string> Options);

public sealed record DecisionNode(string Id, string Name) : Node(Id, Name)
{
    public override NodeKind Kind => NodeKind.Decision;
}

/// <summary>并联审批: branches reviewed at the same time, joined by a declared policy.</summary>
public sealed record ParallelNode(
    string Id,
    string Name,
    string Lead,
    JoinMode Join,
    int? Quorum,
    Duration? Limit,
    ValueList<Branch> Branches) : Node(Id, Name)
{
    public override NodeKind Kind => NodeKind.Parallel;
}

/// <summary>A branch of a joint review: a sequence of nodes run top to bottom.</summary>
public sealed record Branch(string Id, string Name, Duration? Silence, ValueList<Node> Nodes);

public sealed record WaitNode(string Id, string Name, Duration Duration) : Node(Id, Name)
{
    public override NodeKind Kind => NodeKind.Wait;
}

public sealed record ServiceNode(string Id, string Name, ServiceAction Action, string? Template, NoticeRecipient? To) : Node(Id, Name)
{
    public override NodeKind Kind => NodeKind.Service;
}

public sealed record EndNode(string Id, string Name, EndResult Result) : Node(Id, Name)
{
    public override NodeKind Kind => NodeKind.End;
}
