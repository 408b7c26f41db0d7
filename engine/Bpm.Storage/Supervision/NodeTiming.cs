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
/// Node-level timing for supervisors: completed visits from <see cref="NodeTimingHistogram"/> (histograms at 0.1
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
        // Count what committed commands left in the feed first: the answer includes every one of them.
        await RollupFeed.CatchUpAsync(db, ct);
        var window = new SupervisionWindow(filter.From, filter.To);
        var all = db.Set<NodeTimingHistogram>().AsNoTracking();
        var (from, to) = (filter.From, filter.To);
        if (from is null || to is null)
        {
            // An open end is the first or last day with data (two probes of the primary key), so the months in between are
            // an IN list the primary key answers, not a scan for month rows.
            var first = await all.OrderBy(r => r.Period).Select(r => (int?)r.Period).FirstOrDefaultAsync(ct);
            var last = await all.OrderByDescending(r => r.Period).Select(r => (int?)r.Period).FirstOrDefaultAsync(ct);
            from ??= first is { } f ? new DateOnly(f / 10000, Math.Max(1, f / 100 % 100), 1) : new DateOnly(2000, 1, 1); // a year row (mm = 00) starts in January
            to ??= last is { } l ? new DateOnly(l / 10000, Math.Max(1, l / 100 % 100), 1).AddMonths(1).AddDays(-1) : new DateOnly(2000, 1, 1);
        }
        var histograms = Periods(all, from.Value, to.Value);
        if (filter.PowerCode is { } power) histograms = histograms.Where(r => r.PowerCode == power);
        if (filter.Version is { } version) histograms = histograms.Where(r => r.Version == version);
        if (filter.NodeId is { } node) histograms = histograms.Where(r => r.NodeId == node);
        if (filter.Department is { } department) histograms = histograms.Where(r => r.Department.StartsWith(department));
        // The cube that answers: per handler only when asked about handlers, per outcome only when filtered on one.
        histograms = filter.Handler is { } handler ? histograms.Where(r => r.Handler == handler)
            : filter.GroupBy == TimingGroup.Handler ? histograms.Where(r => r.Handler != TimingResolution.All)
            : histograms.Where(r => r.Handler == TimingResolution.All);
        histograms = filter.Outcome is { } outcome ? histograms.Where(r => r.CaseOutcome == outcome) : histograms.Where(r => r.CaseOutcome == TimingResolution.All);
        var rowsRead = await histograms
            .Select(r => new
            {
                r.PowerCode, r.NodeId, r.Department, r.Handler, r.Visits, r.Timed, r.OnTime, r.Early, r.Late, r.WorkingMsSum, r.WorkingMsMax, r.Histogram,
            })
            .ToListAsync(ct);
        var histogram = rowsRead.Where(r => r.Visits != 0).Select(r => new
        {
            r.PowerCode, r.NodeId,
            Dimension = filter.GroupBy switch { TimingGroup.Department => r.Department, TimingGroup.Handler => r.Handler, _ => "" },
            r.Visits, r.Timed, r.OnTime, r.Early, r.Late, Sum = r.WorkingMsSum, Max = r.WorkingMsMax, r.Histogram,
        }).ToList();

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
        var closed = histogram.GroupBy(h => new Key(h.PowerCode, h.NodeId, h.Dimension)).ToDictionary(g => g.Key, g => g.ToList());
        var openByKey = open.ToDictionary(o => o.Key);
        var hoursPerDay = workingDay.TotalHours > 0 ? workingDay.TotalHours : 1;
        // Merging is the CPU-bound part of a whole-catalog query (thousands of histograms): keys merge in parallel.
        var rows = closed.Keys.Union(openByKey.Keys).ToList().AsParallel().Select(key =>
        {
            var parts = closed.GetValueOrDefault(key) ?? [];
            var (openCount, openOverdue) = openByKey.TryGetValue(key, out var o) ? (o.Open, o.Overdue) : (0, 0);
            var completed = parts.Sum(b => b.Visits);
            var timed = parts.Sum(b => b.Timed);
            var bins = Merge(parts.Select(p => p.Histogram));
            double? Hours(double? ms) => ms / 3_600_000d;
            double? Days(double? hours) => hours / hoursPerDay;
            double? avg = completed > 0 ? Hours(parts.Sum(b => (double)b.Sum) / completed) : null;
            double? median = completed > 0 ? Hours(Percentile(bins, completed, 0.5)) : null;
            double? p90 = completed > 0 ? Hours(Percentile(bins, completed, 0.9)) : null;
            double? max = completed > 0 ? Hours(parts.Max(b => b.Max)) : null;
            var nodeName = names.TryGetValue(key.PowerCode, out var p) && p.Nodes.TryGetValue(key.NodeId, out var n) ? n : key.NodeId;
            return new NodeTimingRow(
                key.PowerCode, key.NodeId, nodeName,
                filter.GroupBy == TimingGroup.Department ? Blank(key.Dimension) : null,
                filter.GroupBy == TimingGroup.Handler ? Blank(key.Dimension) : null,
                completed + openCount, completed, openCount,
                Round(avg), Round(median), Round(p90), Round(max),
                Round(Days(avg)), Round(Days(median)), Round(Days(p90)), Round(Days(max)),
                timed > 0 ? Round(parts.Sum(b => b.OnTime) / (double)timed) : null,
                timed > 0 ? Round(parts.Sum(b => b.Early) / (double)timed) : null,
                parts.Sum(b => b.Late) + openOverdue);
        }).ToList();
        var ordered = rows.OrderBy(r => r.PowerCode, StringComparer.Ordinal).ThenBy(r => r.NodeId, StringComparer.Ordinal)
            .ThenBy(r => r.Department ?? r.Handler ?? "", StringComparer.Ordinal).ToList();
        return new NodeTimingReport(ordered, PercentileMethod);
    }

    /// <summary>
    /// The rows a window needs: whole years from the year rows (yyyy0000), whole months from the month rows (yyyymm00),
    /// the days at either end from the day rows.
    /// </summary>
    public static IQueryable<NodeTimingHistogram> Periods(IQueryable<NodeTimingHistogram> rows, DateOnly first, DateOnly last)
    {
        var whole = new List<int>();
        var dayRanges = new List<(int From, int To)>();
        for (var year = first.Year; year <= last.Year; year++)
        {
            if (first <= new DateOnly(year, 1, 1) && new DateOnly(year, 12, 31) <= last)
            {
                whole.Add(year * 10000);
                continue;
            }
            for (var month = new DateOnly(year, 1, 1); month.Year == year && month <= last; month = month.AddMonths(1))
            {
                var monthEnd = month.AddMonths(1).AddDays(-1);
                if (monthEnd < first) continue;
                if (first <= month && monthEnd <= last) whole.Add(TimingResolution.Day(month) - 1);
                else dayRanges.Add((TimingResolution.Day(first > month ? first : month), TimingResolution.Day(last < monthEnd ? last : monthEnd)));
            }
        }
        // At most two partial months (the window's ends); the rest are whole months or years.
        var (a, b) = dayRanges.Count > 0 ? dayRanges[0] : (-1, -1);
        var (c, d) = dayRanges.Count > 1 ? dayRanges[1] : (-1, -1);
        return rows.Where(r => whole.Contains(r.Period) || (r.Period >= a && r.Period <= b) || (r.Period >= c && r.Period <= d));
    }

    /// <summary>Sums histograms (JSON objects bucket → count) into ascending (bucket, count) pairs, zero counts dropped.</summary>
    public static List<(int Bucket, long Count)> Merge(IEnumerable<string> histograms)
    {
        var counts = new long[256];
        foreach (var json in histograms) Accumulate(json, ref counts);
        var merged = new List<(int, long)>();
        for (var bucket = 0; bucket < counts.Length; bucket++)
            if (counts[bucket] != 0) merged.Add((bucket, counts[bucket]));
        return merged;
    }

    /// <summary>
    /// Adds one histogram into <paramref name="counts"/> (indexed by bucket). A scanner rather than a JSON parser: the text
    /// is only ever {"bucket": count, …} as the writers produce it (PostgreSQL's jsonb adds spaces), and a whole-catalog
    /// query merges thousands of them.
    /// </summary>
    private static void Accumulate(string json, ref long[] counts)
    {
        var i = 0;
        var n = json.Length;
        while (true)
        {
            while (i < n && json[i] != '"') i++;
            if (++i >= n) return;
            var bucket = 0;
            while (i < n && json[i] != '"') bucket = bucket * 10 + (json[i++] - '0');
            i++;
            while (i < n && (json[i] == ':' || json[i] == ' ')) i++;
            var negative = i < n && json[i] == '-';
            if (negative) i++;
            long count = 0;
            while (i < n && json[i] is >= '0' and <= '9') count = count * 10 + (json[i++] - '0');
            if (bucket >= counts.Length) Array.Resize(ref counts, Math.Max(bucket + 1, counts.Length * 2));
            counts[bucket] += negative ? -count : count;
        }
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
