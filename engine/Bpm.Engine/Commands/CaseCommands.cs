using System.Text.Json.Nodes;
using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;

namespace Bpm.Engine.Commands;

/// <summary>The applicant hands in what the supplement notice (补正告知) asked for; the step that asked runs again.</summary>
public sealed record SubmitSupplement(Guid CaseId, Actor Applicant, JsonObject Data) : CaseIdCommand(CaseId, Applicant)
{
    public override string Name => "submit-supplement";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        RequireRunning(run);
        if (run.Case.Status != CaseStatus.AwaitingSupplement)
            throw new StateConflictException("no-supplement-requested", "the case is not waiting for a supplement");
        if (Actor.Id != run.Case.ApplicantId)
            throw new ForbiddenException("not-the-applicant", "only the applicant can hand in a supplement");
        var token = run.Tokens.Single(t => t.Status == TokenStatus.Waiting && run.Model.Place(t.NodeId).Node is TaskNode
            && !run.WorkItems.Any(w => w.TokenId == t.Id && w.IsOpen) && !run.OpenIncidents.Any(i => i.TokenId == t.Id));
        var task = (TaskNode)run.Model.Place(token.NodeId).Node;
        var outcome = task.Outcomes.First(o => o.Verdict == Verdict.Supplement);
        run.MergeData(Data);
        run.Case.Status = CaseStatus.Running;
        run.Journal("supplement-submitted", task.Id, new { data = Data });
        if (run.Model.Place(task.Id).IsTopLevel) run.Leave(token, task, outcome.Name, Verdict.Supplement, Actor.Id);
        else run.Enter(token, task);
        return Task.CompletedTask;
    }
}

/// <summary>撤回: the applicant withdraws the application, possible until the decision is made.</summary>
public sealed record Withdraw(Guid CaseId, Actor Applicant, string Reason) : CaseIdCommand(CaseId, Applicant)
{
    public override string Name => "withdraw";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        RequireRunning(run);
        if (Actor.Id != run.Case.ApplicantId)
            throw new ForbiddenException("not-the-applicant", "only the applicant can withdraw an application");
        // Decided = wherever the case stands, only one result is still possible (e.g. it is at 制证 after 准予).
        var decided = run.Tokens.Where(t => t.IsLive && t.ParentId is null)
            .Any(t => run.Model.DecidedResult(t.NodeId) is not null);
        if (decided)
            throw new StateConflictException("decided", "the decision has been made (决定已作出); the application can no longer be withdrawn");
        run.Journal("withdrawn", null, new { reason = Reason });
        run.Finish(CaseStatus.Withdrawn, Vocabulary.EndResults[EndResult.Withdrawn], $"申请人撤回：{Reason}");
        return Task.CompletedTask;
    }
}

/// <summary>终止: an administrator ends a case with a reason (e.g. its power was abolished).</summary>
public sealed record Terminate(Guid CaseId, Actor Administrator, string Reason) : CaseIdCommand(CaseId, Administrator)
{
    public override string Name => "terminate";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        RequireRunning(run);
        if (string.IsNullOrWhiteSpace(Reason)) throw new CommandRejectedException("reason-required", "终止 needs a reason");
        run.Journal("terminated", null, new { reason = Reason });
        run.Finish(CaseStatus.Terminated, Vocabulary.EndResults[EndResult.Terminated], $"终止：{Reason}");
        return Task.CompletedTask;
    }
}

/// <summary>加签: adds a department to an open joint review as one more branch; the join counts it like the others.</summary>
public sealed record AddSigner(Guid CaseId, Actor Actor, string NodeId, string Department, string Role) : CaseIdCommand(CaseId, Actor)
{
    public string? StepName { get; init; }

    public override string Name => "add-signer";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        RequireRunning(run);
        if (!run.Model.Contains(NodeId) || run.Model.Place(NodeId).Node is not ParallelNode block)
            throw new CommandRejectedException("not-a-joint-review", $"'{NodeId}' is not a joint review (parallel node)");
        var parent = run.Tokens.Find(t => t.IsLive && t.NodeId == NodeId && run.Children(t).Any(c => c.Status != TokenStatus.Arrived))
            ?? throw new StateConflictException("joint-review-not-open", $"joint review '{block.Name}' is not open on this case");
        var taken = run.Children(parent).Select(c => c.BranchId).ToHashSet();
        var n = 1;
        while (taken.Contains($"加签-{n}")) n++;
        var child = run.NewToken(parent, $"加签-{n}");
        child.NodeId = $"{NodeId}/加签-{n}";
        run.OpenVisit(child, child.NodeId, NodeKind.Task, Department);
        var item = run.OpenWorkItem(child, child.NodeId, StepName ?? $"加签：{Department}", Department, Role);
        run.Journal("signer-added", NodeId, new { branch = child.BranchId, workItem = item.Id, department = Department, role = Role });
        if (!run.Model.NamesDepartment(Department))
            run.Clock.Hit(OversightRules.SignerOutsideProcess, $"「{block.Name}」加签流程外部门{Department}", NodeId, Actor.Department ?? block.Lead);
        return Task.CompletedTask;
    }
}

/// <summary>Retries the step an incident stopped, optionally after correcting case data (补录).</summary>
public sealed record RetryIncident(Guid CaseId, Guid IncidentId, Actor Actor) : CaseIdCommand(CaseId, Actor)
{
    public JsonObject? CorrectedData { get; init; }

    public override string Name => "retry-incident";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        RequireRunning(run);
        var incident = run.OpenIncidents.Find(i => i.Id == IncidentId && i.ResolvedAt is null)
            ?? throw new StateConflictException("incident-not-open", $"incident {IncidentId} is not open on this case");
        if (CorrectedData is { Count: > 0 })
        {
            run.MergeData(CorrectedData);
            run.Journal("data-corrected", incident.NodeId, new { data = CorrectedData });
        }
        run.Resolve(incident);
        var token = run.Tokens.Find(t => t.Id == incident.TokenId) ?? throw new InvalidOperationException($"incident {incident.Id} has no live token");
        var node = run.Model.Place(incident.NodeId).Node;
        token.Status = TokenStatus.Active;
        // A task or joint review had finished and only its way out failed; other nodes run again from their start.
        if (node is TaskNode or ParallelNode) run.Leave(token, node, incident.Outcome, Verdict.Other, null);
        else run.Enter(token, node);
        run.Drain();
        foreach (var again in run.OpenIncidents.Where(i => i.TokenId == token.Id && i.ResolvedAt is null && i.Id != incident.Id))
            again.Attempts = incident.Attempts + 1;
        return Task.CompletedTask;
    }
}
