namespace Bpm.Engine.State;

/// <summary>
/// A token's stay in one node: the raw material of node-level timing. Power, version and department are
/// copied in so supervisors aggregate over this table alone.
/// </summary>
public sealed class NodeVisit
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Guid TokenId { get; set; }
    public Guid DefinitionVersionId { get; set; }
    public string PowerCode { get; set; } = "";
    public int Version { get; set; }
    public string NodeId { get; set; } = "";
    public string NodeKind { get; set; } = "";
    public string? Department { get; set; }
    public string? Handler { get; set; }
    public DateTime EnteredAt { get; set; }
    public DateTime? LeftAt { get; set; }
    public string? Outcome { get; set; }
    /// <summary>The step's own due time from its limit, shifted by suspensions.</summary>
    public DateTime? DueAt { get; set; }
    public Light Light { get; set; }
    public long SuspendedMs { get; set; }
    /// <summary>Working time spent, net of suspensions, in milliseconds (set when the visit ends).</summary>
    public long? WorkingMs { get; set; }
}
