using System.Text.Json.Nodes;
using Bpm.Definitions.Model;
using Bpm.Engine.Discretion;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;

namespace Bpm.Engine.Commands;

/// <summary>签收: the handler takes the work item; nobody else can complete it until it is transferred.</summary>
public sealed record Claim(Guid WorkItemId, Actor Actor) : WorkItemCommand(WorkItemId, Actor)
{
    public override string Name => "claim";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        var item = await OpenItemAsync(run, cancellationToken);
        if (item.Assignee == Actor.Id) return;
        item.Assignee = Actor.Id;
        item.Status = WorkItemStatus.Claimed;
        item.ClaimedAt = run.Now;
        run.Journal("work-item-claimed", item.NodeId, new { workItem = item.Id });
    }
}

/// <summary>办理: completes a work item with one of its node's outcomes, an opinion (审批意见) and form data.</summary>
public sealed record Complete(Guid WorkItemId, Actor Actor, string Outcome) : WorkItemCommand(WorkItemId, Actor)
{
    public string? Opinion { get; init; }
    public JsonObject? Form { get; init; }

    public override string Name => "complete";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        var item = await OpenItemAsync(run, cancellationToken);
        var step = Step.Of(run, item);
        var outcome = step.Outcomes.FirstOrDefault(o => o.Name == Outcome)
            ?? throw new CommandRejectedException("unknown-outcome", $"'{Outcome}' is not an outcome of '{item.NodeName}'; choose one of: {string.Join(", ", step.Outcomes.Select(o => o.Name))}");
        if (outcome.Verdict == Verdict.SendBack)
            throw new CommandRejectedException("send-back-needs-target", $"'{Outcome}' sends the case back: use send-back and name the step to return to");
        // A 处罚决定 step: the fine is checked against the 裁量基准 (rule 17) and the decision journalled with the completion.
        var penalty = await PenaltyDecisionGate.CheckAsync(run, step.Task, outcome.Verdict, Form, cancellationToken);
        Step.Finish(run, item, step, outcome, Opinion, Form, penalty);
    }
}

/// <summary>受理: completes the acceptance step with its approving outcome.</summary>
public sealed record Accept(Guid WorkItemId, Actor Actor) : WorkItemCommand(WorkItemId, Actor)
{
    public string? Opinion { get; init; }
    public JsonObject? Form { get; init; }

    public override string Name => "accept";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        var item = await OpenItemAsync(run, cancellationToken);
        var step = Step.Of(run, item);
        var outcome = step.Outcomes.FirstOrDefault(o => o.Verdict == Verdict.Approve)
            ?? throw new CommandRejectedException("not-an-acceptance-step", $"'{item.NodeName}' has no approving outcome to accept with");
        var penalty = await PenaltyDecisionGate.CheckAsync(run, step.Task, outcome.Verdict, Form, cancellationToken);
        Step.Finish(run, item, step, outcome, Opinion, Form, penalty);
    }
}

/// <summary>不予受理: ends the acceptance step with its rejecting outcome; the reason is required and kept as the opinion.</summary>
public sealed record RejectAcceptance(Guid WorkItemId, Actor Actor, string Reason) : WorkItemCommand(WorkItemId, Actor)
{
    public override string Name => "reject-acceptance";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Reason)) throw new CommandRejectedException("reason-required", "不予受理 needs a reason the applicant can read");
        var item = await OpenItemAsync(run, cancellationToken);
        var step = Step.Of(run, item);
        var outcome = step.Outcomes.FirstOrDefault(o => o.Name == "不予受理") ?? step.Outcomes.FirstOrDefault(o => o.Verdict == Verdict.Reject)
            ?? throw new CommandRejectedException("not-an-acceptance-step", $"'{item.NodeName}' has no rejecting outcome");
        // The not-accepted notice quotes data.rejectReason when the step's form declares it.
        var form = new JsonObject();
        if (step.Form.Any(f => f.Key == "rejectReason")) form["rejectReason"] = Reason;
        Step.Finish(run, item, step, outcome, Reason, form);
    }
}

/// <summary>补正: asks the applicant for missing materials; the case waits for them, off the handlers' clock.</summary>
public sealed record RequestSupplement(Guid WorkItemId, Actor Actor, IReadOnlyList<string> Materials) : WorkItemCommand(WorkItemId, Actor)
{
    public string? Opinion { get; init; }

    public override string Name => "request-supplement";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (Materials.Count == 0 || Materials.Any(string.IsNullOrWhiteSpace))
            throw new CommandRejectedException("materials-required", "a supplement notice (补正告知) must list every missing material at once");
        var item = await OpenItemAsync(run, cancellationToken);
        var step = Step.Of(run, item);
        var outcome = step.Outcomes.FirstOrDefault(o => o.Verdict == Verdict.Supplement)
            ?? throw new CommandRejectedException("no-supplement", $"'{item.NodeName}' has no supplement outcome (补正)");
        run.Journal("supplement-requested", item.NodeId, new { workItem = item.Id, materials = Materials, opinion = Opinion });
        Step.Finish(run, item, step, outcome, Opinion ?? string.Join("、", Materials), null);
    }
}

/// <summary>退回: returns the case to an earlier step of the same branch, or from a joint review to an earlier top-level step.</summary>
public sealed record SendBack(Guid WorkItemId, Actor Actor, string ToNodeId, string Opinion) : WorkItemCommand(WorkItemId, Actor)
{
    public override string Name => "send-back";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Opinion)) throw new CommandRejectedException("opinion-required", "退回 needs an opinion saying what to redo");
        var item = await OpenItemAsync(run, cancellationToken);
        if (!run.Model.Contains(item.NodeId))
            throw new CommandRejectedException("signer-cannot-send-back", "an added signer (加签) gives an opinion; it cannot send the case back");
        if (!run.Model.Contains(ToNodeId))
            throw new CommandRejectedException("unknown-node", $"there is no step '{ToNodeId}' in {run.Case.PowerCode} v{run.Case.Version}");
        var here = run.Model.Place(item.NodeId);
        var target = run.Model.Place(ToNodeId);
        if (target.Node is not (TaskNode or ParallelNode))
            throw new CommandRejectedException("not-a-step", $"'{ToNodeId}' is not a step people work on; send back to a task or a joint review");
        var token = TokenOf(run, item);
        var sameSequence = target.Block?.Id == here.Block?.Id && target.Branch?.Id == here.Branch?.Id;
        if (sameSequence && !here.IsTopLevel && target.Index >= here.Index)
            throw new CommandRejectedException("not-earlier", $"'{ToNodeId}' does not come before '{item.NodeId}' in branch '{here.Branch!.Id}'");
        if (!sameSequence && !target.IsTopLevel)
            throw new CommandRejectedException("other-branch", $"'{ToNodeId}' is in another branch; send back within the branch or to a step before the joint review");
        if (target.IsTopLevel)
        {
            var visits = await run.Session.LoadVisitsAsync(run.Case.Id, cancellationToken);
            if (!visits.Any(v => v.NodeId == ToNodeId && v.LeftAt is not null))
                throw new CommandRejectedException("not-visited", $"the case has not been through '{ToNodeId}' yet; it can only go back to a step it has passed");
        }

        var outcomeName = (here.Node as TaskNode)?.Outcomes.FirstOrDefault(o => o.Verdict == Verdict.SendBack)?.Name ?? "退回";
        run.CompleteWorkItem(item, outcomeName, Opinion);
        run.Journal("sent-back", item.NodeId, new { workItem = item.Id, to = ToNodeId, opinion = Opinion });
        run.CausedBy = item.Id;
        if (sameSequence)
        {
            run.CloseVisit(token, outcomeName, Actor.Id);
            run.Enter(token, target.Node);
            return;
        }
        // Out of a joint review: the whole review starts over later, so every branch stops here.
        run.CloseVisit(token, outcomeName, Actor.Id);
        var root = run.Root(token);
        foreach (var child in run.Children(root).ToList()) run.CancelTree(child, $"退回至{target.Node.Name}：{Opinion}");
        run.CloseVisit(root, outcomeName, Actor.Id);
        run.Enter(root, target.Node);
    }
}

/// <summary>取回: the handler recalls a step they completed, while the step it opened is still untouched.</summary>
public sealed record TakeBack(Guid WorkItemId, Actor Actor) : WorkItemCommand(WorkItemId, Actor)
{
    public override string Name => "take-back";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        RequireRunning(run);
        var item = await run.Session.FindWorkItemAsync(WorkItemId, cancellationToken)
            ?? throw new NotFoundException("work-item", $"work item {WorkItemId} does not exist");
        if (item.Status != WorkItemStatus.Completed)
            throw new StateConflictException("not-completed", $"'{item.NodeName}' is not completed; there is nothing to take back");
        if (item.CompletedBy != Actor.Id)
            throw new ForbiddenException("not-yours", $"'{item.NodeName}' was completed by {item.CompletedBy}; only they can take it back");
        var caused = await run.Session.FindWorkItemsCausedByAsync(item.Id, cancellationToken);
        var next = caused.Count == 1 ? run.WorkItems.Find(w => w.Id == caused[0].Id) : null;
        if (next is null || next.Status != WorkItemStatus.Open || next.Assignee is not null || next.TokenId != item.TokenId)
            throw new StateConflictException("next-step-started",
                "取回 is no longer possible: the next step has been claimed or worked on, or the completion started or ended a joint review");

        var token = TokenOf(run, next);
        next.Status = WorkItemStatus.Cancelled;
        next.CancelReason = $"取回：{item.NodeName}";
        run.CloseVisit(token, "取回", null);
        run.Journal("taken-back", item.NodeId, new { workItem = item.Id, cancelled = next.Id });
        run.Enter(token, run.Model.Place(item.NodeId).Node);
        run.Drain();
        var again = run.WorkItems.Last(w => w.TokenId == token.Id && w.IsOpen);
        again.Assignee = Actor.Id;
        again.Status = WorkItemStatus.Claimed;
        again.ClaimedAt = run.Now;
    }
}

/// <summary>转办: hands an open work item to another handler or department, on the record.</summary>
public sealed record Transfer(Guid WorkItemId, Actor Actor, string Reason) : WorkItemCommand(WorkItemId, Actor)
{
    public string? ToDepartment { get; init; }
    public string? ToAssignee { get; init; }

    public override string Name => "transfer";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (ToDepartment is null && ToAssignee is null)
            throw new CommandRejectedException("no-target", "转办 needs a handler or a department to hand the work item to");
        if (string.IsNullOrWhiteSpace(Reason)) throw new CommandRejectedException("reason-required", "转办 needs a reason");
        var item = await OpenItemAsync(run, cancellationToken);
        var from = new { department = item.Department, assignee = item.Assignee };
        var departmentChanges = ToDepartment is not null && ToDepartment != item.Department;
        if (ToDepartment is not null)
        {
            item.Department = ToDepartment;
            item.Assignee = null;
            item.Status = WorkItemStatus.Open;
            item.ClaimedAt = null;
        }
        if (ToAssignee is not null)
        {
            item.Assignee = ToAssignee;
            item.Status = WorkItemStatus.Claimed;
            item.ClaimedAt = run.Now;
        }
        run.Journal("transferred", item.NodeId, new { workItem = item.Id, from, to = new { department = item.Department, assignee = item.Assignee }, reason = Reason });
        if (departmentChanges && !run.Model.NamesDepartment(item.Department))
            run.Clock.Hit(OversightRules.OutOfProcessStep, $"「{item.NodeName}」转办至流程外部门{item.Department}（原{from.department}）", item.NodeId, from.department);
        if (!departmentChanges) return;
        // Node timing is per department: the new department's time starts now.
        var token = TokenOf(run, item);
        run.CloseVisit(token, "转办", Actor.Id);
        run.OpenVisit(token, item.NodeId, NodeKind.Task, item.Department);
    }
}

/// <summary>What a work item's step offers: the definition's task, or an added signer's fixed 同意/不同意.</summary>
internal sealed record Step(TaskNode? Task, IReadOnlyList<Outcome> Outcomes, IReadOnlyList<FormField> Form)
{
    public static Step Of(CaseRun run, WorkItem item) => run.Model.Contains(item.NodeId)
        ? run.Model.Place(item.NodeId).Node is TaskNode task
            ? new Step(task, task.Outcomes, task.Form)
            : throw new InvalidOperationException($"work item {item.Id} is at '{item.NodeId}', which is not a task")
        : new Step(null, TaskNode.DefaultOutcomes, []);

    /// <summary>Completes the item and moves its token on.</summary>
    /// <param name="penalty">The fine decided at a 处罚决定 step, as checked against the 裁量基准; kept in the journal entry.</param>
    public static void Finish(CaseRun run, WorkItem item, Step step, Outcome outcome, string? opinion, JsonObject? form, PenaltyDecision? penalty = null)
    {
        form ??= [];
        if (run.OpenSuspensions.Any(s => s.TokenId == item.TokenId && s.Effect == "stop-clock"))
            throw new StateConflictException("suspended", $"'{item.NodeName}' is suspended for a special procedure (挂起); end it before completing the step");
        FormCheck.Check(step.Form, form, run.Data, outcome.Verdict == Verdict.Approve);
        if (form.Count > 0) run.MergeData(form);
        run.CompleteWorkItem(item, outcome.Name, opinion);
        item.FormData = form.Count > 0 ? form.ToJsonString() : null;
        run.CausedBy = item.Id;
        run.Journal("work-item-completed", item.NodeId, new { workItem = item.Id, outcome = outcome.Name, opinion, form = form.Count > 0 ? form : null, penalty });
        // Rule 17 refuses a fine outside its band without grounds (the case stays unchanged); one that leaves the band on
        // recorded 从轻/从重/减轻 grounds goes through and is kept as a 预警纠错 hit for the supervisors to review.
        if (penalty is { Adjustment: { } adjustment })
            run.Clock.Hit(OversightRules.DiscretionOutsideBand,
                $"罚款 {penalty.Amount} 元偏离{penalty.Tier}档基准 {penalty.BandAmount}，{adjustment}：{penalty.Grounds ?? penalty.Mitigation}", item.NodeId, item.Department);
        if (item.NodeId == run.Model.AcceptanceNodeId && outcome.Verdict == Verdict.Reject && string.IsNullOrWhiteSpace(opinion))
            run.Clock.Hit(OversightRules.NotAcceptedWithoutReason, $"「{item.NodeName}」以「{outcome.Name}」办结，未说明理由", item.NodeId, item.Department);

        var token = run.Tokens.Find(t => t.Id == item.TokenId) ?? throw new InvalidOperationException($"work item {item.Id} has no live token");
        if (item.NodeId == run.Model.AcceptanceNodeId)
        {
            // 受理 starts the decision clock; a supplement notice in time stops the deemed-acceptance timer (rule 7).
            if (outcome.Verdict == Verdict.Approve) run.Clock.Accepted(run.Now);
            else if (outcome.Verdict == Verdict.Supplement) run.Clock.Cancel(t => t.Kind == TimerKind.DeemedAcceptance);
        }
        if (step.Task is null)
        {
            run.CloseVisit(token, outcome.Name, run.Actor.Id);
            run.EndBranch(token, outcome.Verdict == Verdict.Reject ? Verdict.Reject : Verdict.Approve);
        }
        else if (outcome.Verdict == Verdict.Supplement)
        {
            run.CloseVisit(token, outcome.Name, run.Actor.Id);
            token.Status = TokenStatus.Waiting;
            run.Case.Status = CaseStatus.AwaitingSupplement;
        }
        else run.Leave(token, step.Task, outcome.Name, outcome.Verdict, run.Actor.Id);
    }
}
