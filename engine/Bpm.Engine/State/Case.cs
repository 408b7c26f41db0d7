namespace Bpm.Engine.State;

public enum CaseStatus { Running, AwaitingSupplement, Completed, Withdrawn, Terminated }

/// <summary>
/// 办件: one application running on one definition version. <see cref="Revision"/> is the optimistic-concurrency
/// token: every command that changes the case raises it, and a write based on a stale revision fails.
/// </summary>
public sealed class Case
{
    public Guid Id { get; set; }
    public Guid DefinitionVersionId { get; set; }
    public string PowerCode { get; set; } = "";
    public int Version { get; set; }
    public CaseStatus Status { get; set; }
    /// <summary>The end result word (准予, 不予, 撤回 …) once the case is over.</summary>
    public string? Result { get; set; }
    public string ApplicantId { get; set; } = "";
    public string ApplicantName { get; set; } = "";
    /// <summary>Form data as a JSON object: what the applicant filed plus what handlers added.</summary>
    public string Data { get; set; } = "{}";
    public DateTime AppliedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public long Revision { get; set; }
    /// <summary>Number of journal entries and the hash of the last one: the head of the tamper-evident chain.</summary>
    public int JournalLength { get; set; }
    public string JournalHead { get; set; } = "";
    public int OpenIncidents { get; set; }

    public bool IsOver => Status is CaseStatus.Completed or CaseStatus.Withdrawn or CaseStatus.Terminated;
}
