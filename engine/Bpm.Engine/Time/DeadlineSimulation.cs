using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;

namespace Bpm.Engine.Time;

/// <summary>One node on the simulated path: when it starts and when it is due, each step taking its whole limit.</summary>
/// <param name="Branch">The joint-review branch the node runs in; null on the top-level flowchart.</param>
public sealed record SimulatedNode(string NodeId, string Name, DateTime StartsAt, DateTime DueAt, Duration? Limit, string? Branch);

/// <summary>Something the analyst should know about the simulated path (a loop, a choice that names no flow …).</summary>
public sealed record SimulationProblem(string Code, string Message, string? NodeId);

/// <summary>The deadlines of one path through a definition for a case accepted on a given day.</summary>
public sealed record DeadlinePlan(
    DateOnly AcceptedOn,
    DateTime AcceptedAt,
    Duration Promised,
    Duration Legal,
    DateTime PromisedDue,
    DateTime LegalDue,
    IReadOnlyList<SimulatedNode> Nodes,
    DateTime PathEnd,
    IReadOnlyList<SimulationProblem> Problems)
{
    public bool ExceedsPromised => PathEnd > PromisedDue;
    public bool ExceedsLegal => PathEnd > LegalDue;
}

/// <summary>
/// Deadline simulation for the designer: walks one path through a definition as if every step used its whole time
/// limit, on the same working-day arithmetic the case clocks use (<see cref="LegalTime.DueAt"/>), so the dates it
/// shows are the dates a real case accepted that day would get. The analyst picks the path: for each task, joint
/// review or decision, an outcome or a target node; otherwise the approving outcome (or the default flow) is taken.
/// Joint-review branches run side by side; the block ends when its join is satisfied (all/veto: the slowest branch,
/// any: the fastest, n-of-m: the n-th), a branch with silence-means-consent ends at its silence timeout at the
/// latest, and the block never runs past its own limit.
/// </summary>
public sealed class DeadlineSimulation(LegalTime time)
{
    public DeadlinePlan Run(ProcessDefinition definition, DateOnly acceptedOn, IReadOnlyDictionary<string, string> choices)
    {
        var calendar = time.Calendar;
        calendar.IsWorkingDay(acceptedOn); // a day outside the loaded years throws CalendarRangeException, never a guess
        // The case is taken as accepted when the office opens that day; on a holiday the clock simply waits for the
        // next working day, as it would for a case accepted online.
        var acceptedAt = calendar.ToUtc(acceptedOn.ToDateTime(calendar.OfficeHours[0].From));
        var legal = CaseClock.LegalLimitOf(definition);
        var walk = new Walk(time, definition, choices);
        walk.FromStart(acceptedAt);
        walk.CheckChoices();
        var plan = new DeadlinePlan(acceptedOn, acceptedAt, definition.Limits.Promised, legal,
            time.DueAt(acceptedAt, definition.Limits.Promised), time.DueAt(acceptedAt, legal), walk.Nodes, walk.End, walk.Problems);
        if (plan.ExceedsLegal)
            walk.Problems.Add(new SimulationProblem("path-exceeds-legal", $"this path needs until {Local(plan.PathEnd)}, after the legal due date {Local(plan.LegalDue)} ({legal})", null));
        else if (plan.ExceedsPromised)
            walk.Problems.Add(new SimulationProblem("path-exceeds-promised", $"this path needs until {Local(plan.PathEnd)}, after the promised due date {Local(plan.PromisedDue)} ({definition.Limits.Promised})", null));
        return plan;

        string Local(DateTime utc) => calendar.ToLocal(utc).ToString("yyyy-MM-dd HH:mm");
    }

    private sealed class Walk(LegalTime time, ProcessDefinition definition, IReadOnlyDictionary<string, string> choices)
    {
        private readonly Dictionary<string, Node> _topLevel = definition.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        private readonly HashSet<string> _usedChoices = new(StringComparer.Ordinal);

        public List<SimulatedNode> Nodes { get; } = [];
        public List<SimulationProblem> Problems { get; } = [];
        public DateTime End { get; private set; }

        public void FromStart(DateTime acceptedAt)
        {
            Node node = definition.Nodes.OfType<StartNode>().First();
            // 受理 is the first step after the application: its own time is spent before the decision clock starts
            // (rule 6), so it and the start node sit at the acceptance moment.
            var acceptance = Next(node, record: false) is { } first && first.Target is TaskNode ? first.Target.Id : null;
            var at = acceptedAt;
            var visited = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                if (!visited.Add(node.Id))
                {
                    Problems.Add(new SimulationProblem("loop", $"the chosen path returns to '{node.Name}' ({node.Id}); choose another outcome to leave the loop", node.Id));
                    break;
                }
                var beforeClock = node is StartNode || node.Id == acceptance;
                var due = beforeClock ? at : Enter(node, at, null);
                if (beforeClock) Nodes.Add(new SimulatedNode(node.Id, node.Name, at, at, LimitOf(node), null));
                at = due;
                if (node is EndNode) break;
                if (Next(node, record: true) is not { } next)
                {
                    Problems.Add(new SimulationProblem("dead-end", $"no flow leaves '{node.Name}' ({node.Id}) on the chosen path", node.Id));
                    break;
                }
                node = next.Target;
            }
            End = at;
        }

        /// <summary>Choices that named a node the path never reached, or no node at all: said, not silently ignored.</summary>
        public void CheckChoices()
        {
            foreach (var nodeId in choices.Keys.Where(k => !_usedChoices.Contains(k)).Order(StringComparer.Ordinal))
                Problems.Add(_topLevel.ContainsKey(nodeId)
                    ? new SimulationProblem("choice-not-on-path", $"the choice for '{nodeId}' was not used: the path does not pass it", nodeId)
                    : new SimulationProblem("unknown-choice-node", $"'{nodeId}' is not a top-level node of this definition", nodeId));
        }

        /// <summary>Records the node (and a block's branch nodes) starting at <paramref name="at"/> and returns when it is done.</summary>
        private DateTime Enter(Node node, DateTime at, string? branch)
        {
            if (node is ParallelNode block) return EnterBlock(block, at, branch);
            var limit = LimitOf(node);
            var due = limit is null ? at : time.DueAt(at, limit);
            Nodes.Add(new SimulatedNode(node.Id, node.Name, at, due, limit, branch));
            return due;
        }

        private DateTime EnterBlock(ParallelNode block, DateTime at, string? outerBranch)
        {
            var index = Nodes.Count;
            Nodes.Add(null!); // the block's own entry, filled in once its end is known, so it lists before its branches
            var blockDue = block.Limit is { } limit ? time.DueAt(at, limit) : (DateTime?)null;
            var ends = new List<DateTime>();
            foreach (var branch in block.Branches)
            {
                var end = at;
                foreach (var node in branch.Nodes) end = Enter(node, end, branch.Id);
                if (branch.Silence is { } silence && time.DueAt(at, silence) < end) end = time.DueAt(at, silence); // 视为同意
                if (blockDue is { } due && end > due)
                    Problems.Add(new SimulationProblem("branch-exceeds-block",
                        $"branch '{branch.Name}' ({branch.Id}) needs until {Local(end)}, after the joint review's limit ends at {Local(due)}", block.Id));
                ends.Add(end);
            }
            ends.Sort();
            var joined = ends.Count == 0 ? at : block.Join switch
            {
                JoinMode.Any => ends[0],
                JoinMode.NOfM => ends[Math.Clamp((block.Quorum ?? ends.Count) - 1, 0, ends.Count - 1)],
                _ => ends[^1],
            };
            if (blockDue is { } cap && joined > cap) joined = cap;
            Nodes[index] = new SimulatedNode(block.Id, block.Name, at, joined, block.Limit, outerBranch);
            return joined;
        }

        /// <summary>The flow the path takes out of a top-level node: the analyst's choice, else the approving one.</summary>
        private (Flow Flow, Node Target)? Next(Node node, bool record)
        {
            var flows = definition.Flows.Where(f => f.From == node.Id).ToList();
            if (flows.Count == 0) return null;
            Flow? flow = null;
            if (record && choices.TryGetValue(node.Id, out var choice))
            {
                _usedChoices.Add(node.Id);
                flow = flows.FirstOrDefault(f => f.On == choice) ?? flows.FirstOrDefault(f => f.To == choice);
                if (flow is null)
                    Problems.Add(new SimulationProblem("unknown-choice",
                        $"'{choice}' is neither an outcome nor a next node of '{node.Name}' ({node.Id}); choose one of {string.Join(", ", flows.Select(f => f.On ?? f.To).Distinct())}", node.Id));
            }
            flow ??= DefaultFlow(node, flows);
            return _topLevel.TryGetValue(flow.To, out var target) ? (flow, target) : null;
        }

        private static Flow DefaultFlow(Node node, List<Flow> flows)
        {
            var outcomes = node switch
            {
                TaskNode task => task.Outcomes.Count > 0 ? task.Outcomes : TaskNode.DefaultOutcomes,
                ParallelNode => TaskNode.DefaultOutcomes,
                _ => ValueList<Outcome>.Empty,
            };
            foreach (var outcome in outcomes.Where(o => o.Verdict == Verdict.Approve))
                if (flows.FirstOrDefault(f => f.On == outcome.Name) is { } approving) return approving;
            return flows.FirstOrDefault(f => f.On is null && f.When is null && !f.Default)
                ?? flows.FirstOrDefault(f => f.Default)
                ?? flows[0];
        }

        private static Duration? LimitOf(Node node) => node switch
        {
            TaskNode task => task.Limit,
            ParallelNode block => block.Limit,
            WaitNode wait => wait.Duration,
            _ => null,
        };

        private string Local(DateTime utc) => time.Calendar.ToLocal(utc).ToString("yyyy-MM-dd HH:mm");
    }
}
