namespace Bpm.Engine.State;

/// <summary>
/// Active: at a node doing work. Waiting: parked (a joint review waiting for its branches, a supplement, an incident).
/// Arrived: a branch that has finished and waits for its join to decide. Done and Cancelled are final.
/// </summary>
public enum TokenStatus { Active, Waiting, Arrived, Done, Cancelled }

/// <summary>
/// One active path through a case. A parallel node parks its token and forks one child per branch; the join
/// ends the children and moves the parent on.
/// </summary>
public sealed class Token
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Guid? ParentId { get; set; }
    /// <summary>The branch of the parent's parallel node this token runs (a declared branch id, or 加签-n).</summary>
    public string? BranchId { get; set; }
    public string NodeId { get; set; } = "";
    public TokenStatus Status { get; set; }
    /// <summary>For a branch token that has finished: approve or reject, as its join counts it.</summary>
    public string? Verdict { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? EndedAt { get; set; }

    public bool IsLive => Status is TokenStatus.Active or TokenStatus.Waiting or TokenStatus.Arrived;
}
