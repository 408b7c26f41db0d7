using System.Globalization;
using System.Text.Json;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Storage.Supervision;

/// <summary>
/// Closed node visits counted per completion day (Beijing), power, version, node, department, handler, case outcome and
/// working time floored to <see cref="TimingResolution.BucketMs"/>: a histogram supervisors' percentiles are read from
/// by one cumulative scan instead of sorting millions of visits. Kept up to date in the transaction that closes a
/// visit (<see cref="RollupWriter"/>) and written by the generator; never recomputed by a sweep.
/// </summary>
public sealed class NodeTimingRollup
{
    /// <summary>Completion date in Beijing time as yyyymmdd.</summary>
    public int Day { get; set; }
    public string PowerCode { get; set; } = "";
    public int Version { get; set; }
    public string NodeId { get; set; } = "";
    /// <summary>Empty when the node names no department.</summary>
    public string Department { get; set; } = "";
    /// <summary>Empty when no person closed the visit (a timer, the engine).</summary>
    public string Handler { get; set; } = "";
    /// <summary>The case's result once it is over (准予, 不予, 撤回 …); empty while the case still runs.</summary>
    public string CaseOutcome { get; set; } = "";
    /// <summary>Working time net of suspensions, floored to the resolution: bucket × <see cref="TimingResolution.BucketMs"/>.</summary>
    public int WorkingBucket { get; set; }
    public long Visits { get; set; }
    /// <summary>Visits with a node limit (a due time); the on-time, early and late counts are among these.</summary>
    public long Timed { get; set; }
    public long OnTime { get; set; }
    public long Early { get; set; }
    public long Late { get; set; }
    public long WorkingMsSum { get; set; }
    public long WorkingMsMax { get; set; }
}

/// <summary>Ended cases counted per end day (Beijing), power, implementing department (实施主体) and result: the case-level indicators of domain.md §3.</summary>
public sealed class CaseIndicatorRollup
{
    public int Day { get; set; }
    public string PowerCode { get; set; } = "";
    public string Department { get; set; } = "";
    /// <summary>The case's result (准予, 不予, 撤回 …), or its status when it has none.</summary>
    public string Outcome { get; set; } = "";
    public long Cases { get; set; }
    /// <summary>办结: ended as Completed (not withdrawn or terminated).</summary>
    public long Completed { get; set; }
    /// <summary>Completed cases with a promised (or legal) due time; on-time, early and late are among these.</summary>
    public long Timed { get; set; }
    public long OnTime { get; set; }
    public long Early { get; set; }
    public long Late { get; set; }
    /// <summary>Completed 即办件, and those of them closed on the working day they were accepted.</summary>
    public long Instant { get; set; }
    public long InstantOnTheSpot { get; set; }
    /// <summary>Working time of completed cases, net of suspensions.</summary>
    public long WorkingMsSum { get; set; }
}

/// <summary>The fixed resolution of the timing histograms, and the day and lateness rules both writers apply.</summary>
public static class TimingResolution
{
    /// <summary>6 working minutes (0.1 working hour): percentiles are exact at this resolution.</summary>
    public const long BucketMs = 6 * 60 * 1000;

    public const string CancelledOutcome = "已取消";

    public static int Day(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), CaseNumber.China);
        return local.Year * 10000 + local.Month * 100 + local.Day;
    }

    public static int Day(DateOnly date) => date.Year * 10000 + date.Month * 100 + date.Day;

    public static int Bucket(long workingMs) => (int)Math.Min(int.MaxValue, Math.Max(0, workingMs) / BucketMs);

    /// <summary>Whether a visit enters the timing rollups: a closed step where work is done, not one cancelled by a join or the case's end.</summary>
    public static bool Counts(NodeVisit visit) =>
        visit.LeftAt is not null && visit.Outcome != CancelledOutcome && visit.NodeKind is "task" or "parallel" or "wait";

    /// <summary>The case outcome a closed visit is counted under.</summary>
    public static string OutcomeOf(Case @case) => @case.IsOver ? @case.Result ?? @case.Status.ToString() : "";

    public static NodeTimingRollup Of(NodeVisit visit, string caseOutcome, int sign = 1)
    {
        var left = visit.LeftAt ?? throw new ArgumentException("an open visit has no timing yet", nameof(visit));
        var working = visit.WorkingMs ?? 0;
        var timed = visit.DueAt is not null;
        var onTime = timed && left <= visit.DueAt!.Value;
        // 提前: finished on a day before the due day, i.e. with at least the due day's work to spare.
        var early = onTime && Day(left) < Day(visit.DueAt!.Value);
        return new NodeTimingRollup
        {
            Day = Day(left), PowerCode = visit.PowerCode, Version = visit.Version, NodeId = visit.NodeId,
            Department = visit.Department ?? "", Handler = visit.Handler ?? "", CaseOutcome = caseOutcome,
            WorkingBucket = Bucket(working),
            Visits = sign, Timed = timed ? sign : 0, OnTime = onTime ? sign : 0, Early = early ? sign : 0,
            Late = timed && !onTime ? sign : 0, WorkingMsSum = sign * working, WorkingMsMax = sign > 0 ? working : 0,
        };
    }

    public static CaseIndicatorRollup Of(Case @case, string department, bool instant)
    {
        var ended = @case.EndedAt ?? throw new ArgumentException("a running case has no indicators yet", nameof(@case));
        var completed = @case.Status == CaseStatus.Completed;
        var due = @case.PromisedDue ?? @case.LegalDue;
        var timed = completed && due is not null;
        var onTime = timed && ended <= due!.Value;
        var early = onTime && Day(ended) < Day(due!.Value);
        var accepted = @case.AcceptedAt ?? @case.AppliedAt;
        return new CaseIndicatorRollup
        {
            Day = Day(ended), PowerCode = @case.PowerCode, Department = department, Outcome = OutcomeOf(@case),
            Cases = 1, Completed = completed ? 1 : 0, Timed = timed ? 1 : 0, OnTime = onTime ? 1 : 0, Early = early ? 1 : 0,
            Late = timed && !onTime ? 1 : 0,
            Instant = completed && instant ? 1 : 0,
            InstantOnTheSpot = completed && instant && Day(ended) == Day(accepted) ? 1 : 0,
            WorkingMsSum = completed ? @case.WorkingMs ?? 0 : 0,
        };
    }

    /// <summary>Whether a stored definition is a 即办件 (power.handling in its canonical JSON).</summary>
    public static bool IsInstant(DefinitionVersion definition)
    {
        using var json = JsonDocument.Parse(definition.Definition);
        return json.RootElement.TryGetProperty("power", out var power)
            && power.TryGetProperty("handling", out var handling)
            && handling.ValueKind == JsonValueKind.String && handling.GetString() == "即办件";
    }

    public static string DayText(int day) => day.ToString(CultureInfo.InvariantCulture);
}
