using Bpm.Definitions;
using Bpm.Definitions.Model;
using Bpm.Engine;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Bpm.Storage.Supervision;

namespace Bpm.Server.Analytics;

public sealed record GenerateOptions(int Cases, int Seed, DateOnly From, DateOnly To, DateTime Now);

/// <summary>What one power contributes: its stored version and the steps a case walks through it.</summary>
internal sealed record PowerPlan(DefinitionVersion Version, ProcessDefinition Definition, IReadOnlyList<Step> Steps, bool Instant, double Weight);

/// <summary>One node on a case's way: a plain node, or a parallel block whose branches run side by side.</summary>
internal sealed record Step(Node Node, string? Department, IReadOnlyList<IReadOnlyList<Step>> Branches);

/// <summary>Everything generated for one case.</summary>
internal sealed record GeneratedCase(Case Case, List<NodeVisit> Visits);

/// <summary>
/// Realistic history for supervision at scale (issue 6 part 8): cases spread over the working days of the window,
/// walking each catalog power's steps with working times drawn around each step's limit (about one step in ten late),
/// measured on the engine's <see cref="WorkCalendar"/>, with stop-the-clock suspensions, withdrawals, refusals and
/// still-open cases near <see cref="GenerateOptions.Now"/>. Deterministic for a seed: the same options give the same rows.
/// </summary>
internal sealed class HistoryGenerator
{
    private const int HandlersPerDepartment = 6;
    private readonly GenerateOptions _options;
    private readonly LegalTime _time;
    private readonly WorkCalendar _calendar;
    private readonly IReadOnlyList<PowerPlan> _powers;
    private readonly double _totalWeight;
    private readonly List<DateOnly> _days;
    private readonly Random _random;

    public HistoryGenerator(GenerateOptions options, WorkCalendar calendar, IReadOnlyList<(DefinitionVersion Version, ProcessDefinition Definition)> powers)
    {
        _options = options;
        _calendar = calendar;
        _time = new LegalTime(calendar, new SupervisionPolicy());
        _random = new Random(options.Seed);
        _powers = powers.OrderBy(p => p.Version.PowerCode, StringComparer.Ordinal).Select((p, i) => new PowerPlan(
            p.Version, p.Definition, Steps(p.Definition.Nodes, p.Definition.Power.Subject), p.Definition.Power.Handling == HandlingKind.Instant,
            // Busy and quiet powers: 即办件 and common licences are filed far more often than penalties.
            p.Definition.Power.Handling == HandlingKind.Instant ? 3.0 : 1.0 + (i * 7 % 5) * 0.5)).ToList();
        _totalWeight = _powers.Sum(p => p.Weight);
        _days = [];
        for (var day = options.From; day < options.To; day = day.AddDays(1))
            if (calendar.IsWorkingDay(day)) _days.Add(day);
        if (_days.Count == 0) throw new ArgumentException("the window has no working days");
    }

    public IEnumerable<GeneratedCase> Cases()
    {
        for (var i = 0; i < _options.Cases; i++) yield return Case();
    }

    private GeneratedCase Case()
    {
        var plan = PickPower();
        var day = _days[_random.Next(_days.Count)];
        // Filed during office hours: 09:00–17:00 Beijing.
        var applied = CaseEngine.Truncate(_calendar.ToUtc(day.ToDateTime(new TimeOnly(9, 0)).AddMinutes(_random.Next(8 * 60))));
        var @case = new Case
        {
            Id = NewId(), DefinitionVersionId = plan.Version.Id, PowerCode = plan.Version.PowerCode, Version = plan.Version.Version,
            Status = CaseStatus.Running, ApplicantId = $"9133{_random.Next(100_000_000):D9}X", ApplicantName = "申请人" + _random.Next(100_000),
            AppliedAt = applied, JournalHead = "", Data = "{}",
        };
        var visits = new List<NodeVisit>();
        // The case's fate: most granted, some refused, not accepted or withdrawn part-way.
        var fate = _random.NextDouble();
        var ending = fate < 0.84 ? "granted" : fate < 0.91 ? "refused" : fate < 0.95 ? "not-accepted" : "withdrawn";
        var taskCount = plan.Steps.Count(s => s.Node is TaskNode or ParallelNode);
        var withdrawAt = ending == "withdrawn" ? 1 + _random.Next(Math.Max(1, taskCount - 1)) : int.MaxValue;
        var suspendAt = _random.NextDouble() < 0.06 ? 1 + _random.Next(Math.Max(1, taskCount - 1)) : -1;
        var now = _options.Now;
        var cursor = applied;
        var tasksDone = 0;
        var open = false;
        foreach (var step in plan.Steps)
        {
            if (open) break;
            if (step.Node is EndNode) continue;
            var isTask = step.Node is TaskNode or ParallelNode;
            if (isTask && tasksDone == withdrawAt) { ending = "withdrawn"; break; }
            var (left, stillOpen) = Walk(@case, step, cursor, visits, suspend: isTask && tasksDone == suspendAt);
            if (stillOpen) { open = true; break; }
            cursor = left;
            if (isTask)
            {
                tasksDone++;
                if (tasksDone == 1) Accept(@case, plan, left);
                if (tasksDone == 1 && ending == "not-accepted") break;
                if (ending == "refused" && tasksDone >= Math.Max(2, taskCount - 1)) break;
            }
        }
        if (open)
        {
            Lights(@case, visits, now);
            return new GeneratedCase(@case, visits);
        }
        var end = plan.Definition.Nodes.OfType<EndNode>().FirstOrDefault(e => e.Result == ending switch
        {
            "granted" => EndResult.Granted,
            "refused" => EndResult.Refused,
            "not-accepted" => EndResult.NotAccepted,
            _ => EndResult.Withdrawn,
        });
        if (ending != "withdrawn" && end is not null) visits.Add(Visit(@case, end, null, cursor, cursor, null, "完成", null));
        @case.Status = ending == "withdrawn" ? CaseStatus.Withdrawn : CaseStatus.Completed;
        @case.Result = ending == "withdrawn" ? "撤回" : end?.Name ?? ending switch { "granted" => "准予", "refused" => "不予", _ => "不予受理" };
        @case.EndedAt = cursor;
        @case.DecidedAt = cursor;
        @case.WorkingMs = Math.Max(0, (long)_time.Working(@case.AcceptedAt ?? applied, cursor).TotalMilliseconds - @case.SuspendedMs);
        var due = @case.PromisedDue ?? @case.LegalDue;
        @case.Light = @case.LegalDue is { } legal && cursor > legal ? Light.RedCard : due is { } d && cursor > d ? Light.Red : Light.Green;
        return new GeneratedCase(@case, visits);
    }

    /// <summary>Runs one step from <paramref name="entered"/>; returns when it is left, or that it is still open at Now.</summary>
    private (DateTime Left, bool Open) Walk(Case @case, Step step, DateTime entered, List<NodeVisit> visits, bool suspend)
    {
        if (entered > _options.Now) return (entered, true);
        if (step.Node is ParallelNode block)
        {
            var blockVisit = Visit(@case, block, step.Department, entered, null, block.Limit is { } l ? _time.DueAt(entered, l) : null, null, null);
            visits.Add(blockVisit);
            var latest = entered;
            var anyOpen = false;
            foreach (var branch in step.Branches)
            {
                var at = entered;
                foreach (var inner in branch)
                {
                    var (left, open) = Walk(@case, inner, at, visits, suspend: false);
                    if (open) { anyOpen = true; break; }
                    at = left;
                }
                if (at > latest) latest = at;
            }
            if (anyOpen || latest > _options.Now) return (latest, true);
            Close(blockVisit, latest, "同意", null);
            return (latest, false);
        }
        if (step.Node is not TaskNode task)
        {
            visits.Add(Visit(@case, step.Node, null, entered, entered, null, step.Node is StartNode ? null : "完成", null));
            return (entered, false);
        }
        var limit = task.Limit ?? new Duration(3, TimeUnit.WorkingDay);
        var due = _time.DueAt(entered, limit);
        var limitMs = Math.Max(TimingResolution.BucketMs, _time.Working(entered, due).TotalMilliseconds);
        // Log-normal around 45% of the limit: about one step in ten runs over.
        var factor = Math.Exp(Math.Log(0.45) + 0.6 * Gaussian());
        var working = TimeSpan.FromMilliseconds(Math.Max(60_000, limitMs * factor));
        var suspended = suspend ? TimeSpan.FromHours(_calendar.WorkingDayLength.TotalHours * (1 + _random.Next(10))) : TimeSpan.Zero;
        var visit = Visit(@case, task, task.Department, entered, null, suspended > TimeSpan.Zero ? _time.AddWorking(due, suspended) : due, null, null);
        visits.Add(visit);
        var leftAt = CaseEngine.Truncate(_time.AddWorking(entered, working + suspended));
        if (suspended > TimeSpan.Zero)
        {
            visit.SuspendedMs = (long)suspended.TotalMilliseconds;
            @case.SuspendedMs += visit.SuspendedMs;
            if (@case.PromisedDue is { } promised) @case.PromisedDue = _time.AddWorking(promised, suspended);
            if (@case.LegalDue is { } legalDue) @case.LegalDue = _time.AddWorking(legalDue, suspended);
            var suspendedFrom = _time.AddWorking(entered, working / 2);
            if (suspendedFrom <= _options.Now && _options.Now < _time.AddWorking(suspendedFrom, suspended)) @case.SuspendedSince = suspendedFrom;
        }
        if (leftAt > _options.Now) return (leftAt, true);
        var handler = $"{task.Department}-经办人{1 + _random.Next(HandlersPerDepartment)}";
        Close(visit, leftAt, task.Outcomes.Count > 0 ? task.Outcomes[0].Name : "同意", handler);
        return (leftAt, false);
    }

    private void Accept(Case @case, PowerPlan plan, DateTime at)
    {
        @case.AcceptedAt = at;
        @case.PromisedDue = _time.DueAt(at, plan.Definition.Limits.Promised);
        @case.LegalDue = _time.DueAt(at, plan.Definition.Limits.Legal);
    }

    /// <summary>Lights of an open case at Now, as the timers would have left them.</summary>
    private void Lights(Case @case, List<NodeVisit> visits, DateTime now)
    {
        foreach (var visit in visits.Where(v => v.LeftAt is null && v.DueAt is not null))
        {
            var remaining = _time.Working(now, visit.DueAt!.Value);
            visit.Light = now > visit.DueAt ? Light.Red : remaining <= _calendar.WorkingDayLength ? Light.Yellow : Light.Green;
        }
        if (@case.LegalDue is { } legal && now > legal) @case.Light = Light.RedCard;
        else if (@case.PromisedDue is { } promised && now > promised) @case.Light = Light.Red;
        else if (@case.PromisedDue is { } p && _time.Working(now, p) <= _calendar.WorkingDayLength) @case.Light = Light.Yellow;
    }

    private NodeVisit Visit(Case @case, Node node, string? department, DateTime entered, DateTime? left, DateTime? due, string? outcome, string? handler) => new()
    {
        Id = NewId(), CaseId = @case.Id, TokenId = @case.Id, DefinitionVersionId = @case.DefinitionVersionId, PowerCode = @case.PowerCode,
        Version = @case.Version, NodeId = node.Id, NodeKind = Vocabulary.NodeKinds[node.Kind], Department = department,
        EnteredAt = entered, LeftAt = left, Outcome = outcome, Handler = handler, DueAt = due is { } d ? CaseEngine.Truncate(d) : null,
        WorkingMs = left is null ? null : 0,
    };

    private void Close(NodeVisit visit, DateTime left, string outcome, string? handler)
    {
        visit.LeftAt = left;
        visit.Outcome = outcome;
        visit.Handler = handler;
        visit.WorkingMs = Math.Max(0, (long)_time.Working(visit.EnteredAt, left).TotalMilliseconds - visit.SuspendedMs);
        if (visit.DueAt is { } due && left > due) visit.Light = Light.Red;
    }

    private PowerPlan PickPower()
    {
        var x = _random.NextDouble() * _totalWeight;
        foreach (var plan in _powers)
        {
            x -= plan.Weight;
            if (x < 0) return plan;
        }
        return _powers[^1];
    }

    private double Gaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)(bytes[7] & 0x0F | 0x40); // version 4 layout, drawn from the seeded generator
        return new Guid(bytes);
    }

    /// <summary>The nodes in document order, ends last; a parallel block keeps its branches' nodes.</summary>
    private static List<Step> Steps(IEnumerable<Node> nodes, string subject) => nodes.Select(node => node switch
    {
        ParallelNode block => new Step(block, block.Lead, block.Branches.Select(b => (IReadOnlyList<Step>)Steps(b.Nodes, subject)).ToList()),
        TaskNode task => new Step(task, task.Department, []),
        _ => new Step(node, null, []),
    }).ToList();
}
