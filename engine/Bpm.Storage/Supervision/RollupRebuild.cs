using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Supervision;

/// <summary>What a rebuild wrote: cases and closed visits read, histogram and indicator rows that exist afterwards.</summary>
public sealed record RollupRebuildReport(long Cases, long Visits, long HistogramRows, long IndicatorRows, int Batches);

/// <summary>
/// Recomputes node_timing_histograms and case_indicator_rollups from node_visits and cases: for databases that had
/// history before the Analytics migration (whose rows the save path never counted), or rollups that were lost. Both
/// tables (and the rollup feed, whose rows are recounted here) are emptied first, then the cases are read in id order, a batch at a time, each batch counted with the save
/// path's own rules (<see cref="TimingResolution"/>) and written by <see cref="RollupWriter"/> in one transaction. Run it
/// with no server writing to the database: a command saved during a rebuild would be counted twice or not at all.
/// </summary>
public static class RollupRebuild
{
    public const int DefaultBatchSize = 500;

    public static async Task<RollupRebuildReport> RunAsync(EngineStore store, int batchSize, Action<RollupRebuildReport>? progress, CancellationToken ct)
    {
        await using (var db = store.CreateContext())
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // The feed's rows are recounted from the visits below; folding them as well would count them twice.
            await db.Set<RollupFeedEntry>().ExecuteDeleteAsync(ct);
            await db.Set<NodeTimingHistogram>().ExecuteDeleteAsync(ct);
            await db.Set<CaseIndicatorRollup>().ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
        }

        var definitions = new Dictionary<Guid, (string Subject, bool Instant)>();
        long cases = 0, visits = 0;
        var batches = 0;
        Guid? after = null;
        while (true)
        {
            await using var db = store.CreateContext();
            var query = db.Cases.AsNoTracking();
            if (after is { } last) query = query.Where(c => c.Id.CompareTo(last) > 0);
            var batch = await query.OrderBy(c => c.Id).Take(batchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            after = batch[^1].Id;

            var ids = batch.Select(c => c.Id).ToList();
            var closed = await db.NodeVisits.AsNoTracking().Where(v => ids.Contains(v.CaseId) && v.LeftAt != null).ToListAsync(ct);
            var missing = batch.Select(c => c.DefinitionVersionId).Distinct().Where(id => !definitions.ContainsKey(id)).ToList();
            foreach (var definition in await db.DefinitionVersions.AsNoTracking().Where(d => missing.Contains(d.Id)).ToListAsync(ct))
                definitions[definition.Id] = (definition.Subject, TimingResolution.IsInstant(definition));

            // The same rows the save path would have written by now: each visit under its case's outcome (empty while
            // the case runs), each ended case once.
            var byId = batch.ToDictionary(c => c.Id);
            var timings = closed.Where(TimingResolution.Counts).Select(v => TimingResolution.Of(v, TimingResolution.OutcomeOf(byId[v.CaseId]))).ToList();
            var ended = batch.Where(c => c.IsOver && c.EndedAt is not null)
                .Select(c => definitions.TryGetValue(c.DefinitionVersionId, out var d) ? TimingResolution.Of(c, d.Subject, d.Instant) : TimingResolution.Of(c, "", false))
                .ToList();

            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                // The whole batch at once: visits that land on the same histogram row are merged into one upsert.
                var tally = new RollupTally();
                foreach (var timing in timings) tally.Add(timing);
                foreach (var row in ended) tally.Add(row);
                await RollupWriter.ApplyAsync(db, tally, ct);
                await transaction.CommitAsync(ct);
            }
            cases += batch.Count;
            visits += timings.Count;
            batches++;
            progress?.Invoke(new RollupRebuildReport(cases, visits, 0, 0, batches));
        }

        await using var counter = store.CreateContext();
        return new RollupRebuildReport(cases, visits,
            await counter.Set<NodeTimingHistogram>().LongCountAsync(ct), await counter.Set<CaseIndicatorRollup>().LongCountAsync(ct), batches);
    }
}
