using System.Globalization;
using Bpm.Engine.Journal;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Supervision;

/// <summary>One case whose stored value (what the rollups counted) differs from what its journal says.</summary>
public sealed record IndicatorDifference(Guid CaseId, string Field, string? Rollup, string? Journal);

/// <summary>
/// The indicators twice: from the rollups (as <c>GET /api/supervision/indicators</c> answers) and replayed from the
/// journal alone, with every case whose row disagrees with its journal. <see cref="Unjournaled"/> cases (history written
/// by <c>bpm generate</c> or an import, with no journal) are in the rollups only.
/// </summary>
public sealed record IndicatorVerification(
    CaseIndicatorReport FromRollups, CaseIndicatorReport FromJournal, IReadOnlyList<IndicatorDifference> Differences, long Journaled, long Unjournaled);

/// <summary>domain.md §3 "each reproducible from the journal": recomputes the case-level indicators from journal entries and compares.</summary>
public static class JournalIndicators
{
    private static readonly DateTime Earliest = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Latest = new(9000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<IndicatorVerification> VerifyAsync(
        BpmDbContext db, IndicatorFilter filter, DateTime now, WorkCalendar? calendar, CancellationToken ct)
    {
        var workingDay = calendar?.WorkingDayLength ?? TimeSpan.FromHours(7);
        var fromRollups = await CaseIndicators.QueryAsync(db, filter, now, workingDay, ct);

        var window = new SupervisionWindow(filter.From, filter.To);
        var from = filter.From is null ? Earliest : window.FromUtc;
        var to = filter.To is null ? Latest : window.ToUtc;
        var cases = db.Cases.AsNoTracking();
        if (filter.PowerCode is { } power) cases = cases.Where(c => c.PowerCode == power);
        if (filter.Department is { } department)
            cases = cases.Where(c => db.DefinitionVersions.Any(d => d.Id == c.DefinitionVersionId && d.Subject.StartsWith(department)));
        // In the window by the row or by the journal: a case whose stored end was moved out of the window still shows.
        cases = cases.Where(c => (c.EndedAt >= from && c.EndedAt < to) || (c.EndedAt == null && c.AppliedAt >= from && c.AppliedAt < to)
            || db.JournalEntries.Any(j => j.CaseId == c.Id && (j.Kind == "case-ended" || j.Kind == "applied") && j.At >= from && j.At < to));
        var rows = await cases.ToListAsync(ct);

        var definitionIds = rows.Select(c => c.DefinitionVersionId).Distinct().ToList();
        var definitions = new Dictionary<Guid, bool>();
        foreach (var definition in await db.DefinitionVersions.AsNoTracking().Where(d => definitionIds.Contains(d.Id)).ToListAsync(ct))
            definitions[definition.Id] = TimingResolution.IsInstant(definition);

        long count = 0, completed = 0, timed = 0, onTime = 0, early = 0, instant = 0, onTheSpot = 0, overdue = 0, workingSum = 0, unjournaled = 0;
        var differences = new List<IndicatorDifference>();
        foreach (var chunk in rows.Where(c => c.JournalLength > 0).Chunk(500))
        {
            var ids = chunk.Select(c => c.Id).ToList();
            var entries = (await db.JournalEntries.AsNoTracking().Where(j => ids.Contains(j.CaseId)).ToListAsync(ct))
                .GroupBy(j => j.CaseId).ToDictionary(g => g.Key, g => g.OrderBy(j => j.Seq).ToList());
            foreach (var @case in chunk)
            {
                var journal = entries.GetValueOrDefault(@case.Id) ?? [];
                var facts = JournalFacts.Replay(@case.Id, journal, calendar);
                Compare(@case, journal, facts, differences);

                var endedInWindow = facts.EndedAt is { } end && end >= from && end < to;
                var openInWindow = !facts.IsOver && facts.AppliedAt is { } applied && applied >= from && applied < to;
                if (!endedInWindow && !openInWindow) continue;
                count++;
                if (openInWindow)
                {
                    if (facts.OverdueAt(now)) overdue++;
                    continue;
                }
                if (!facts.Completed) continue;
                completed++;
                workingSum += facts.WorkingMs ?? 0;
                if (facts.Timed) timed++;
                if (facts.OnTime) onTime++;
                if (facts.Early) early++;
                if (facts.Late) overdue++;
                if (definitions.GetValueOrDefault(@case.DefinitionVersionId))
                {
                    instant++;
                    if (facts.OnTheSpot) onTheSpot++;
                }
            }
        }
        unjournaled = rows.LongCount(c => c.JournalLength == 0);
        var fromJournal = CaseIndicatorReport.Of(count, completed, timed, onTime, early, instant, onTheSpot, overdue, workingSum, workingDay);
        return new IndicatorVerification(fromRollups, fromJournal, differences, rows.Count - unjournaled, unjournaled);
    }

    /// <summary>The case row against its journal: the chain first (an altered journal proves nothing), then each fact the indicators use.</summary>
    private static void Compare(Case @case, IReadOnlyList<JournalEntry> journal, JournalFacts facts, List<IndicatorDifference> differences)
    {
        var chain = JournalChain.Verify(@case, journal);
        if (!chain.Intact) differences.Add(new IndicatorDifference(@case.Id, "journal", "intact", chain.Problem));
        void Check(string field, string? stored, string? replayed)
        {
            if (stored != replayed) differences.Add(new IndicatorDifference(@case.Id, field, stored, replayed));
        }
        Check("endedAt", Time(@case.EndedAt), Time(facts.EndedAt));
        Check("status", @case.IsOver ? @case.Status.ToString() : null, facts.Status);
        Check("result", @case.IsOver ? @case.Result : null, facts.Result);
        if (facts.ClockOnRecord)
        {
            Check("acceptedAt", Time(@case.AcceptedAt), Time(facts.AcceptedAt));
            Check("promisedDue", Time(@case.PromisedDue), Time(facts.PromisedDue));
            Check("legalDue", Time(@case.LegalDue), Time(facts.LegalDue));
        }
        if (@case.IsOver && facts.IsOver && facts.WorkingMs is not null)
            Check("workingMs", @case.WorkingMs?.ToString(CultureInfo.InvariantCulture), facts.WorkingMs?.ToString(CultureInfo.InvariantCulture));
    }

    // Milliseconds, as the journal's hash keeps them: providers differ below that.
    private static string? Time(DateTime? utc) => utc is { } t
        ? DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
        : null;
}
