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

    // ---- legal time (domain.md §1–§3) ----
    /// <summary>受理: when the decision clock started (or was deemed to, rule 7).</summary>
    public DateTime? AcceptedAt { get; set; }
    /// <summary>When the case reached a point from which only one result remains (决定作出).</summary>
    public DateTime? DecidedAt { get; set; }
    public DateTime? PromisedDue { get; set; }
    public DateTime? LegalDue { get; set; }
    /// <summary>制证/送达 clock (许可法 Art. 44), from a granting decision.</summary>
    public DateTime? CertificateDue { get; set; }
    public Light Light { get; set; }
    /// <summary>Set while a stop-the-clock procedure runs: the clock stands still and the light is frozen.</summary>
    public DateTime? SuspendedSince { get; set; }
    /// <summary>Working time the clock stood still, in total, in milliseconds.</summary>
    public long SuspendedMs { get; set; }
    /// <summary>Working time from 受理 to the end, net of suspensions, in milliseconds (set when the case ends).</summary>
    public long? WorkingMs { get; set; }
    public int Extensions { get; set; }

    public bool IsOver => Status is CaseStatus.Completed or CaseStatus.Withdrawn or CaseStatus.Terminated;
}
