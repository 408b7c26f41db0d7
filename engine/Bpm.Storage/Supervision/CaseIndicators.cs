using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Supervision;

/// <summary>Which cases: a power, an implementing department (实施主体, or a unit above it), a window on the end date (on application for open cases).</summary>
public sealed record IndicatorFilter(string? PowerCode = null, string? Department = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>
/// domain.md §3 / rule 25. <see cref="Cases"/>: ended in the window plus still open and applied in it. Rates are among
/// completed cases (办结, not withdrawn or terminated) with a due time: 按时 = ended by the promised due time (the legal
/// one when there is no promise), 提前 = ended on a day before the due day; 即办件当场办结率 = completed 即办件 ended on
/// the working day they were accepted; 超期件数 = completed late plus open past due now; 平均办理时长 = working time
/// from 受理 to the end, net of suspensions, in working days. Every figure is a count over the cases' own columns,
/// which the journal's case-ended entries reproduce.
/// </summary>
public sealed record CaseIndicatorReport(
    long Cases, long Completed, double? OnTimeRate, double? EarlyRate, double? InstantOnTheSpotRate, long Overdue, double? AvgWorkingDays)
{
    /// <summary>The report from its counts, rounded the same way whichever source counted them (rollups or the journal).</summary>
    public static CaseIndicatorReport Of(
        long cases, long completed, long timed, long onTime, long early, long instant, long onTheSpot, long overdue, long workingMsSum, TimeSpan workingDay)
    {
        double? Rate(long part, long whole) => whole > 0 ? Math.Round(part / (double)whole, 4) : null;
        return new CaseIndicatorReport(cases, completed, Rate(onTime, timed), Rate(early, timed), Rate(onTheSpot, instant), overdue,
            completed > 0 && workingDay > TimeSpan.Zero ? Math.Round(workingMsSum / (double)completed / workingDay.TotalMilliseconds, 4) : null);
    }
}

public static class CaseIndicators
{
    public static async Task<CaseIndicatorReport> QueryAsync(BpmDbContext db, IndicatorFilter filter, DateTime now, TimeSpan workingDay, CancellationToken ct)
    {
        // Count what committed commands left in the feed first: the answer includes every one of them.
        await RollupFeed.CatchUpAsync(db, ct);
        var window = new SupervisionWindow(filter.From, filter.To);
        var rollups = db.Set<CaseIndicatorRollup>().AsNoTracking();
        if (filter.From is not null) rollups = rollups.Where(r => r.Day >= window.FromDay);
        if (filter.To is not null) rollups = rollups.Where(r => r.Day <= window.ToDay);
        if (filter.PowerCode is { } power) rollups = rollups.Where(r => r.PowerCode == power);
        if (filter.Department is { } department) rollups = rollups.Where(r => r.Department.StartsWith(department));
        var ended = await rollups.GroupBy(r => 1).Select(g => new
        {
            Cases = g.Sum(r => r.Cases), Completed = g.Sum(r => r.Completed), Timed = g.Sum(r => r.Timed), OnTime = g.Sum(r => r.OnTime),
            Early = g.Sum(r => r.Early), Late = g.Sum(r => r.Late), Instant = g.Sum(r => r.Instant), OnTheSpot = g.Sum(r => r.InstantOnTheSpot),
            Sum = g.Sum(r => r.WorkingMsSum),
        }).FirstOrDefaultAsync(ct);

        var open = db.Cases.AsNoTracking().Where(c => c.EndedAt == null);
        if (filter.From is not null) open = open.Where(c => c.AppliedAt >= window.FromUtc);
        if (filter.To is not null) open = open.Where(c => c.AppliedAt < window.ToUtc);
        if (filter.PowerCode is { } power2) open = open.Where(c => c.PowerCode == power2);
        if (filter.Department is { } department2)
            open = open.Where(c => db.DefinitionVersions.Any(d => d.Id == c.DefinitionVersionId && d.Subject.StartsWith(department2)));
        var openCounts = await open.GroupBy(c => 1).Select(g => new
        {
            Cases = g.LongCount(),
            Overdue = g.LongCount(c => (c.PromisedDue ?? c.LegalDue) != null && (c.PromisedDue ?? c.LegalDue) < now),
        }).FirstOrDefaultAsync(ct);

        return CaseIndicatorReport.Of(
            (ended?.Cases ?? 0) + (openCounts?.Cases ?? 0), ended?.Completed ?? 0, ended?.Timed ?? 0, ended?.OnTime ?? 0, ended?.Early ?? 0,
            ended?.Instant ?? 0, ended?.OnTheSpot ?? 0, (ended?.Late ?? 0) + (openCounts?.Overdue ?? 0), ended?.Sum ?? 0, workingDay);
    }
}
