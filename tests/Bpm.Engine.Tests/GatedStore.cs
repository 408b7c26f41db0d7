using Bpm.Engine.Ports;
using Bpm.Engine.State;

namespace Bpm.Engine.Tests;

/// <summary>
/// Wraps a store so the first <c>parties</c> saves wait for each other: every racer has loaded the same case
/// revision before any of them writes, which makes a race certain instead of likely.
/// </summary>
public sealed class GatedStore(IEngineStore inner, int parties) : IEngineStore
{
    private readonly Barrier _barrier = new(parties);
    private int _gated;

    public async Task<IEngineSession> OpenAsync(CancellationToken cancellationToken) => new Session(this, await inner.OpenAsync(cancellationToken));

    private async Task GateAsync()
    {
        if (Interlocked.Increment(ref _gated) > _barrier.ParticipantCount) return;
        await Task.Run(() => _barrier.SignalAndWait(TimeSpan.FromSeconds(30)));
    }

    private sealed class Session(GatedStore gate, IEngineSession inner) : IEngineSession
    {
        public Task<CaseSnapshot?> LoadCaseAsync(Guid caseId, CancellationToken ct) => inner.LoadCaseAsync(caseId, ct);
        public Task<CaseSnapshot?> LoadCaseOfWorkItemAsync(Guid workItemId, CancellationToken ct) => inner.LoadCaseOfWorkItemAsync(workItemId, ct);
        public Task<WorkItem?> FindWorkItemAsync(Guid workItemId, CancellationToken ct) => inner.FindWorkItemAsync(workItemId, ct);
        public Task<IReadOnlyList<WorkItem>> FindWorkItemsCausedByAsync(Guid workItemId, CancellationToken ct) => inner.FindWorkItemsCausedByAsync(workItemId, ct);
        public Task<IReadOnlyList<NodeVisit>> LoadVisitsAsync(Guid caseId, CancellationToken ct) => inner.LoadVisitsAsync(caseId, ct);
        public Task<IReadOnlyList<JournalEntry>> LoadJournalAsync(Guid caseId, CancellationToken ct) => inner.LoadJournalAsync(caseId, ct);
        public Task<DefinitionVersion?> FindDefinitionAsync(Guid id, CancellationToken ct) => inner.FindDefinitionAsync(id, ct);
        public Task<DefinitionVersion?> FindDefinitionAsync(string powerCode, int version, CancellationToken ct) => inner.FindDefinitionAsync(powerCode, version, ct);
        public Task<DefinitionVersion?> FindLatestDefinitionAsync(string powerCode, CancellationToken ct) => inner.FindLatestDefinitionAsync(powerCode, ct);
        public Task<DefinitionDraft?> FindDraftAsync(Guid id, CancellationToken ct) => inner.FindDraftAsync(id, ct);
        public Task<CommandReceipt?> FindReceiptAsync(string key, CancellationToken ct) => inner.FindReceiptAsync(key, ct);
        public Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DateTime now, int limit, CancellationToken ct) => inner.FindDueTimersAsync(now, limit, ct);
        public Task<decimal> PenaltyPointsAsync(string department, string period, CancellationToken ct) => inner.PenaltyPointsAsync(department, period, ct);
        public Task<Rating?> FindRatingAsync(Guid id, CancellationToken ct) => inner.FindRatingAsync(id, ct);
        public Task<IReadOnlyList<Rating>> LoadRatingsAsync(Guid caseId, CancellationToken ct) => inner.LoadRatingsAsync(caseId, ct);
        public void Add<T>(T entity) where T : class => inner.Add(entity);

        public async Task SaveAsync(CancellationToken ct)
        {
            await gate.GateAsync();
            await inner.SaveAsync(ct);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
