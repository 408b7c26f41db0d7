using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>The top-level nodes and the flows between them, with reachability and the longest path.</summary>
public sealed class FlowGraph
{
    private readonly ValidationContext _context;
    private readonly Dictionary<string, List<(Flow Flow, int Index)>> _out = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(Flow Flow, int Index)>> _in = new(StringComparer.Ordinal);

    public FlowGraph(ValidationContext context)
    {
        _context = context;
        var flows = context.Definition.Flows;
        for (var i = 0; i < flows.Count; i++)
        {
            if (!IsTopLevel(flows[i].From) || !IsTopLevel(flows[i].To)) continue;
            Add(_out, flows[i].From, (flows[i], i));
            Add(_in, flows[i].To, (flows[i], i));
        }
        Start = context.AllNodes.FirstOrDefault(n => n.IsTopLevel && n.Node is StartNode)?.Node;
    }

    public Node? Start { get; }

    public IReadOnlyList<(Flow Flow, int Index)> Outgoing(string id) => _out.TryGetValue(id, out var list) ? list : [];
    public IReadOnlyList<(Flow Flow, int Index)> Incoming(string id) => _in.TryGetValue(id, out var list) ? list : [];

    public bool IsTopLevel(string id) => _context.NodesById.TryGetValue(id, out var node) && node.IsTopLevel;

    public HashSet<string> ReachableFromStart() =>
        Start is null ? [] : Closure([Start.Id], id => Outgoing(id).Select(f => f.Flow.To));

    public HashSet<string> CanReachEnd() =>
        Closure(_context.AllNodes.Where(n => n.IsTopLevel && n.Node is EndNode).Select(n => n.Node.Id), id => Incoming(id).Select(f => f.Flow.From));

    /// <summary>
    /// The most expensive path from the start to an end, with loops (补正, 退回) walked once: back edges found by
    /// a depth-first walk from the start are ignored. Returns the cost, the node ids, and the unit every costed
    /// node shared (null when they mixed units).
    /// </summary>
    public (decimal Cost, IReadOnlyList<string> Path, TimeUnit? Unit) LongestPath(Func<Node, (decimal WorkingDays, TimeUnit? Unit)> cost)
    {
        if (Start is null) return (0, [], null);
        var back = BackEdges(Start.Id);
        var memo = new Dictionary<string, (decimal Cost, List<string> Path)>(StringComparer.Ordinal);
        var (total, path) = Longest(Start.Id);
        var units = path.Select(id => cost(_context.NodesById[id].Node)).Where(c => c.WorkingDays > 0).Select(c => c.Unit).Distinct().ToList();
        return (total, path, units.Count == 1 ? units[0] : units.Count == 0 ? _context.Definition.Limits.Legal.Unit : null);

        (decimal Cost, List<string> Path) Longest(string id)
        {
            if (memo.TryGetValue(id, out var known)) return known;
            memo[id] = (0, [id]); // guards against a cycle the back-edge pass missed
            var own = cost(_context.NodesById[id].Node).WorkingDays;
            var best = (Cost: own, Path: new List<string> { id });
            foreach (var (flow, _) in Outgoing(id))
            {
                if (back.Contains((id, flow.To)) || !_context.NodesById.ContainsKey(flow.To)) continue;
                var next = Longest(flow.To);
                if (own + next.Cost > best.Cost || best.Path.Count == 1 && next.Path.Count > 0)
                    best = (own + next.Cost, [id, .. next.Path]);
            }
            memo[id] = best;
            return best;
        }
    }

    private HashSet<(string, string)> BackEdges(string start)
    {
        var back = new HashSet<(string, string)>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // true = on the current path
        var stack = new Stack<(string Id, IEnumerator<string> Next)>();
        state[start] = true;
        stack.Push((start, Outgoing(start).Select(f => f.Flow.To).ToList().GetEnumerator()));
        while (stack.Count > 0)
        {
            var (id, next) = stack.Peek();
            if (!next.MoveNext())
            {
                state[id] = false;
                stack.Pop();
                continue;
            }
            var to = next.Current;
            if (state.TryGetValue(to, out var onPath))
            {
                if (onPath) back.Add((id, to));
                continue;
            }
            state[to] = true;
            stack.Push((to, Outgoing(to).Select(f => f.Flow.To).ToList().GetEnumerator()));
        }
        return back;
    }

    private static HashSet<string> Closure(IEnumerable<string> seeds, Func<string, IEnumerable<string>> step)
    {
        var seen = new HashSet<string>(seeds, StringComparer.Ordinal);
        var queue = new Queue<string>(seen);
        while (queue.Count > 0)
            foreach (var next in step(queue.Dequeue()))
                if (seen.Add(next)) queue.Enqueue(next);
        return seen;
    }

    private static void Add(Dictionary<string, List<(Flow, int)>> map, string key, (Flow, int) value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }
}
