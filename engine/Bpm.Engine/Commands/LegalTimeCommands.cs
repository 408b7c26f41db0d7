using Bpm.Definitions.Model;
using Bpm.Engine.Behaviors;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;

namespace Bpm.Engine.Commands;

/// <summary>
/// 特别程序 that stops the clock (听证, 专家评审, 检验 … as the definition declares for this step): the case and the
/// step stand still until it ends, with approver, reason and budget on record (rule 8).
/// </summary>
public sealed record StartSpecialProcedure(Guid WorkItemId, Actor Actor, string Kind, string Approver, string Reason) : WorkItemCommand(WorkItemId, Actor)
{
    public override string Name => "start-special-procedure";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Approver) || string.IsNullOrWhiteSpace(Reason))
            throw new CommandRejectedException("approval-required", "a special procedure needs its approver (批准人) and its reason or basis (启动理由或依据)");
        var item = await OpenItemAsync(run, cancellationToken);
        var procedure = run.Model.Definition.SpecialProcedures.FirstOrDefault(p =>
            p.Kind == Kind && p.Effect == ProcedureEffect.StopClock && (p.Nodes.Count == 0 || p.Nodes.Contains(item.NodeId)))
            ?? throw new CommandRejectedException("procedure-not-declared",
                $"{run.Case.PowerCode} v{run.Case.Version} declares no stop-the-clock procedure '{Kind}' for '{item.NodeName}'");
        if (run.Case.SuspendedSince is not null)
            throw new StateConflictException("already-suspended", "the case is already suspended for a special procedure; end that one first");
        var suspension = new Suspension
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, TokenId = item.TokenId, NodeId = item.NodeId, Kind = Kind, Effect = "stop-clock",
            Approver = Approver, Reason = Reason, Budget = procedure.Budget?.ToString(), StartedAt = run.Now, RequestedBy = Actor.Id,
        };
        run.OpenSuspensions.Add(suspension);
        run.Session.Add(suspension);
        run.Clock.Suspended(suspension, run.OpenVisits.Find(v => v.TokenId == item.TokenId), procedure.Budget);
        run.Journal("special-procedure-started", item.NodeId, new { suspension = suspension.Id, kind = Kind, approver = Approver, reason = Reason, budget = suspension.Budget, budgetDue = suspension.BudgetDue });
    }
}

/// <summary>Ends a special procedure with its result; the clocks run again with due times shifted by the time they stood still.</summary>
public sealed record EndSpecialProcedure(Guid CaseId, Guid SuspensionId, Actor Actor, string Result) : CaseIdCommand(CaseId, Actor)
{
    public override string Name => "end-special-procedure";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        RequireRunning(run);
        var suspension = run.OpenSuspensions.Find(s => s.Id == SuspensionId)
            ?? throw new StateConflictException("procedure-not-open", $"special procedure {SuspensionId} is not running on this case");
        run.EndSuspension(suspension, Result);
        run.Journal("special-procedure-ended", suspension.NodeId, new { suspension = suspension.Id, result = Result, workingMs = suspension.WorkingMs, promisedDue = run.Case.PromisedDue, legalDue = run.Case.LegalDue });
        return Task.CompletedTask;
    }
}

/// <summary>
/// 延长审批 (特别程序 type 1): lengthens the due times once, within the definition's maximum, with the approval on
/// record (rule 10). Asked after the legal due time it is refused and the lateness is recorded (rule 11).
/// </summary>
public sealed record Extend(Guid CaseId, Actor Actor, string Approver, string Reason, Duration By) : CaseIdCommand(CaseId, Actor)
{
    public override string Name => "extend";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        RequireRunning(run);
        if (string.IsNullOrWhiteSpace(Approver) || string.IsNullOrWhiteSpace(Reason))
            throw new CommandRejectedException("approval-required", "an extension needs the approver (批准人) and the reason told to the applicant");
        var rule = run.Model.Definition.Limits.Extension
            ?? throw new CommandRejectedException("no-extension", $"{run.Case.PowerCode} allows no extension of its time limit");
        if (By.Unit != rule.Max.Unit || By.Value <= 0 || By.Value > rule.Max.Value)
            throw new CommandRejectedException("extension-too-long", $"an extension of {By} exceeds the maximum {rule.Max}");
        if (run.Case.Extensions > 0)
            throw new StateConflictException("already-extended", "the time limit has already been extended once; a second extension is not allowed");
        if (run.Case.LegalDue is not { } legal || run.Case.PromisedDue is not { } promised)
            throw new StateConflictException("not-accepted", "the decision clock has not started (the case is not accepted yet)");
        if (run.Now > legal)
        {
            foreach (var department in run.ResponsibleDepartments())
            {
                run.Clock.Hit(OversightRules.LateExtension, $"延期申请晚于法定时限（{legal:yyyy-MM-dd HH:mm} UTC）提出，按超时办结处理", null, department);
            }
            run.Journal("extension-refused", null, new { approver = Approver, reason = Reason, by = By.ToString(), legalDue = legal });
            run.RefuseAfterSaving(new StateConflictException("extension-too-late",
                $"the legal time limit ended at {legal:yyyy-MM-dd HH:mm} UTC; an extension asked afterwards is refused and recorded as 超时"));
            return Task.CompletedTask;
        }
        var time = run.Clock.Time;
        run.Case.Extensions++;
        run.Case.LegalDue = time.Extend(legal, By);
        run.Case.PromisedDue = time.Extend(promised, By);
        run.Session.Add(new Suspension
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, Kind = "延长审批", Effect = "extend-deadline", Approver = Approver, Reason = Reason,
            Budget = By.ToString(), StartedAt = run.Now, EndedAt = run.Now, Result = "已延长", RequestedBy = Actor.Id,
        });
        run.Clock.Reschedule();
        run.Journal("extended", null, new { approver = Approver, reason = Reason, by = By.ToString(), promisedDue = run.Case.PromisedDue, legalDue = run.Case.LegalDue });
        return Task.CompletedTask;
    }
}

/// <summary>
/// Applies a due timer exactly once: the timer row changes state in the same transaction as its effect, so a repeat
/// (another server, a restart, a misfire catch-up) finds it no longer pending and does nothing.
/// </summary>
public sealed record FireTimer(Guid CaseId, Guid TimerId) : CaseIdCommand(CaseId, Actor.System)
{
    public override string Name => "fire-timer";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        var timer = run.PendingTimers.Find(t => t.Id == TimerId && t.Status == TimerStatus.Pending)
            ?? throw new StateConflictException("timer-not-pending", $"timer {TimerId} has already fired or was cancelled");
        if (timer.DueAt > run.Now) throw new StateConflictException("timer-not-due", $"timer {TimerId} is due at {timer.DueAt:O}, not yet");
        timer.Status = TimerStatus.Fired;
        timer.FiredAt = run.Now;
        run.PendingTimers.Remove(timer);
        run.Journal("timer-fired", timer.NodeId, new { timer = timer.Id, kind = timer.Kind.ToString(), dueAt = timer.DueAt });
        // Oversight outlives the case: a 督办 or a 差评整改 about a finished case still has its deadline.
        if (timer.Kind is TimerKind.RectificationDue or TimerKind.RectificationWarning) return RatingEffects.RectificationTimerAsync(run, timer, cancellationToken);
        if (run.Case.IsOver && timer.Kind != TimerKind.SupervisionResponse) return Task.CompletedTask;
        TimerEffects.Apply(run, timer);
        return Task.CompletedTask;
    }
}

/// <summary>What each kind of timer does when it fires.</summary>
internal static class TimerEffects
{
    public static void Apply(CaseRun run, CaseTimer timer)
    {
        var clock = run.Clock;
        var holders = run.ResponsibleDepartments();
        switch (timer.Kind)
        {
            case TimerKind.CaseWarning:
                Raise(run, Light.Yellow);
                clock.Escalate(timer.Kind, "case-yellow", Light.Yellow, "办件即将到达承诺时限", null, holders, run.Case.PromisedDue, "承诺时限");
                break;
            case TimerKind.CasePromised:
                Raise(run, Light.Red);
                clock.Escalate(timer.Kind, "case-red", Light.Red, "办件已超过承诺时限", null, holders, run.Case.PromisedDue, "承诺时限");
                break;
            case TimerKind.CaseLegal:
                Raise(run, Light.RedCard);
                clock.Escalate(timer.Kind, "case-red-card", Light.RedCard, "办件已超过法定时限", null, holders, run.Case.LegalDue, "法定时限");
                break;
            case TimerKind.NodeWarning or TimerKind.NodeDue:
            {
                var visit = run.OpenVisits.Find(v => v.Id == timer.VisitId);
                if (visit is null) break;
                var light = timer.Kind == TimerKind.NodeWarning ? Light.Yellow : Light.Red;
                if (visit.Light < light) visit.Light = light;
                clock.Escalate(timer.Kind, timer.Kind == TimerKind.NodeWarning ? "node-yellow" : "node-overdue", light,
                    timer.Kind == TimerKind.NodeWarning ? "环节即将超时" : "环节超时", visit.NodeId, visit.Department is { } d ? [d] : run.ResponsibleDepartments(), visit.DueAt, "环节时限");
                run.Journal("light-changed", visit.NodeId, new { visit = visit.Id, light = light.ToString() });
                break;
            }
            case TimerKind.Silence:
                Consent(run, timer);
                break;
            case TimerKind.DeemedAcceptance:
                DeemAccepted(run);
                break;
            case TimerKind.SuspensionBudget:
            {
                var suspension = run.OpenSuspensions.Find(s => s.Id == timer.SubjectId);
                if (suspension is null) break;
                suspension.OverBudget = true;
                clock.Warn("suspension-over-budget", Light.Red, $"特别程序「{suspension.Kind}」已超过申请时限（{suspension.Budget}）", suspension.NodeId, null);
                break;
            }
            case TimerKind.SupervisionResponse:
            {
                var order = run.OpenOrders.Find(o => o.Id == timer.SubjectId);
                if (order is null || order.Status is not (SupervisionStatus.Issued or SupervisionStatus.Signed or SupervisionStatus.Returned)) break;
                order.Status = SupervisionStatus.Overdue;
                order.EscalatedAt = order.StatusAt = run.Now;
                run.Journal("supervision-overdue", order.NodeId, new { order = order.Id, no = order.No, department = order.Department, responseDue = order.ResponseDue });
                if (!run.Case.IsOver) Raise(run, Light.RedCard);
                clock.Escalate(timer.Kind, "supervision-overdue", Light.RedCard, $"督办单{order.No}逾期未反馈", order.NodeId, [order.Department], order.ResponseDue);
                break;
            }
            case TimerKind.Wait:
            {
                var token = run.Tokens.Find(t => t.Id == timer.TokenId && t.IsLive);
                if (token is null) break;
                token.Status = TokenStatus.Active;
                run.Leave(token, run.Model.Place(token.NodeId).Node, null, Verdict.Approve, Actor.System.Id);
                break;
            }
        }
    }

    private static void Raise(CaseRun run, Light light)
    {
        if (run.Case.Light >= light) return;
        run.Case.Light = light;
        run.Journal("light-changed", null, new { light = light.ToString() });
    }

    /// <summary>沉默即同意: the branch's open steps complete as 视为同意, flagged, and the branch consents (rule 14).</summary>
    private static void Consent(CaseRun run, CaseTimer timer)
    {
        var branch = run.Tokens.Find(t => t.Id == timer.TokenId && t.IsLive && t.Status != TokenStatus.Arrived);
        if (branch is null) return;
        foreach (var child in run.Children(branch).ToList()) run.CancelTree(child, "视为同意：沉默期届满");
        foreach (var item in run.WorkItems.Where(w => w.TokenId == branch.Id && w.IsOpen))
        {
            run.CompleteWorkItem(item, "视为同意", "沉默期届满未提出意见，视为同意", deemed: true);
            run.Journal("deemed-consent", item.NodeId, new { workItem = item.Id, department = item.Department, branch = branch.BranchId });
        }
        run.CloseVisit(branch, "视为同意", Actor.System.Id);
        run.EndBranch(branch, Verdict.Approve);
    }

    /// <summary>No supplement notice within the period: accepted as of receipt (rule 7), with a 预警纠错 record.</summary>
    private static void DeemAccepted(CaseRun run)
    {
        if (run.Case.AcceptedAt is not null || run.Case.Status != CaseStatus.Running || run.Model.AcceptanceNodeId is not { } nodeId) return;
        var item = run.WorkItems.Find(w => w.NodeId == nodeId && w.IsOpen);
        if (item is null) return;
        var task = (TaskNode)run.Model.Place(nodeId).Node;
        var outcome = task.Outcomes.First(o => o.Verdict == Verdict.Approve);
        run.CompleteWorkItem(item, outcome.Name, "逾期未告知补正，自收到申请材料之日起视为受理", deemed: true);
        run.CausedBy = item.Id;
        run.Clock.Accepted(run.Case.AppliedAt);
        run.Journal("deemed-accepted", nodeId, new { workItem = item.Id, acceptedAt = run.Case.AppliedAt });
        run.Clock.Hit(OversightRules.NoSupplementNotice, "收件后逾期未一次性告知补正，视为受理", nodeId, item.Department);
        var token = run.Tokens.Find(t => t.Id == item.TokenId)!;
        run.Leave(token, task, outcome.Name, Verdict.Approve, Actor.System.Id);
    }
}
