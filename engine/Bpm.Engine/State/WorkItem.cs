namespace Bpm.Engine.State;

public enum WorkItemStatus { Open, Claimed, Completed, Cancelled }

/// <summary>A human task in someone's inbox: one department and role, optionally one assignee.</summary>
public sealed class WorkItem
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Guid TokenId { get; set; }
    public string NodeId { get; set; } = "";
    public string NodeName { get; set; } = "";
    public string Department { get; set; } = "";
    public string Role { get; set; } = "";
    public string? Assignee { get; set; }
    public WorkItemStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? CompletedBy { get; set; }
    public string? Outcome { get; set; }
    /// <summary>审批意见.</summary>
    public string? Opinion { get; set; }
    /// <summary>What the handler filled in, as a JSON object.</summary>
    public string? FormData { get; set; }
    public string? CancelReason { get; set; }
    /// <summary>The completed work item whose completion created this one; take-back (取回) follows it.</summary>
    public Guid? CausedBy { get; set; }
    /// <summary>Completed by the engine on the law's behalf (视为同意 after silence, 视为受理): an audit flag.</summary>
    public bool Deemed { get; set; }

    public bool IsOpen => Status is WorkItemStatus.Open or WorkItemStatus.Claimed;
}
