using System.Collections.Frozen;
using Bpm.Definitions.Model;
using Bpm.Engine.State;

namespace Bpm.Engine.Runtime;

/// <summary>Where a node sits: on the top-level flowchart, or at a position in a joint review's branch.</summary>
public sealed record NodePlace(Node Node, ParallelNode? Block, Branch? Branch, int Index)
{
    public bool IsTopLevel => Block is null;

    /// <summary>The next node of the branch sequence, or null at the branch's end.</summary>
    public Node? NextInBranch => Branch is not null && Index + 1 < Branch.Nodes.Count ? Branch.Nodes[Index + 1] : null;
}

/// <summary>A published definition indexed for running: immutable, shared by every case on that version.</summary>
public sealed class ProcessModel
{
    private readonly FrozenDictionary<string, NodePlace> _places;
    private readonly FrozenDictionary<string, Flow[]> _outgoing;
    private readonly FrozenDictionary<string, FrozenSet<EndResult>> _reachableResults;

    public ProcessModel(DefinitionVersion version, ProcessDefinition definition)
    {
        Version = version;
        Definition = definition;
        var places = new Dictionary<string, NodePlace>(StringComparer.Ordinal);
        foreach (var (node, index) in definition.Nodes.Select((n, i) => (n, i))) Index(places, node, null, null, index);
        _places = places.ToFrozenDictionary(StringComparer.Ordinal);
        _outgoing = definition.Flows.GroupBy(f => f.From, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        Start = definition.Nodes.OfType<StartNode>().Single();
        Templates = definition.Templates.ToFrozenDictionary(t => t.Id, StringComparer.Ordinal);
        _reachableResults = ReachableResults(definition, _outgoing);
        AcceptanceNodeId = Outgoing(Start.Id).Select(f => _places[f.To].Node).OfType<TaskNode>().FirstOrDefault()?.Id;
        _departments = _places.Values.Select(p => p.Node).OfType<TaskNode>().Select(t => t.Department)
            .Concat(_places.Values.Select(p => p.Node).OfType<ParallelNode>().Select(b => b.Lead))
            .Concat(definition.Power.JointDepartments).Append(definition.Power.Subject)
            .Concat(definition.Power.Undertaker is { } undertaker ? [undertaker] : [])
            .ToFrozenSet(StringComparer.Ordinal);
    }

    private readonly FrozenSet<string> _departments;

    /// <summary>
    /// Whether the definition names this department (a step's, a joint review's lead, the 实施主体, the undertaker or a
    /// joint department):
    /// work handed to any other is a step outside the process (预警纠错 out-of-process-step).
    /// </summary>
    public bool NamesDepartment(string department) => _departments.Contains(department);

    /// <summary>受理: the first step after the application; approving it starts the decision clock.</summary>
    public string? AcceptanceNodeId { get; }

    public DefinitionVersion Version { get; }
    public ProcessDefinition Definition { get; }
    public StartNode Start { get; }
    public FrozenDictionary<string, DocumentTemplate> Templates { get; }

    public NodePlace Place(string nodeId) =>
        _places.TryGetValue(nodeId, out var place) ? place : throw new InvalidOperationException($"node '{nodeId}' is not in {Version.PowerCode} v{Version.Version}");

    public bool Contains(string nodeId) => _places.ContainsKey(nodeId);

    public IReadOnlyList<Flow> Outgoing(string nodeId) => _outgoing.TryGetValue(nodeId, out var flows) ? flows : [];

    /// <summary>
    /// The end results still possible from a top-level node. Once only one is left, the matter is decided
    /// (决定已作出) and the applicant can no longer withdraw.
    /// </summary>
    public IReadOnlySet<EndResult> ResultsReachableFrom(string topLevelNodeId) =>
        _reachableResults.TryGetValue(topLevelNodeId, out var results) ? results : FrozenSet<EndResult>.Empty;

    /// <summary>The one result still possible from a top-level node, or null while the matter is open.</summary>
    public EndResult? DecidedResult(string topLevelNodeId) =>
        ResultsReachableFrom(topLevelNodeId) is { Count: 1 } results ? results.Single() : null;

    private static void Index(Dictionary<string, NodePlace> places, Node node, ParallelNode? block, Branch? branch, int index)
    {
        places[node.Id] = new NodePlace(node, block, branch, index);
        if (node is not ParallelNode parallel) return;
        foreach (var b in parallel.Branches)
            for (var i = 0; i < b.Nodes.Count; i++) Index(places, b.Nodes[i], parallel, b, i);
    }

    private static FrozenDictionary<string, FrozenSet<EndResult>> ReachableResults(ProcessDefinition definition, FrozenDictionary<string, Flow[]> outgoing)
    {
        var result = new Dictionary<string, FrozenSet<EndResult>>(StringComparer.Ordinal);
        var ends = definition.Nodes.OfType<EndNode>().ToDictionary(e => e.Id, e => e.Result, StringComparer.Ordinal);
        foreach (var node in definition.Nodes)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { node.Id };
            var pending = new Stack<string>([node.Id]);
            var found = new HashSet<EndResult>();
            while (pending.TryPop(out var id))
            {
                if (ends.TryGetValue(id, out var end)) found.Add(end);
                if (!outgoing.TryGetValue(id, out var flows)) continue;
                foreach (var flow in flows)
                    if (seen.Add(flow.To)) pending.Push(flow.To);
            }
            result[node.Id] = found.ToFrozenSet();
        }
        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
