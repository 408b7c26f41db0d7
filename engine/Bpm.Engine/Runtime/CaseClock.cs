using System.Globalization;
using Bpm.Definitions.Model;
using Bpm.Engine.State;
using Bpm.Engine.Time;

namespace Bpm.Engine.Runtime;

/// <summary>
/// The legal clocks of one case during one command: due times, working time spent, lights, and the timers that
/// turn them, all written into the command's own transaction. Without a calendar (an engine built without one)
/// the clocks stay off and nothing here writes anything.
/// </summary>
public sealed class CaseClock(CaseRun run, LegalTime? time)
{
    private CaseLimits Limits => run.Model.Definition.Limits;

    public bool Enabled => time is not null;

    public LegalTime Time => time ?? throw new InvalidOperationException("the engine has no working-day calendar");

    // ---- the case's decision clock ------------------------------------------------------------------------------

    /// <summary>At application: 即办件 clocks start now (same working day); otherwise the deemed-acceptance timer (rule 7).</summary>
    public void Applied()
    {
        if (time is null) return;
        if (run.Model.Definition.Power.Handling == HandlingKind.Instant) Accepted(run.Case.AppliedAt);
        else if (Limits.SupplementNotice is { } notice)
            Schedule(TimerKind.DeemedAcceptance, time.DueAt(run.Case.AppliedAt, notice));
    }

    /// <summary>受理: the decision clock starts (rule 6); due times follow from the limits, a joint case capped at 45 working days (rule 12).</summary>
    public void Accepted(DateTime at)
    {
        if (time is null || run.Case.AcceptedAt is not null) return;
        run.Case.AcceptedAt = at;
        Cancel(t => t.Kind == TimerKind.DeemedAcceptance);
        run.Case.PromisedDue = time.DueAt(at, Limits.Promised);
        run.Case.LegalDue = time.DueAt(at, LegalLimitOf(run.Model.Definition));
        // The clock's start and the due times it set, on record: the indicators are replayed from the journal
        // (JournalFacts), and nothing earlier in the chain says when 受理 counted from or what was promised.
        run.Journal("accepted", null, new { acceptedAt = at, promisedDue = run.Case.PromisedDue, legalDue = run.Case.LegalDue });
        Reschedule();
    }

    /// <summary>
    /// The legal limit the case clock runs on: the definition's, under the joint-handling cap (许可法 Art. 42 ¶2) of
    /// 45 working days when several departments review in parallel. The designer's deadline simulation uses it too.
    /// </summary>
    public static Duration LegalLimitOf(ProcessDefinition definition) =>
        definition.Nodes.Any(n => n is ParallelNode) && definition.Limits.Legal is { Unit: TimeUnit.WorkingDay, Value: > 45 } legal
            ? legal with { Value = 45 }
            : definition.Limits.Legal;

    /// <summary>Sets the case light for now and schedules the transitions still ahead (after acceptance, a suspension or an extension).</summary>
    public void Reschedule()
    {
        if (time is null || run.Case.AcceptedAt is not { } start || run.Case.PromisedDue is not { } promised || run.Case.LegalDue is not { } legal) return;
        Cancel(t => t.Kind is TimerKind.CaseWarning or TimerKind.CasePromised or TimerKind.CaseLegal);
        if (run.Case.SuspendedSince is not null || run.Case.IsOver) return;
        var warnAt = time.WarnAt(start, promised, Limits.Promised, run.Model.Definition.Supervision?.Warning);
        var now = run.Now;
        var light = now > legal ? Light.RedCard : now > promised ? Light.Red : now >= warnAt ? Light.Yellow : Light.Green;
        // A light only goes back when an extension moved the due times; violations (red card by 督办) stay.
        if (run.Case.Light != Light.RedCard || now > legal) run.Case.Light = light;
        if (light < Light.Yellow) Schedule(TimerKind.CaseWarning, warnAt);
        if (light < Light.Red) Schedule(TimerKind.CasePromised, promised);
        if (light < Light.RedCard) Schedule(TimerKind.CaseLegal, legal);
    }

    /// <summary>The first moment only one result remains: 决定作出; a grant starts the 制证/送达 clock (rule 15).</summary>
    public void Decided(EndResult result)
    {
        if (run.Case.DecidedAt is not null) return;
        run.Case.DecidedAt = run.Now;
        if (time is not null && result == EndResult.Granted && Limits.Certificate is { } certificate)
            run.Case.CertificateDue = time.DueAt(run.Now, certificate);
    }

    /// <summary>
    /// A stop-the-clock procedure starts (rule 8): the case's clock and the step's stand still, so their timers go;
    /// the procedure's own budget gets a timer (rule 9).
    /// </summary>
    public void Suspended(Suspension suspension, NodeVisit? visit, Duration? budget)
    {
        run.Case.SuspendedSince = suspension.StartedAt;
        Cancel(t => t.Kind is TimerKind.CaseWarning or TimerKind.CasePromised or TimerKind.CaseLegal || (visit is not null && t.VisitId == visit.Id));
        if (time is null || budget is null) return;
        suspension.BudgetDue = time.DueAt(suspension.StartedAt, budget);
        Schedule(TimerKind.SuspensionBudget, suspension.BudgetDue.Value, nodeId: suspension.NodeId, subject: suspension.Id);
    }

    /// <summary>
    /// The procedure ended: due times of the case and of the step shift by the working time the clock stood still,
    /// and the timers for the lights not yet reached are set again.
    /// </summary>
    public void Resumed(Suspension suspension, NodeVisit? visit)
    {
        var stood = time is null ? TimeSpan.Zero : time.Working(suspension.StartedAt, run.Now);
        suspension.WorkingMs = (long)stood.TotalMilliseconds;
        run.Case.SuspendedSince = null;
        run.Case.SuspendedMs += suspension.WorkingMs.Value;
        if (visit is not null) visit.SuspendedMs += suspension.WorkingMs.Value;
        if (time is null) return;
        if (run.Case.PromisedDue is { } promised) run.Case.PromisedDue = time.AddWorking(promised, stood);
        if (run.Case.LegalDue is { } legal) run.Case.LegalDue = time.AddWorking(legal, stood);
        if (visit?.DueAt is { } due && run.Model.Contains(visit.NodeId) && run.Model.Place(visit.NodeId).Node is TaskNode { Limit: { } limit } task)
        {
            visit.DueAt = time.AddWorking(due, stood);
            // Warn against the limit as if the visit had started later by the time it stood still.
            var start = time.AddWorking(visit.EnteredAt, TimeSpan.FromMilliseconds(visit.SuspendedMs));
            if (visit.Light < Light.Yellow) Schedule(TimerKind.NodeWarning, time.WarnAt(start, visit.DueAt.Value, limit, task.Warning), visit: visit);
            if (visit.Light < Light.Red) Schedule(TimerKind.NodeDue, visit.DueAt.Value, visit: visit);
        }
        Reschedule();
    }

    /// <summary>
    /// The case is over: its clocks stop. Oversight deadlines outlive it: a 督办's answer period and a 差评整改's deadline
    /// keep their timers, since the department still owes the answer.
    /// </summary>
    public void Ended()
    {
        Cancel(t => t.Kind is not (TimerKind.SupervisionResponse or TimerKind.RectificationDue or TimerKind.RectificationWarning));
        if (time is null) return;
        var from = run.Case.AcceptedAt ?? run.Case.AppliedAt;
        run.Case.WorkingMs = Math.Max(0, (long)time.Working(from, run.Now).TotalMilliseconds - run.Case.SuspendedMs);
    }

    // ---- node clocks --------------------------------------------------------------------------------------------

    public void VisitOpened(NodeVisit visit, Node node)
    {
        if (time is null) return;
        var (limit, warning) = node switch
        {
            TaskNode task => (task.Limit, task.Warning),
            ParallelNode block => (block.Limit, (WarningThreshold?)null),
            _ => (null, null),
        };
        if (limit is null) return;
        visit.DueAt = time.DueAt(visit.EnteredAt, limit);
        Schedule(TimerKind.NodeWarning, time.WarnAt(visit.EnteredAt, visit.DueAt.Value, limit, warning), visit: visit);
        Schedule(TimerKind.NodeDue, visit.DueAt.Value, visit: visit);
    }

    public void VisitClosed(NodeVisit visit)
    {
        Cancel(t => t.VisitId == visit.Id);
        if (time is null || visit.LeftAt is not { } left) return;
        visit.WorkingMs = Math.Max(0, (long)time.Working(visit.EnteredAt, left).TotalMilliseconds - visit.SuspendedMs);
    }

    // ---- timers -------------------------------------------------------------------------------------------------

    public CaseTimer Schedule(TimerKind kind, DateTime dueAt, NodeVisit? visit = null, Token? token = null, string? nodeId = null, Guid? subject = null)
    {
        var timer = new CaseTimer
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, Kind = kind, DueAt = CaseEngine.Truncate(dueAt), Status = TimerStatus.Pending,
            VisitId = visit?.Id, TokenId = token?.Id ?? visit?.TokenId, NodeId = nodeId ?? visit?.NodeId, SubjectId = subject, CreatedAt = run.Now,
        };
        run.PendingTimers.Add(timer);
        run.Session.Add(timer);
        return timer;
    }

    public void Cancel(Func<CaseTimer, bool> which)
    {
        foreach (var timer in run.PendingTimers.Where(t => t.Status == TimerStatus.Pending && which(t)).ToList())
        {
            timer.Status = TimerStatus.Cancelled;
            run.PendingTimers.Remove(timer);
        }
    }

    // ---- escalation ---------------------------------------------------------------------------------------------

    /// <summary>Records a warning and does what the policy says for this kind: notify, open a 督办, charge points.</summary>
    public void Escalate(TimerKind kind, string warningKind, Light light, string message, string? nodeId, IReadOnlyList<string> departments, DateTime? due, string? limitName = null)
    {
        var fallback = time?.Policy.Escalations.GetValueOrDefault(kind) ?? new Escalation();
        var declared = run.Model.Definition.Supervision?.Escalations.FirstOrDefault(r => Escalation.TimerOf(r.On) == kind);
        var escalation = declared is null ? fallback : Escalation.From(declared, fallback);
        foreach (var department in departments.Distinct())
        {
            if (escalation.Warn) Warn(warningKind, light, message, nodeId, department);
            if (escalation.Notify is { } notice) Notify(notice, department, due, light, limitName, null);
            if (escalation.Supervise) Supervise(warningKind, light, message, nodeId, department, escalation.AnswerWithin);
            if (escalation.PointsFor is { } points) Charge(points, department, escalation.Points);
        }
    }

    public Warning Warn(string kind, Light light, string message, string? nodeId, string? department)
    {
        var warning = new Warning
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, PowerCode = run.Case.PowerCode, NodeId = nodeId, Department = department,
            Kind = kind, Light = light, Message = message, At = run.Now,
        };
        run.Session.Add(warning);
        run.Journal("warning", nodeId, new { kind, light = light.ToString(), department, message });
        return warning;
    }

    public void Notify(string template, string department, DateTime? due, Light light, string? limitName, string? order)
    {
        if (time is null || !time.Policy.Notices.TryGetValue(template, out var notice)) return;
        var model = new Dictionary<string, object?>
        {
            ["case"] = new Dictionary<string, object?> { ["no"] = CaseNumber.Of(run.Case) },
            ["power"] = new Dictionary<string, object?> { ["name"] = run.Model.Definition.Power.Name, ["code"] = run.Case.PowerCode },
            ["department"] = department,
            ["due"] = due is { } d ? time.Calendar.ToLocal(d).ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture) : null,
            ["light"] = LightName(light),
            ["limit"] = limitName,
            ["order"] = order,
        };
        run.Session.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, Kind = template, Recipient = department,
            Subject = notice.Subject, Body = run.Services.Documents.RenderText($"notice:{template}", notice.Body, model), CreatedAt = run.Now,
        });
    }

    public SupervisionOrder Supervise(string rule, Light level, string content, string? nodeId, string department, Duration? answerWithin = null, Guid? ruleHit = null)
    {
        var order = new SupervisionOrder
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, No = $"DB{run.Now:yyyyMMdd}-{Guid.CreateVersion7().ToString("N")[^6..].ToUpperInvariant()}",
            Rule = rule, Level = level, Department = department, Supervisor = Time.Policy.Supervisor, NodeId = nodeId, Content = content,
            IssuedAt = run.Now, ResponseDue = Time.DueAt(run.Now, answerWithin ?? Time.Policy.SupervisionAnswerPeriod), Status = SupervisionStatus.Issued,
            RuleHitId = ruleHit, StatusAt = run.Now,
        };
        run.OpenOrders.Add(order);
        run.Session.Add(order);
        Schedule(TimerKind.SupervisionResponse, order.ResponseDue, nodeId: nodeId, subject: order.Id);
        run.Journal("supervision-issued", nodeId, new { order = order.Id, no = order.No, department, rule, responseDue = order.ResponseDue, ruleHit });
        Notify("supervision-issued", department, order.ResponseDue, level, null, order.No);
        return order;
    }

    /// <summary>
    /// 预警纠错: records a rule hit against the department, with its 预警 and journal entry, charges the rule's points
    /// and, when the policy says so, opens a 督办 about it. Without a calendar (no policy) only the hit is kept.
    /// </summary>
    public RuleHit Hit(string rule, string detail, string? nodeId, string department)
    {
        var action = time?.Policy.RuleHits.GetValueOrDefault(rule) ?? OversightRules.Defaults.GetValueOrDefault(rule) ?? new RuleHitAction(rule, Light.Red, false);
        var hit = new RuleHit
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, PowerCode = run.Case.PowerCode, Rule = rule, Level = action.Level,
            NodeId = nodeId, Department = department, Detail = detail, Actor = run.Actor.Id, At = run.Now,
        };
        run.Session.Add(hit);
        run.Journal("rule-hit", nodeId, new { hit = hit.Id, rule, name = action.Name, level = action.Level.ToString(), department, detail });
        Warn(rule, action.Level, $"{action.Name}：{detail}", nodeId, department);
        Charge(rule, department);
        if (time is not null && action.Supervise)
            hit.OrderId = Supervise(rule, action.Level, $"{action.Name}：{detail}", nodeId, department, ruleHit: hit.Id).Id;
        return hit;
    }

    private readonly List<(string EventKind, string Department, decimal? Points)> _charges = [];

    /// <summary>
    /// Notes points to charge: the amount given (a definition's own), else the rule table's for the event kind;
    /// <see cref="SettleAsync"/> applies the monthly cap before saving.
    /// </summary>
    public void Charge(string eventKind, string department, decimal? points = null) => _charges.Add((eventKind, department, points));

    /// <summary>Writes the noted points, each department within its monthly cap (counting what was charged before).</summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        if (time is null || _charges.Count == 0) return;
        var period = time.Calendar.ToLocal(run.Now).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var charged = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (eventKind, department, given) in _charges)
        {
            var points = given ?? time.Policy.Points.GetValueOrDefault(eventKind);
            if (points <= 0) continue;
            if (!charged.TryGetValue(department, out var before))
                before = await run.Session.PenaltyPointsAsync(department, period, cancellationToken);
            var allowed = Math.Min(points, time.Policy.PointsCapPerMonth - before);
            charged[department] = before + Math.Max(0, allowed);
            if (allowed <= 0) continue;
            run.Session.Add(new PenaltyPoint
            {
                Id = Guid.CreateVersion7(), Department = department, CaseId = run.Case.Id, EventKind = eventKind, Points = allowed, Period = period, At = run.Now,
            });
            run.Journal("points-charged", null, new { department, eventKind, points = allowed, period });
        }
        _charges.Clear();
    }

    public static string LightName(Light light) => light switch
    {
        Light.Green => "绿灯",
        Light.Yellow => "黄灯",
        Light.Red => "红灯",
        _ => "红牌",
    };
}
