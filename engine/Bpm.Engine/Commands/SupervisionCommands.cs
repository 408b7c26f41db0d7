using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Commands;

// The 督办 lifecycle (domain.md §3): a rule hit or a supervisor opens the order (已发出); the addressed department signs
// for it (已签收) and answers with an explanation or a rectification (已反馈); the supervisor accepts it (审核通过结案) or
// returns it (退回重办) with a new deadline. A deadline that passes unanswered escalates (逾期未反馈, the SupervisionResponse
// timer). Each step is a case command, so it is journaled with the case and saved in one transaction.

/// <summary>Looks up an open order of the case and checks the department acting on it.</summary>
internal static class OpenOrder
{
    public static SupervisionOrder Of(CaseRun run, Guid orderId) =>
        run.OpenOrders.Find(o => o.Id == orderId)
        ?? throw new StateConflictException("order-not-open", $"supervision order {orderId} is not open on this case (closed, or of another case)");

    /// <summary>Only the addressed department (or an administrator, who acts without one) signs and answers.</summary>
    public static void RequireAddressee(Actor actor, SupervisionOrder order)
    {
        if (actor.Department is { } department && department != order.Department)
            throw new ForbiddenException("other-department", $"supervision order {order.No} is addressed to {order.Department}, not {department}");
    }
}

/// <summary>
/// 督办 opened by a supervisor (电子监察 staff) on a case of their own choosing, addressed to a department with a
/// response deadline (default: the policy's 5 working days). It changes nothing in how the case is handled.
/// </summary>
public sealed record IssueSupervision(Guid CaseId, Actor Supervisor, string Department, string Content) : CaseIdCommand(CaseId, Supervisor)
{
    public string? NodeId { get; init; }
    public Duration? AnswerWithin { get; init; }

    public override string Name => "issue-supervision";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Department) || string.IsNullOrWhiteSpace(Content))
            throw new CommandRejectedException("supervision-incomplete", "a supervision order names the supervised department and what it is about");
        if (NodeId is { } node && !run.Model.Contains(node))
            throw new CommandRejectedException("unknown-node", $"'{node}' is not a step of {run.Case.PowerCode}");
        if (AnswerWithin is { Value: <= 0 })
            throw new CommandRejectedException("bad-deadline", "the response deadline is a positive number of working days");
        if (!run.Clock.Enabled)
            throw new CommandRejectedException("calendar-missing", "supervision orders need the working-day calendar for their deadline");
        run.Clock.Supervise("manual", run.Case.Light, Content, NodeId, Department, AnswerWithin);
        return Task.CompletedTask;
    }
}

/// <summary>签收: the addressed department takes the order; its deadline runs on unchanged.</summary>
public sealed record SignSupervision(Guid CaseId, Guid OrderId, Actor Actor) : CaseIdCommand(CaseId, Actor)
{
    public override string Name => "sign-supervision";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        var order = OpenOrder.Of(run, OrderId);
        OpenOrder.RequireAddressee(Actor, order);
        if (order.Status is not (SupervisionStatus.Issued or SupervisionStatus.Returned or SupervisionStatus.Overdue) || order.SignedAt is not null)
            throw new StateConflictException("order-signed", $"supervision order {order.No} is already signed for ({order.Status})");
        order.SignedAt = run.Now;
        order.SignedBy = Actor.Id;
        // An overdue order stays overdue (its escalation stands); otherwise it is now 已签收.
        if (order.Status != SupervisionStatus.Overdue) order.Status = SupervisionStatus.Signed;
        order.StatusAt = run.Now;
        run.Journal("supervision-signed", order.NodeId, new { order = order.Id, no = order.No, department = order.Department });
        return Task.CompletedTask;
    }
}

/// <summary>
/// 反馈: the addressed department answers with an explanation (说明) or a rectification (整改). An answer also signs
/// for an order not signed yet; a late answer (after escalation) is still taken, and the escalation stays on record.
/// </summary>
public sealed record AnswerSupervision(Guid CaseId, Guid OrderId, Actor Actor, string Answer) : CaseIdCommand(CaseId, Actor)
{
    public const string Explanation = "说明";
    public const string Rectification = "整改";

    /// <summary>说明 or 整改.</summary>
    public string Kind { get; init; } = Explanation;

    public override string Name => "answer-supervision";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Answer)) throw new CommandRejectedException("answer-required", "a supervision order is answered with an explanation or a rectification");
        if (Kind is not (Explanation or Rectification))
            throw new CommandRejectedException("bad-answer-kind", $"an answer is a {Explanation} (explanation) or a {Rectification} (rectification), not '{Kind}'");
        var order = OpenOrder.Of(run, OrderId);
        OpenOrder.RequireAddressee(Actor, order);
        if (order.Status == SupervisionStatus.Answered)
            throw new StateConflictException("order-answered", $"supervision order {order.No} has been answered; the supervisor accepts or returns it");
        if (order.SignedAt is null)
        {
            order.SignedAt = run.Now;
            order.SignedBy = Actor.Id;
        }
        order.Status = SupervisionStatus.Answered;
        order.AnsweredAt = order.StatusAt = run.Now;
        order.Answer = Answer;
        order.AnswerKind = Kind;
        order.AnsweredBy = Actor.Id;
        run.Clock.Cancel(t => t.SubjectId == order.Id);
        run.Journal("supervision-answered", order.NodeId, new { order = order.Id, no = order.No, kind = Kind, answer = Answer, late = order.EscalatedAt is not null });
        return Task.CompletedTask;
    }
}

/// <summary>退回重办: the supervisor does not accept the answer; the order goes back to the department with a new deadline.</summary>
public sealed record ReturnSupervision(Guid CaseId, Guid OrderId, Actor Supervisor, string Reason) : CaseIdCommand(CaseId, Supervisor)
{
    public Duration? AnswerWithin { get; init; }

    public override string Name => "return-supervision";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Reason)) throw new CommandRejectedException("reason-required", "returning a supervision order says what is still missing");
        if (AnswerWithin is { Value: <= 0 })
            throw new CommandRejectedException("bad-deadline", "the new response deadline is a positive number of working days");
        var order = OpenOrder.Of(run, OrderId);
        if (order.Status != SupervisionStatus.Answered)
            throw new StateConflictException("order-not-answered", $"supervision order {order.No} is {order.Status}; only an answered order can be returned");
        var time = run.Clock.Time;
        order.Status = SupervisionStatus.Returned;
        order.StatusAt = run.Now;
        order.Returns++;
        order.SignedAt = null;
        order.SignedBy = null;
        order.EscalatedAt = null;
        order.ResponseDue = time.DueAt(run.Now, AnswerWithin ?? time.Policy.SupervisionAnswerPeriod);
        run.Clock.Schedule(TimerKind.SupervisionResponse, order.ResponseDue, nodeId: order.NodeId, subject: order.Id);
        run.Journal("supervision-returned", order.NodeId, new { order = order.Id, no = order.No, reason = Reason, responseDue = order.ResponseDue, returns = order.Returns });
        run.Clock.Notify("supervision-issued", order.Department, order.ResponseDue, order.Level, null, order.No);
        return Task.CompletedTask;
    }
}

/// <summary>审核通过结案 (办结销号): a supervisor closes an open 督办 with a conclusion (监察结果描述), answered or not.</summary>
public sealed record CloseSupervision(Guid CaseId, Guid OrderId, Actor Supervisor, string Conclusion) : CaseIdCommand(CaseId, Supervisor)
{
    public override string Name => "close-supervision";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Conclusion)) throw new CommandRejectedException("conclusion-required", "closing a supervision order records its conclusion");
        var order = OpenOrder.Of(run, OrderId);
        var from = order.Status;
        order.Status = SupervisionStatus.Closed;
        order.ClosedAt = order.StatusAt = run.Now;
        order.ClosedBy = Actor.Id;
        order.Conclusion = Conclusion;
        run.OpenOrders.Remove(order);
        run.Clock.Cancel(t => t.SubjectId == order.Id);
        run.Journal("supervision-closed", order.NodeId, new { order = order.Id, no = order.No, from = from.ToString(), conclusion = Conclusion });
        return Task.CompletedTask;
    }
}
