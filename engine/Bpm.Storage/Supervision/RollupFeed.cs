using System.Data.Common;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;

namespace Bpm.Storage.Supervision;

/// <summary>A closed visit (<see cref="VisitId"/> set) or an ended case (<see cref="VisitId"/> null) the rollups have not counted yet.</summary>
public sealed class RollupFeedEntry
{
    /// <summary>Given by the database on insert; a case's entries get increasing numbers (its commands are serialized).</summary>
    public long Seq { get; set; }
    public Guid CaseId { get; set; }
    public Guid? VisitId { get; set; }
}

/// <summary>How much <see cref="RollupFeed.FoldAsync"/> counted.</summary>
public sealed record RollupFold(int Entries, int Visits, int Cases, int HistogramRows)
{
    public static readonly RollupFold None = new(0, 0, 0, 0);

    public static RollupFold operator +(RollupFold a, RollupFold b) =>
        new(a.Entries + b.Entries, a.Visits + b.Visits, a.Cases + b.Cases, a.HistogramRows + b.HistogramRows);
}

/// <summary>
/// Keeps the supervision rollups in step with the engine's state without putting them on the command's path. A command
/// that closes a visit or ends a case adds one small <c>rollup_feed</c> row per visit or case, in its own transaction
/// (<see cref="Record"/>); folding takes the oldest rows, counts them with <see cref="TimingResolution"/>'s rules,
/// merges rows that land on the same histogram key and adds them with one upsert per key, deleting the feed rows in the
/// same transaction: every closed visit is counted exactly once. Folding runs in the background
/// (the server's rollup pump) and before every rollup query (<see cref="CatchUpAsync"/>), so a supervisor's answer
/// includes every command committed before the question.
/// <para>
/// Why not in the command's transaction: a visit counts in 12 histogram rows and a case's end re-files its earlier
/// visits under its result; as upserts in every command that was about half the engine's database work. Folded in
/// batches, visits of the same node, day and result share their rows, and a case that ends before its visits are
/// folded is filed once, under its result.
/// </para>
/// </summary>
public static class RollupFeed
{
    public const int DefaultBatchSize = 2000;

    // Folders take this transaction-scoped advisory lock on PostgreSQL, so two of them (the pump and a query catching
    // up, or two servers) never interleave: the second one sees what the first committed. SQLite has a single writer.
    private const long FoldLock = 0x6270_6D5F_726F_6C6C; // "bpm_roll"

    /// <summary>
    /// Adds a feed row for each visit this save closes and each case it ends (read from the change tracker, before
    /// SaveChanges). Returns whether it added any.
    /// </summary>
    public static bool Record(BpmDbContext context)
    {
        List<RollupFeedEntry>? entries = null;
        List<RollupFeedEntry>? ends = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case NodeVisit visit when visit.LeftAt is not null && (entry.State == EntityState.Added || WasOpen(entry)):
                    (entries ??= []).Add(new RollupFeedEntry { CaseId = visit.CaseId, VisitId = visit.Id });
                    break;
                case Case @case when @case.IsOver && @case.EndedAt is not null && (entry.State == EntityState.Added || WasRunning(entry)):
                    (ends ??= []).Add(new RollupFeedEntry { CaseId = @case.Id });
                    break;
            }
        }
        if (entries is null && ends is null) return false;
        // Visits before ends: a case's end is numbered after the visits it closed, which folding relies on.
        foreach (var entry in (entries ?? []).Concat(ends ?? [])) context.Add(entry);
        return true;
    }

    /// <summary>
    /// Folds the feed until cancelled: a batch, then at once another while batches come back full, else a pause of
    /// <paramref name="interval"/>. A failed fold is reported and retried after the pause. Returns how many rows it folded.
    /// </summary>
    public static async Task<long> PumpAsync(EngineStore store, TimeSpan interval, Action<Exception> failed, CancellationToken ct,
        int batchSize = DefaultBatchSize)
    {
        await Task.Yield();
        long total = 0;
        while (!ct.IsCancellationRequested)
        {
            var folded = 0;
            try
            {
                await using var db = store.CreateContext();
                folded = (await FoldAsync(db, batchSize, ct)).Entries;
                total += folded;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failed(e);
            }
            if (folded >= batchSize) continue;
            try
            {
                await Task.Delay(interval, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return total;
    }

    /// <summary>Folds until the feed is empty (as of each batch): what a query calls first, so its answer is current.</summary>
    public static async Task<RollupFold> CatchUpAsync(BpmDbContext db, CancellationToken ct, int batchSize = DefaultBatchSize)
    {
        var total = RollupFold.None;
        while (true)
        {
            var fold = await FoldAsync(db, batchSize, ct);
            total += fold;
            if (fold.Entries < batchSize) return total;
        }
    }

    /// <summary>Counts and removes up to <paramref name="batchSize"/> of the oldest feed rows, in one transaction.</summary>
    public static async Task<RollupFold> FoldAsync(BpmDbContext db, int batchSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // A look first, outside any transaction: an empty feed (the usual case for a query) costs one small read.
        if (!await db.Set<RollupFeedEntry>().AnyAsync(ct)) return RollupFold.None;
        var postgres = db.Database.IsNpgsql();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var connection = db.Database.GetDbConnection();
            var tx = transaction.GetDbTransaction();
            if (postgres)
            {
                await using var lockCommand = Command(connection, tx, $"SELECT pg_advisory_xact_lock({FoldLock})");
                await lockCommand.ExecuteNonQueryAsync(ct);
            }

            var taken = await TakeAsync(connection, tx, batchSize, ct);
            if (taken.Count == 0)
            {
                await transaction.CommitAsync(ct);
                return RollupFold.None;
            }
            var rows = await RollupWriter.ApplyAsync(db, await CountAsync(db, taken, ct), ct);
            await transaction.CommitAsync(ct);
            return new RollupFold(taken.Count, taken.Count(e => e.VisitId is not null), taken.Count(e => e.VisitId is null), rows);
        });
    }

    /// <summary>How many feed rows wait to be folded.</summary>
    public static Task<int> BacklogAsync(BpmDbContext db, CancellationToken ct) => db.Set<RollupFeedEntry>().CountAsync(ct);

    /// <summary>
    /// What the taken entries add: each visit under its case's result if the case's end is folded in this batch or
    /// was folded before, else under "still running"; each ended case once, moving its visits folded earlier (under
    /// "still running") to its result.
    /// </summary>
    private static async Task<RollupTally> CountAsync(BpmDbContext db, List<RollupFeedEntry> taken, CancellationToken ct)
    {
        var caseIds = taken.Select(e => e.CaseId).Distinct().ToList();
        var visitIds = taken.Where(e => e.VisitId is not null).Select(e => e.VisitId!.Value).ToList();
        var cases = await db.Cases.AsNoTracking().Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var visits = visitIds.Count == 0 ? [] : await db.NodeVisits.AsNoTracking().Where(v => visitIds.Contains(v.Id)).ToListAsync(ct);
        var endingHere = taken.Where(e => e.VisitId is null).Select(e => e.CaseId).ToHashSet();

        // A visit of an ended case whose end is not in this batch: folded before (file under the result) or still
        // waiting in the feed (file as running; folding the end moves it). Only possible when a visit closes after
        // its case ended, which the engine does not do; asked of the feed rather than assumed.
        var endedElsewhere = visits.Select(v => v.CaseId).Distinct()
            .Where(id => !endingHere.Contains(id) && cases.TryGetValue(id, out var c) && c.IsOver && c.EndedAt is not null)
            .ToList();
        var endPending = endedElsewhere.Count == 0 ? [] : (await db.Set<RollupFeedEntry>().AsNoTracking()
            .Where(e => endedElsewhere.Contains(e.CaseId) && e.VisitId == null).Select(e => e.CaseId).ToListAsync(ct)).ToHashSet();

        var tally = new RollupTally();
        foreach (var visit in visits.Where(TimingResolution.Counts))
        {
            var @case = cases.GetValueOrDefault(visit.CaseId);
            var filedUnderResult = @case is not null && @case.IsOver && @case.EndedAt is not null
                                   && (endingHere.Contains(@case.Id) || !endPending.Contains(@case.Id));
            tally.Add(TimingResolution.Of(visit, filedUnderResult ? TimingResolution.OutcomeOf(@case!) : ""));
        }

        if (endingHere.Count == 0) return tally;
        var inBatch = visitIds.ToHashSet();
        var ending = endingHere.Select(id => cases.GetValueOrDefault(id)).OfType<Case>().Where(c => c.IsOver && c.EndedAt is not null).ToList();
        var endingIds = ending.Select(c => c.Id).ToList();
        // Visits folded by earlier batches were counted under "still running": move them to the case's result.
        var earlier = await db.NodeVisits.AsNoTracking().Where(v => endingIds.Contains(v.CaseId) && v.LeftAt != null).ToListAsync(ct);
        foreach (var visit in earlier.Where(v => !inBatch.Contains(v.Id) && TimingResolution.Counts(v)))
        {
            var outcome = TimingResolution.OutcomeOf(cases[visit.CaseId]);
            tally.Add(TimingResolution.Of(visit, "", sign: -1) with { OutcomeRowsOnly = true });
            tally.Add(TimingResolution.Of(visit, outcome) with { OutcomeRowsOnly = true });
        }
        var definitionIds = ending.Select(c => c.DefinitionVersionId).Distinct().ToList();
        var definitions = await db.DefinitionVersions.AsNoTracking().Where(d => definitionIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        var instant = definitions.ToDictionary(d => d.Key, d => TimingResolution.IsInstant(d.Value));
        foreach (var @case in ending)
        {
            var definition = definitions.GetValueOrDefault(@case.DefinitionVersionId);
            tally.Add(TimingResolution.Of(@case, definition?.Subject ?? "", definition is not null && instant[definition.Id]));
        }
        return tally;
    }

    private static async Task<List<RollupFeedEntry>> TakeAsync(DbConnection connection, DbTransaction tx, int batchSize, CancellationToken ct)
    {
        // The oldest rows: a case's entries are numbered in the order its commands committed (each command read the
        // previous one's state), so a case's visits are never taken after its end.
        await using var command = Command(connection, tx,
            "DELETE FROM rollup_feed WHERE seq IN (SELECT seq FROM rollup_feed ORDER BY seq LIMIT @limit) RETURNING seq, case_id, visit_id");
        var limit = command.CreateParameter();
        limit.ParameterName = "@limit";
        limit.Value = batchSize;
        command.Parameters.Add(limit);
        var taken = new List<RollupFeedEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            taken.Add(new RollupFeedEntry
            {
                Seq = reader.GetInt64(0),
                CaseId = reader.GetGuid(1),
                VisitId = reader.IsDBNull(2) ? null : reader.GetGuid(2),
            });
        }
        return taken;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    private static bool WasOpen(EntityEntry entry) =>
        entry.State == EntityState.Modified && entry.Property(nameof(NodeVisit.LeftAt)).OriginalValue is null;

    private static bool WasRunning(EntityEntry entry) =>
        entry.State == EntityState.Modified && entry.Property(nameof(Case.EndedAt)).OriginalValue is null;
}
