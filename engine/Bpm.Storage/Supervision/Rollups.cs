using System.Text.Json;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Storage.Supervision;

/// <summary>
/// Closed node visits counted per period (a Beijing completion day yyyymmdd, its month yyyymm00 and its year yyyy0000), power, version,
/// node, department, handler and case outcome, with the working times as a histogram at the fixed resolution of
/// <see cref="TimingResolution.BucketMs"/>: percentiles come from merging a few histograms and one cumulative scan,
/// never from sorting visits. Each visit is counted in four cubes per period: handler and outcome each either
/// themselves or <see cref="TimingResolution.All"/>, so a query without a handler or outcome reads one row per node and
/// period. Kept up to date by folding the feed of closed visits (<see cref="RollupFeed"/>) and written by the
/// generator; never recomputed by a sweep.
/// </summary>
public sealed class NodeTimingHistogram
{
    /// <summary>yyyymmdd for a day, yyyymm00 for the whole month, yyyy0000 for the whole year (Beijing dates).</summary>
    public int Period { get; set; }
    public string PowerCode { get; set; } = "";
    public int Version { get; set; }
    public string NodeId { get; set; } = "";
    /// <summary>Empty when the node names no department.</summary>
    public string Department { get; set; } = "";
    /// <summary>Who closed the visit (empty: a timer or the engine), or <see cref="TimingResolution.All"/>.</summary>
    public string Handler { get; set; } = "";
    /// <summary>The case's result once it is over (准予, 不予, 撤回 …), empty while it runs, or <see cref="TimingResolution.All"/>.</summary>
    public string CaseOutcome { get; set; } = "";
    public long Visits { get; set; }
    /// <summary>Visits with a node limit (a due time); the on-time, early and late counts are among these.</summary>
    public long Timed { get; set; }
    public long OnTime { get; set; }
    public long Early { get; set; }
    public long Late { get; set; }
    public long WorkingMsSum { get; set; }
    public long WorkingMsMax { get; set; }
    /// <summary>JSON object: working-time bucket (as text) → number of visits, e.g. {"12":3,"40":1}.</summary>
    public string Histogram { get; set; } = "{}";
}

/// <summary>One closed visit's contribution (or withdrawal, with a negative sign) to the histograms.</summary>
public sealed record VisitTiming(
    int Day, string PowerCode, int Version, string NodeId, string Department, string Handler, string CaseOutcome, int Bucket,
    int Sign, bool Timed, bool OnTime, bool Early, long WorkingMs)
{
    public int Month => Day / 100 * 100;

    public int Year => Day / 10000 * 10000;

    /// <summary>Set when a case's end moves the visit from "running" to its result: only the per-outcome rows change.</summary>
    public bool OutcomeRowsOnly { get; init; }

    /// <summary>The histogram rows this visit counts in: per day, month and year, handler and outcome each as themselves or "all".</summary>
    public IEnumerable<(int Period, string Handler, string CaseOutcome)> Rows()
    {
        foreach (var period in new[] { Day, Month, Year })
        {
            if (!OutcomeRowsOnly)
            {
                yield return (period, TimingResolution.All, TimingResolution.All);
                yield return (period, Handler, TimingResolution.All);
            }
            yield return (period, TimingResolution.All, CaseOutcome);
            yield return (period, Handler, CaseOutcome);
        }
    }
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

    /// <summary>Marks a histogram row that counts every handler, or every outcome.</summary>
    public const string All = "*";

    public static VisitTiming Of(NodeVisit visit, string caseOutcome, int sign = 1)
    {
        var left = visit.LeftAt ?? throw new ArgumentException("an open visit has no timing yet", nameof(visit));
        var working = visit.WorkingMs ?? 0;
        var timed = visit.DueAt is not null;
        var onTime = timed && left <= visit.DueAt!.Value;
        // 提前: finished on a day before the due day, i.e. with at least the due day's work to spare.
        var early = onTime && Day(left) < Day(visit.DueAt!.Value);
        return new VisitTiming(Day(left), visit.PowerCode, visit.Version, visit.NodeId, visit.Department ?? "", visit.Handler ?? "", caseOutcome,
            Bucket(working), sign, timed, onTime, early, working);
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
}

/// <summary>
/// What counted visits and ended cases add to the rollups, merged per row as they are added: each histogram row (a
/// <see cref="NodeTimingHistogram"/> whose counts are the sums, negative for visits taken out) and each indicator row
/// once. Used by everything that writes the rollups: folding the feed, the rebuild and the history generator.
/// </summary>
public sealed class RollupTally
{
    private readonly Dictionary<(int, string, int, string, string, string, string), (NodeTimingHistogram Row, Dictionary<int, long> Buckets)> _histograms = [];
    private readonly Dictionary<(int, string, string, string), CaseIndicatorRollup> _indicators = [];

    public int HistogramCount => _histograms.Count;

    public bool IsEmpty => _histograms.Count == 0 && _indicators.Count == 0;

    /// <summary>Adds a visit (or takes it out, with a negative sign) to each histogram row it counts in.</summary>
    public void Add(VisitTiming visit)
    {
        foreach (var (period, handler, outcome) in visit.Rows())
        {
            var key = (period, visit.PowerCode, visit.Version, visit.NodeId, visit.Department, handler, outcome);
            if (!_histograms.TryGetValue(key, out var entry))
                _histograms[key] = entry = (new NodeTimingHistogram
                {
                    Period = period, PowerCode = visit.PowerCode, Version = visit.Version, NodeId = visit.NodeId,
                    Department = visit.Department, Handler = handler, CaseOutcome = outcome,
                }, new Dictionary<int, long>());
            var row = entry.Row;
            row.Visits += visit.Sign;
            row.Timed += visit.Timed ? visit.Sign : 0;
            row.OnTime += visit.OnTime ? visit.Sign : 0;
            row.Early += visit.Early ? visit.Sign : 0;
            row.Late += visit.Timed && !visit.OnTime ? visit.Sign : 0;
            row.WorkingMsSum += visit.Sign * visit.WorkingMs;
            if (visit.Sign > 0) row.WorkingMsMax = Math.Max(row.WorkingMsMax, visit.WorkingMs);
            entry.Buckets[visit.Bucket] = entry.Buckets.GetValueOrDefault(visit.Bucket) + visit.Sign;
        }
    }

    /// <summary>Adds an ended case to its indicator row.</summary>
    public void Add(CaseIndicatorRollup @case)
    {
        var key = (@case.Day, @case.PowerCode, @case.Department, @case.Outcome);
        if (!_indicators.TryGetValue(key, out var sum))
        {
            _indicators[key] = new CaseIndicatorRollup { Day = @case.Day, PowerCode = @case.PowerCode, Department = @case.Department, Outcome = @case.Outcome };
            sum = _indicators[key];
        }
        sum.Cases += @case.Cases;
        sum.Completed += @case.Completed;
        sum.Timed += @case.Timed;
        sum.OnTime += @case.OnTime;
        sum.Early += @case.Early;
        sum.Late += @case.Late;
        sum.Instant += @case.Instant;
        sum.InstantOnTheSpot += @case.InstantOnTheSpot;
        sum.WorkingMsSum += @case.WorkingMsSum;
    }

    /// <summary>
    /// The histogram rows with their JSON (buckets that net to 0 left out), rows that add nothing left out, in one
    /// global order: two writers touching the same rows lock them in the same order.
    /// </summary>
    public IEnumerable<NodeTimingHistogram> Histograms() => _histograms
        .OrderBy(h => h.Key.Item1).ThenBy(h => h.Key.Item2, StringComparer.Ordinal).ThenBy(h => h.Key.Item3)
        .ThenBy(h => h.Key.Item4, StringComparer.Ordinal).ThenBy(h => h.Key.Item5, StringComparer.Ordinal)
        .ThenBy(h => h.Key.Item6, StringComparer.Ordinal).ThenBy(h => h.Key.Item7, StringComparer.Ordinal)
        .Select(h =>
        {
            var (row, buckets) = h.Value;
            row.Histogram = "{" + string.Join(",", buckets.Where(b => b.Value != 0).OrderBy(b => b.Key).Select(b => $"\"{b.Key}\":{b.Value}")) + "}";
            return row;
        })
        .Where(r => r.Visits != 0 || r.Timed != 0 || r.OnTime != 0 || r.Early != 0 || r.Late != 0 || r.WorkingMsSum != 0
                    || r.WorkingMsMax != 0 || r.Histogram != "{}");

    /// <summary>The indicator rows, in the same kind of global order.</summary>
    public IEnumerable<CaseIndicatorRollup> Indicators() => _indicators.Values
        .OrderBy(r => r.Day).ThenBy(r => r.PowerCode, StringComparer.Ordinal).ThenBy(r => r.Department, StringComparer.Ordinal)
        .ThenBy(r => r.Outcome, StringComparer.Ordinal);
}
