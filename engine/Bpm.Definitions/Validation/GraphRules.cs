using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>Node ids, flows, outcomes, decisions and reachability.</summary>
public sealed class GraphRules : IDefinitionRule
{
    public void Check(ValidationContext context)
    {
        CheckIds(context);
        var graph = new FlowGraph(context);
        CheckFlows(context, graph);
        CheckStartAndEnd(context, graph);
        CheckNodes(context, graph);
        CheckReachability(context, graph);
    }

    private static void CheckIds(ValidationContext context)
    {
        foreach (var group in context.AllNodes.GroupBy(n => n.Node.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var duplicate in group.Skip(1))
                context.Report(Codes.DuplicateNodeId,
                    $"node id '{group.Key}' is already used at line {context.Map.Find(first.Path)?.Line}; every node needs its own id",
                    duplicate.Path + "/id", group.Key);
        }
    }

    private static void CheckFlows(ValidationContext context, FlowGraph graph)
    {
        var flows = context.Definition.Flows;
        var seen = new HashSet<Flow>();
        for (var i = 0; i < flows.Count; i++)
        {
            var flow = flows[i];
            var path = $"/flows/{i}";
            var ok = true;
            foreach (var (end, id) in new[] { ("from", flow.From), ("to", flow.To) })
            {
                if (!context.NodesById.TryGetValue(id, out var node))
                {
                    context.Report(Codes.MissingNode, $"flow {end} '{id}': there is no node with that id{Suggest(context, id)}", $"{path}/{end}");
                    ok = false;
                }
                else if (!node.IsTopLevel)
                {
                    context.Report(Codes.FlowIntoBranch,
                        $"'{id}' is inside branch '{node.Branch!.Id}' of joint review '{node.Block!.Id}'; flows connect top-level nodes only (branch steps run in listed order)",
                        $"{path}/{end}", id);
                    ok = false;
                }
            }
            if (!seen.Add(flow))
                context.Report(Codes.DuplicateFlow, $"the flow {flow.From} → {flow.To} is written twice; remove one", path);
            if (flow.When is not null)
                ExpressionCheck.Check(context, flow.When, path + "/when", flow.From);
            if (!ok) continue;

            var source = context.NodesById[flow.From].Node;
            if (flow.On is not null)
            {
                var outcomes = OutcomesOf(source);
                if (outcomes is null)
                    context.Report(Codes.OnWithoutOutcomes,
                        $"'on: {flow.On}' needs a task or joint review as its source, but '{source.Id}' is {Kind(source)}; use 'when' for a decision",
                        path + "/on", source.Id);
                else if (outcomes.All(o => o.Name != flow.On))
                    context.Report(Codes.UnknownOutcome,
                        $"'{source.Id}' has no outcome '{flow.On}'; its outcomes are {string.Join(", ", outcomes.Select(o => o.Name))}",
                        path + "/on", source.Id);
            }
        }
    }

    private static void CheckStartAndEnd(ValidationContext context, FlowGraph graph)
    {
        var starts = context.AllNodes.Where(n => n.IsTopLevel && n.Node is StartNode).ToList();
        if (starts.Count == 0)
            context.Report(Codes.NoStart, "add a node with kind: start (the application, 申请) and a flow from it", "/nodes");
        foreach (var extra in starts.Skip(1))
            context.Report(Codes.ManyStarts, $"'{extra.Node.Id}' is a second start node; a process has exactly one start", extra.Path, extra.Node.Id);
        if (!context.AllNodes.Any(n => n.IsTopLevel && n.Node is EndNode))
            context.Report(Codes.NoEnd, "add at least one node with kind: end and a result (准予, 不予, 不予受理 …)", "/nodes");

        foreach (var node in context.AllNodes.Where(n => n.IsTopLevel))
        {
            if (node.Node is StartNode)
                foreach (var (_, index) in graph.Incoming(node.Node.Id))
                    context.Report(Codes.StartEndMisuse, $"no flow may lead into the start node '{node.Node.Id}'", $"/flows/{index}/to", node.Node.Id);
            if (node.Node is EndNode)
                foreach (var (_, index) in graph.Outgoing(node.Node.Id))
                    context.Report(Codes.StartEndMisuse, $"no flow may leave the end node '{node.Node.Id}'", $"/flows/{index}/from", node.Node.Id);
        }
    }

    private static void CheckNodes(ValidationContext context, FlowGraph graph)
    {
        var templates = context.Definition.Templates.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var indexed in context.AllNodes)
        {
            var (node, path) = (indexed.Node, indexed.Path);
            switch (node)
            {
                case TaskNode task:
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    for (var o = 0; o < task.Outcomes.Count; o++)
                        if (!names.Add(task.Outcomes[o].Name))
                            context.Report(Codes.DuplicateOutcome, $"task '{task.Id}' lists outcome '{task.Outcomes[o].Name}' more than once", $"{path}/outcomes/{o}", task.Id);
                    if (task.Outcomes.Count == 0)
                        context.Report(Codes.DuplicateOutcome, $"task '{task.Id}' has an empty outcome list; leave 'outcomes' out for [同意, 不同意]", path + "/outcomes", task.Id);
                    var keys = new HashSet<string>(StringComparer.Ordinal);
                    for (var f = 0; f < task.Form.Count; f++)
                    {
                        var field = task.Form[f];
                        if (!keys.Add(field.Key))
                            context.Report(Codes.BadFormField, $"task '{task.Id}' declares form field '{field.Key}' twice", $"{path}/form/{f}/key", task.Id);
                        if (field.Type == FieldType.Choice && field.Options.Count == 0)
                            context.Report(Codes.BadFormField, $"choice field '{field.Key}' needs 'options' (the values to choose from)", $"{path}/form/{f}", task.Id);
                        if (field.Type != FieldType.Choice && field.Options.Count > 0)
                            context.Report(Codes.BadFormField, $"field '{field.Key}' has options but type {Vocabulary.FieldTypes[field.Type]}; use type: choice", $"{path}/form/{f}/options", task.Id);
                    }
                    break;
                case ServiceNode service:
                    if (service.Template is null && service.Action == ServiceAction.RenderDocument)
                        context.Report(Codes.TemplateMissing, $"service '{service.Id}' renders a document: name the template with 'template'", path, service.Id);
                    if (service.Template is { } template && !templates.Contains(template))
                        context.Report(Codes.UnknownTemplate,
                            $"service '{service.Id}' uses template '{template}', which is not defined under templates{Suggest(templates, template)}",
                            path + "/template", service.Id);
                    if (service.Action == ServiceAction.SendNotice && service.To is null)
                        context.Report(Codes.NoticeWithoutRecipient, $"service '{service.Id}' sends a notice: say to whom with 'to: applicant' or 'to: department'", path, service.Id);
                    break;
            }
            if (indexed.IsTopLevel) CheckOutgoing(context, graph, indexed);
        }
    }

    private static void CheckOutgoing(ValidationContext context, FlowGraph graph, IndexedNode indexed)
    {
        var node = indexed.Node;
        var outgoing = graph.Outgoing(node.Id);
        if (node is EndNode) return;
        if (outgoing.Count == 0)
        {
            context.Report(Codes.DeadEnd, $"'{node.Id}' has no outgoing flow; add one, or make it an end node", indexed.Path, node.Id);
            return;
        }
        var defaults = outgoing.Where(f => f.Flow.Default).ToList();
        foreach (var (_, index) in defaults.Skip(1))
            context.Report(Codes.ManyDefaults, $"'{node.Id}' already has a default flow; only one flow out of a node can be the default", $"/flows/{index}/default", node.Id);

        if (node is DecisionNode)
        {
            if (defaults.Count == 0)
                context.Report(Codes.DecisionWithoutDefault,
                    $"decision '{node.Id}' needs a default flow (default: true) taken when no condition holds", indexed.Path, node.Id);
            foreach (var (flow, index) in outgoing.Where(f => f.Flow.When is null && !f.Flow.Default && f.Flow.On is null))
                context.Report(Codes.DecisionFlowWithoutCondition,
                    $"the flow {flow.From} → {flow.To} leaves a decision: give it a condition ('when') or make it the default", $"/flows/{index}", node.Id);
            return;
        }

        var unconditional = outgoing.Where(f => f.Flow.When is null && f.Flow.On is null && !f.Flow.Default).ToList();
        if (unconditional.Count > 1)
            context.Report(Codes.AmbiguousFlows,
                $"'{node.Id}' has {unconditional.Count} unconditional flows ({string.Join(", ", unconditional.Select(f => f.Flow.To))}); steps that run at the same time belong in a parallel node, otherwise add 'on' or 'when'",
                $"/flows/{unconditional[1].Index}", node.Id);

        if (OutcomesOf(node) is { } outcomes && outcomes.Count > 0 && outgoing.Any(f => f.Flow.On is not null) && unconditional.Count == 0 && defaults.Count == 0)
            for (var o = 0; o < outcomes.Count; o++)
            {
                var outcome = outcomes[o];
                if (outcome.Verdict == Verdict.SendBack || outgoing.Any(f => f.Flow.On == outcome.Name)) continue;
                context.Report(Codes.OutcomeWithoutFlow,
                    $"no flow leaves '{node.Id}' on outcome '{outcome.Name}'; add {{from: {node.Id}, to: …, on: {outcome.Name}}} or a default flow",
                    node is TaskNode ? $"{indexed.Path}/outcomes/{o}" : indexed.Path, node.Id);
            }
    }

    private static void CheckReachability(ValidationContext context, FlowGraph graph)
    {
        if (graph.Start is null) return;
        var reachable = graph.ReachableFromStart();
        var finishing = graph.CanReachEnd();
        foreach (var node in context.AllNodes.Where(n => n.IsTopLevel))
        {
            if (!reachable.Contains(node.Node.Id) && node.Node is not StartNode) // a second start is reported as such
                context.Report(Codes.Unreachable, $"'{node.Node.Id}' cannot be reached from the start; add a flow into it or remove it", node.Path, node.Node.Id);
            else if (!finishing.Contains(node.Node.Id) && node.Node is not EndNode && graph.Outgoing(node.Node.Id).Count > 0)
                context.Report(Codes.CannotFinish, $"no end can be reached from '{node.Node.Id}': every path from it loops or stops; add a flow towards an end", node.Path, node.Node.Id);
        }
    }

    /// <summary>The outcomes a flow's 'on' may name: a task's own, or a joint review's joined result.</summary>
    public static IReadOnlyList<Outcome>? OutcomesOf(Node node) => node switch
    {
        TaskNode task => task.Outcomes,
        ParallelNode => TaskNode.DefaultOutcomes,
        _ => null,
    };

    /// <summary>"a task node", "an end node".</summary>
    public static string Kind(Node node)
    {
        var word = Vocabulary.NodeKinds[node.Kind];
        return $"{("aeiou".Contains(word[0]) ? "an" : "a")} {word} node";
    }

    private static string Suggest(ValidationContext context, string id) => Suggest(context.NodesById.Keys, id);

    private static string Suggest(IEnumerable<string> ids, string id) => Reading.DefinitionBinder.Suggest(id, ids);
}
