using Bpm.Engine.State;

namespace Bpm.Engine.Ports;

/// <summary>Where the engine keeps its state. One session is one command's unit of work.</summary>
public interface IEngineStore
{
    Task<IEngineSession> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A unit of work: what it loads is tracked, what is added or changed is written by <see cref="SaveAsync"/> in
/// one transaction. A write based on a case revision someone else has moved on fails with
/// <see cref="ConcurrencyConflictException"/> and writes nothing.
/// </summary>
public interface IEngineSession : IAsyncDisposable
{
    /// <summary>
    /// The case with its live tokens (Active, Waiting, Arrived: <see cref="Token.IsLive"/>), open work items, open
    /// visits, open incidents, pending timers, open suspensions (EndedAt null) and open supervision orders (every status but Closed).
    /// </summary>
    Task<CaseSnapshot?> LoadCaseAsync(Guid caseId, CancellationToken cancellationToken);

    /// <summary>
    /// The case a work item (in any state) belongs to, loaded as <see cref="LoadCaseAsync"/> does, in one go: what
    /// every work-item command starts with. Null when there is no such work item.
    /// </summary>
    Task<CaseSnapshot?> LoadCaseOfWorkItemAsync(Guid workItemId, CancellationToken cancellationToken);

    /// <summary>A work item in any state (open items of a loaded case are the same tracked object).</summary>
    Task<WorkItem?> FindWorkItemAsync(Guid workItemId, CancellationToken cancellationToken);

    /// <summary>Work items created by the completion of <paramref name="workItemId"/>, in any state.</summary>
    Task<IReadOnlyList<WorkItem>> FindWorkItemsCausedByAsync(Guid workItemId, CancellationToken cancellationToken);

    /// <summary>Every node visit of a case, oldest first.</summary>
    Task<IReadOnlyList<NodeVisit>> LoadVisitsAsync(Guid caseId, CancellationToken cancellationToken);

    /// <summary>The journal of a case in sequence order, untracked.</summary>
    Task<IReadOnlyList<JournalEntry>> LoadJournalAsync(Guid caseId, CancellationToken cancellationToken);

    Task<DefinitionVersion?> FindDefinitionAsync(Guid id, CancellationToken cancellationToken);
    Task<DefinitionVersion?> FindDefinitionAsync(string powerCode, int version, CancellationToken cancellationToken);
    /// <summary>The newest version of a power in any state, or null if never published.</summary>
    Task<DefinitionVersion?> FindLatestDefinitionAsync(string powerCode, CancellationToken cancellationToken);

    Task<DefinitionDraft?> FindDraftAsync(Guid id, CancellationToken cancellationToken);

    Task<CommandReceipt?> FindReceiptAsync(string key, CancellationToken cancellationToken);

    /// <summary>Pending timers due at or before <paramref name="now"/>, earliest first, untracked: what the pump fires next.</summary>
    Task<IReadOnlyList<DueTimer>> FindDueTimersAsync(DateTime now, int limit, CancellationToken cancellationToken);

    /// <summary>Points a department has been charged in a period, for the cap.</summary>
    Task<decimal> PenaltyPointsAsync(string department, string period, CancellationToken cancellationToken);

    /// <summary>A 好差评 rating by id, tracked (a command may change its 整改 state).</summary>
    Task<Rating?> FindRatingAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The ratings of a case, oldest first, untracked.</summary>
    Task<IReadOnlyList<Rating>> LoadRatingsAsync(Guid caseId, CancellationToken cancellationToken);

    /// <summary>Registers a new row (case, token, work item, visit, journal entry, incident, receipt, document, definition).</summary>
    void Add<T>(T entity) where T : class;

    /// <summary>Commits every change in one transaction.</summary>
    Task SaveAsync(CancellationToken cancellationToken);
}

/// <summary>The live part of a case: all a command needs to decide and act.</summary>
public sealed record CaseSnapshot(
    Case Case,
    List<Token> Tokens,
    List<WorkItem> WorkItems,
    List<NodeVisit> OpenVisits,
    List<Incident> OpenIncidents,
    List<CaseTimer> PendingTimers,
    List<Suspension> OpenSuspensions,
    List<SupervisionOrder> OpenOrders)
{
    public static CaseSnapshot New(Case @case) => new(@case, [], [], [], [], [], [], []);
}

/// <summary>A timer that is due, as the pump sees it.</summary>
public sealed record DueTimer(Guid TimerId, Guid CaseId, DateTime DueAt);

/// <summary>Another command changed the case first; reload and try again.</summary>
public sealed class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Another command already stored a receipt under this idempotency key.</summary>
public sealed class DuplicateReceiptException(string key, Exception? inner = null) : Exception($"idempotency key '{key}' is already used", inner);
