using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Commands;

/// <summary>What a command gets from the executor: its unit of work and the shared engine parts.</summary>
public sealed record CommandScope(IEngineSession Session, DefinitionLibrary Library, EngineServices Services, DateTime Now);

/// <summary>
/// An engine operation. The executor runs it in one transaction: it opens the case it acts on, changes it
/// through a <see cref="CaseRun"/>, and everything is saved together or not at all.
/// </summary>
public abstract record CaseCommand(Actor Actor)
{
    /// <summary>Repeating a command with the same key returns the first result and changes nothing.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>A short name for logs and receipts, e.g. "complete".</summary>
    public abstract string Name { get; }

    /// <summary>Loads (or creates) the case the command acts on.</summary>
    internal abstract Task<CaseRun> OpenAsync(CommandScope scope, CancellationToken cancellationToken);

    /// <summary>Applies the command; throws an <see cref="EngineException"/> to refuse it.</summary>
    internal abstract Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken);

    internal async Task<CaseRun> OpenCaseAsync(CommandScope scope, Guid caseId, CancellationToken cancellationToken)
    {
        var snapshot = await scope.Session.LoadCaseAsync(caseId, cancellationToken)
            ?? throw new NotFoundException("case", $"case {caseId} does not exist");
        return await OpenCaseAsync(scope, snapshot, cancellationToken);
    }

    internal async Task<CaseRun> OpenCaseAsync(CommandScope scope, CaseSnapshot snapshot, CancellationToken cancellationToken)
    {
        var model = await scope.Library.GetAsync(scope.Session, snapshot.Case.DefinitionVersionId, cancellationToken);
        return new CaseRun(scope.Services, scope.Session, model, snapshot, Actor, scope.Now);
    }

    protected static void RequireRunning(CaseRun run)
    {
        if (run.Case.IsOver)
            throw new StateConflictException("case-over", $"case {CaseNumber.Of(run.Case)} is already over ({run.Case.Status}, {run.Case.Result})");
    }
}

/// <summary>A command on an existing case, addressed by its id.</summary>
public abstract record CaseIdCommand(Guid CaseId, Actor Actor) : CaseCommand(Actor)
{
    internal override Task<CaseRun> OpenAsync(CommandScope scope, CancellationToken cancellationToken) => OpenCaseAsync(scope, CaseId, cancellationToken);
}

/// <summary>A command on one work item of a case.</summary>
public abstract record WorkItemCommand(Guid WorkItemId, Actor Actor) : CaseCommand(Actor)
{
    internal override async Task<CaseRun> OpenAsync(CommandScope scope, CancellationToken cancellationToken)
    {
        var snapshot = await scope.Session.LoadCaseOfWorkItemAsync(WorkItemId, cancellationToken)
            ?? throw new NotFoundException("work-item", $"work item {WorkItemId} does not exist");
        return await OpenCaseAsync(scope, snapshot, cancellationToken);
    }

    /// <summary>The work item, which must be open and not claimed by someone else.</summary>
    protected async Task<WorkItem> OpenItemAsync(CaseRun run, CancellationToken cancellationToken)
    {
        RequireRunning(run);
        var item = run.WorkItems.Find(w => w.Id == WorkItemId);
        if (item is null)
        {
            var closed = await run.Session.FindWorkItemAsync(WorkItemId, cancellationToken);
            throw closed?.Status switch
            {
                WorkItemStatus.Completed => new StateConflictException("work-item-completed",
                    $"work item '{closed.NodeName}' was already completed by {closed.CompletedBy} ({closed.Outcome})"),
                WorkItemStatus.Cancelled => new StateConflictException("work-item-cancelled",
                    $"work item '{closed.NodeName}' was cancelled: {closed.CancelReason}"),
                _ => new NotFoundException("work-item", $"work item {WorkItemId} does not exist"),
            };
        }
        if (Actor.Department is { } department && department != item.Department)
            throw new ForbiddenException("other-department", $"work item '{item.NodeName}' belongs to {item.Department}, not {department}");
        if (item.Assignee is { } assignee && assignee != Actor.Id)
            throw new StateConflictException("claimed-by-other", $"work item '{item.NodeName}' is claimed by {assignee}");
        return item;
    }

    protected static Token TokenOf(CaseRun run, WorkItem item) =>
        run.Tokens.Find(t => t.Id == item.TokenId) ?? throw new InvalidOperationException($"work item {item.Id} has no live token");
}
