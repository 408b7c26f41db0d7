namespace Bpm.Engine.State;

/// <summary>A step the engine could not take (a condition threw or ran too long): visible and retryable.</summary>
public sealed class Incident
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Guid TokenId { get; set; }
    public string NodeId { get; set; } = "";
    /// <summary>The outcome the token was leaving with when routing failed (null for a decision node); a retry routes it again.</summary>
    public string? Outcome { get; set; }
    public string Message { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public int Attempts { get; set; }
}
