using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Supervision;

public enum TimingGroup { Node, Department, Handler }

/// <summary>
/// A slice of node visits. <see cref="Department"/> keeps a department and the units under it (names extend their
/// parent's). The window is on completion for closed visits and on entry for open ones. <see cref="Outcome"/> is the
/// case's result, so it keeps only visits of cases that are over.
/// </summary>
public sealed record NodeTimingFilter(
    string? PowerCode = null,
    int? Version = null,
    string? NodeId = null,
    string? Department = null,
    string? Handler = null,
    string? Outcome = null,
    DateOnly? From = null,
    DateOnly? To = null,
    TimingGroup GroupBy = TimingGroup.Node);

public sealed record NodeTimingRow(
    string PowerCode, string NodeId, string NodeName, string? Department, string? Handler,
    long Visits, long Completed, long Open,
    double? AvgWorkingHours, double? MedianWorkingHours, double? P90WorkingHours, double? MaxWorkingHours,
    double? AvgWorkingDays, double? MedianWorkingDays, double? P90WorkingDays, double? MaxWorkingDays,
    double? OnTimeRate, double? EarlyRate, long Overdue);

public sealed record NodeTimingReport(IReadOnlyList<NodeTimingRow> Rows, string PercentileMethod);

/// <summary>
/// Node-level timing for supervisors: completed visits from <see cref="NodeTimingRollup"/> (a histogram at 0.1
/// working-hour resolution), open visits from the partial index over open rows. Percentiles are nearest-rank over
/// the histogram: the p-quantile is the smallest working time with at least ⌈p·n⌉ of the n completed visits at or
/// below it, floored to 6 working minutes. Averages are exact (summed milliseconds); the maximum is exact.
/// </summary>
public static class NodeTiming
{
    public const string PercentileMethod =
        "nearest rank over completed visits: the p-quantile is the smallest working time (net of suspensions) with at least ceil(p*n) " +
        "of the n completed visits at or below it; working times are counted in 0.1 working-hour (6 working-minute) buckets, so " +
        "median and p90 are exact at that resolution (floored to it); averages and maxima are exact. Working days = working hours / " +
        "the office hours of one working day. Rates are among completed visits with a node limit; null when there are none.";

    private sealed record Key(string PowerCode, string NodeId, string? Dimension);

    public static async Task<NodeTimingReport> QueryAsync(BpmDbContext db, NodeTimingFilter filter, DateTime now, TimeSpan workingDay, CancellationToken ct)
    {
        var window = new SupervisionWindow(filter.From, filter.To);
        var rollups = db.Set<NodeTimingRollup>().AsNoTracking();
        if (filter.From is not null) rollups = rollups.Where(r => r.Day >= window.FromDay);
        if (filter.To is not null) rollups = rollups.Where(r => r.Day <= window.ToDay);
        if (filter.PowerCode is { } power) rollups = rollups.Where(r => r.PowerCode == power);
        if (filter.Version is { } version) rollups = rollups.Where(r => r.Version == version);
        if (filter.NodeId is { } node) rollups = rollups.Where(r => r.NodeId == node);
        if (filter.Department is { } department) rollups = rollups.Where(r => r.Department.StartsWith(department));
        if (filter.Handler is { } handler) rollups = rollups.Where(r => r.Handler == handler);
        rollups = filter.Outcome is { } outcome ? rollups.Where(r => r.CaseOutcome == outcome) : rollups;

        var buckets = filter.GroupBy switch
        {
            TimingGroup.Department => rollups.GroupBy(r => new { r.PowerCode, r.NodeId, Dimension = r.Department, r.WorkingBucket }),
            TimingGroup.Handler => rollups.GroupBy(r => new { r.PowerCode, r.NodeId, Dimension = r.Handler, r.WorkingBucket }),
            _ => rollups.GroupBy(r => new { r.PowerCode, r.NodeId, Dimension = "", r.WorkingBucket }),
        };
        var histogram = await buckets
            .Select(g => new
            {
                g.Key.PowerCode, g.Key.NodeId, g.Key.Dimension, g.Key.WorkingBucket,
                Visits = g.Sum(r => r.Visits), Timed = g.Sum(r => r.Timed), OnTime = g.Sum(r => r.OnTime), Early = g.Sum(r => r.Early),
                Late = g.Sum(r => r.Late), Sum = g.Sum(r => r.WorkingMsSum), Max = g.Max(r => r.Visits > 0 ? r.WorkingMsMax : 0),
            })
            .Where(b => b.Visits > 0)
            .ToListAsync(ct);

        // Open visits: no handler yet and no case outcome, so a filter on either leaves none.
        var open = new List<(Key Key, long Open, long Overdue)>();
        if (filter.Handler is null && filter.Outcome is null)
        {
            var visits = db.NodeVisits.AsNoTracking().Where(v => v.LeftAt == null && (v.NodeKind == "task" || v.NodeKind == "parallel" || v.NodeKind == "wait"));
            if (filter.From is not null) visits = visits.Where(v => v.EnteredAt >= window.FromUtc);
            if (filter.To is not null) visits = visits.Where(v => v.EnteredAt < window.ToUtc);
            if (filter.PowerCode is { } power2) visits = visits.Where(v => v.PowerCode == power2);
            if (filter.Version is { } version2) visits = visits.Where(v => v.Version == version2);
            if (filter.NodeId is { } node2) visits = visits.Where(v => v.NodeId == node2);
            if (filter.Department is { } department2) visits = visits.Where(v => v.Department != null && v.Department.StartsWith(department2));
            var grouped = filter.GroupBy == TimingGroup.Department
                ? visits.GroupBy(v => new { v.PowerCode, v.NodeId, Dimension = v.Department ?? "" })
                : visits.GroupBy(v => new { v.PowerCode, v.NodeId, Dimension = "" });
            var counts = await grouped
                .Select(g => new { g.Key.PowerCode, g.Key.NodeId, g.Key.Dimension, Open = g.LongCount(), Overdue = g.LongCount(v => v.DueAt != null && v.DueAt < now) })
                .ToListAsync(ct);
            open.AddRange(counts.Select(c => (new Key(c.PowerCode, c.NodeId, c.Dimension), c.Open, c.Overdue)));
        }

        var names = await DefinitionNames.LoadAsync(db, histogram.Select(h => h.PowerCode).Concat(open.Select(o => o.Key.PowerCode)), ct);
        var closed = histogram.GroupBy(h => new Key(h.PowerCode, h.NodeId, h.Dimension)).ToDictionary(g => g.Key, g => g.OrderBy(b => b.WorkingBucket).ToList());
        var openByKey = open.ToDictionary(o => o.Key);
        var hoursPerDay = workingDay.TotalHours > 0 ? workingDay.TotalHours : 1;
        var rows = new List<NodeTimingRow>();
        foreach (var key in closed.Keys.Union(openByKey.Keys))
        {
            var bins = closed.GetValueOrDefault(key) ?? [];
            var (openCount, openOverdue) = openByKey.TryGetValue(key, out var o) ? (o.Open, o.Overdue) : (0, 0);
            var completed = bins.Sum(b => b.Visits);
            var timed = bins.Sum(b => b.Timed);
            double? Hours(double? ms) => ms / 3_600_000d;
            double? Days(double? hours) => hours / hoursPerDay;
            double? avg = completed > 0 ? Hours(bins.Sum(b => (double)b.Sum) / completed) : null;
            double? median = completed > 0 ? Hours(Percentile(bins.Select(b => (b.WorkingBucket, b.Visits)), completed, 0.5)) : null;
            double? p90 = completed > 0 ? Hours(Percentile(bins.Select(b => (b.WorkingBucket, b.Visits)), completed, 0.9)) : null;
            double? max = completed > 0 ? Hours(bins.Max(b => b.Max)) : null;
            var nodeName = names.TryGetValue(key.PowerCode, out var p) && p.Nodes.TryGetValue(key.NodeId, out var n) ? n : key.NodeId;
            rows.Add(new NodeTimingRow(
                key.PowerCode, key.NodeId, nodeName,
                filter.GroupBy == TimingGroup.Department ? Blank(key.Dimension) : null,
                filter.GroupBy == TimingGroup.Handler ? Blank(key.Dimension) : null,
                completed + openCount, completed, openCount,
                Round(avg), Round(median), Round(p90), Round(max),
                Round(Days(avg)), Round(Days(median)), Round(Days(p90)), Round(Days(max)),
                timed > 0 ? Round(bins.Sum(b => b.OnTime) / (double)timed) : null,
                timed > 0 ? Round(bins.Sum(b => b.Early) / (double)timed) : null,
                bins.Sum(b => b.Late) + openOverdue));
        }
        var ordered = rows.OrderBy(r => r.PowerCode, StringComparer.Ordinal).ThenBy(r => r.NodeId, StringComparer.Ordinal)
            .ThenBy(r => r.Department ?? r.Handler ?? "", StringComparer.Ordinal).ToList();
        return new NodeTimingReport(ordered, PercentileMethod);
    }

    /// <summary>Nearest rank: the smallest bucket with at least ⌈p·n⌉ values at or below it, as milliseconds (the bucket's floor).</summary>
    public static double Percentile(IEnumerable<(int Bucket, long Count)> ascending, long total, double p)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(p * total));
        long seen = 0;
        var last = 0;
        foreach (var (bucket, count) in ascending)
        {
            seen += count;
            last = bucket;
            if (seen >= rank) return bucket * (double)TimingResolution.BucketMs;
        }
        return last * (double)TimingResolution.BucketMs;
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;
}
