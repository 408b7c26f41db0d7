namespace Bpm.Engine.State;

/// <summary>
/// One action on a case (全程留痕). Append-only; <see cref="Hash"/> covers the previous entry's hash and this
/// entry's canonical content, so altering or removing an entry breaks the chain.
/// </summary>
public sealed class JournalEntry
{
    public Guid CaseId { get; set; }
    public int Seq { get; set; }
    public DateTime At { get; set; }
    public string Actor { get; set; } = "";
    public string Kind { get; set; } = "";
    public string? NodeId { get; set; }
    /// <summary>Canonical JSON, stored as text so its bytes (and hash) survive the round trip.</summary>
    public string Payload { get; set; } = "{}";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}
