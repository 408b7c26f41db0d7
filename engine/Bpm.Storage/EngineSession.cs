using Bpm.Engine.Ports;
using Bpm.Engine.State;
using Bpm.Storage.Supervision;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage;

/// <summary>
/// One command's unit of work over one pooled <see cref="BpmDbContext"/>. Everything it loads is tracked (except
/// the journal), so <see cref="SaveAsync"/> writes exactly what the command changed or added, in one transaction.
/// Not thread-safe; dispose it when the command is done. After a failed save, throw it away.
/// </summary>
public sealed class EngineSession : IEngineSession
{
    private readonly EngineStore _store;
    private readonly BpmDbContext _context;

    internal EngineSession(EngineStore store, BpmDbContext context)
    {
        _store = store;
        _context = context;
    }

    /// <summary>The context behind this session, for queries the port does not cover.</summary>
    public BpmDbContext Context => _context;

    /// <summary>One round trip on both providers; see <see cref="CaseLoader"/>.</summary>
    public Task<CaseSnapshot?> LoadCaseAsync(Guid caseId, CancellationToken cancellationToken) =>
        _store.CaseLoader.LoadAsync(_context, caseId, cancellationToken);

    /// <summary>The same round trip, the case found through the work item.</summary>
    public Task<CaseSnapshot?> LoadCaseOfWorkItemAsync(Guid workItemId, CancellationToken cancellationToken) =>
        _store.CaseLoader.LoadOfWorkItemAsync(_context, workItemId, cancellationToken);

    public async Task<WorkItem?> FindWorkItemAsync(Guid workItemId, CancellationToken cancellationToken) =>
        // Find looks in the identity map first: an item the loaded case holds comes back without a query.
        await _context.WorkItems.FindAsync([workItemId], cancellationToken);

    public async Task<IReadOnlyList<WorkItem>> FindWorkItemsCausedByAsync(Guid workItemId, CancellationToken cancellationToken) =>
        await ToListAsync(_store.Queries.WorkItemsCausedBy(_context, workItemId), cancellationToken);

    public async Task<IReadOnlyList<NodeVisit>> LoadVisitsAsync(Guid caseId, CancellationToken cancellationToken) =>
        await ToListAsync(_store.Queries.Visits(_context, caseId), cancellationToken);

    public async Task<IReadOnlyList<JournalEntry>> LoadJournalAsync(Guid caseId, CancellationToken cancellationToken) =>
        await ToListAsync(_store.Queries.Journal(_context, caseId), cancellationToken);

    public async Task<DefinitionVersion?> FindDefinitionAsync(Guid id, CancellationToken cancellationToken) =>
        await _context.DefinitionVersions.FindAsync([id], cancellationToken);

    public Task<DefinitionVersion?> FindDefinitionAsync(string powerCode, int version, CancellationToken cancellationToken) =>
        _store.Queries.DefinitionByVersion(_context, powerCode, version, cancellationToken);

    public Task<DefinitionVersion?> FindLatestDefinitionAsync(string powerCode, CancellationToken cancellationToken) =>
        _store.Queries.LatestDefinition(_context, powerCode, cancellationToken);

    public async Task<DefinitionDraft?> FindDraftAsync(Guid id, CancellationToken cancellationToken) =>
        await _context.DefinitionDrafts.FindAsync([id], cancellationToken);

    public async Task<CommandReceipt?> FindReceiptAsync(string key, CancellationToken cancellationToken) =>
        await _context.CommandReceipts.FindAsync([key], cancellationToken);

    public async Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DateTime now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await ToListAsync(_store.Queries.DueTimers(_context, now, limit), cancellationToken);
    }

    public Task<decimal> PenaltyPointsAsync(string department, string period, CancellationToken cancellationToken) =>
        _store.Queries.PenaltyPoints(_context, department, period, cancellationToken);

    public async Task<Rating?> FindRatingAsync(Guid id, CancellationToken cancellationToken) =>
        await _context.Ratings.FindAsync([id], cancellationToken);

    public async Task<IReadOnlyList<Rating>> LoadRatingsAsync(Guid caseId, CancellationToken cancellationToken) =>
        await _context.Ratings.AsNoTracking().Where(r => r.CaseId == caseId).OrderBy(r => r.RatedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken);

    public void Add<T>(T entity) where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        _context.Add(entity);
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        var tracker = _context.ChangeTracker;
        var database = _context.Database;
        try
        {
            // One look at what changed serves the feed, the choice below and SaveChanges.
            tracker.DetectChanges();
            tracker.AutoDetectChangesEnabled = false;
            // A visit closed or a case ended: a rollup feed row joins the same batch, counted later (RollupFeed).
            RollupFeed.Record(_context);
            // On PostgreSQL the statements go as one batch without BEGIN and COMMIT: the server runs a batch as one
            // implicit transaction, all or nothing, and a stale case revision fails it from inside (CaseRevisionGuard).
            // That saves a round trip per command. A save too big for one batch gets an explicit transaction.
            database.AutoTransactionBehavior = _store.Provider == StorageProvider.Postgres
                                               && tracker.Entries().Count(e => e.State != EntityState.Unchanged) <= EngineStore.MaxStatementsPerBatch
                ? AutoTransactionBehavior.Never
                : AutoTransactionBehavior.WhenNeeded;
            await _context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (SaveErrors.Translate(_context, e) is { } translated)
        {
            throw translated;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = true;
            database.AutoTransactionBehavior = AutoTransactionBehavior.WhenNeeded;
        }
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await foreach (var item in source.WithCancellation(cancellationToken))
        {
            list.Add(item);
        }
        return list;
    }
}
