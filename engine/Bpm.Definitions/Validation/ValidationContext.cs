using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;
using Bpm.Definitions.Reading;
using Bpm.Definitions.Source;

namespace Bpm.Definitions.Validation;

/// <summary>A node wherever it sits, with its document path and the joint-review block it belongs to.</summary>
public sealed record IndexedNode(Node Node, string Path, ParallelNode? Block, Branch? Branch)
{
    public bool IsTopLevel => Block is null;
}

/// <summary>What every rule needs: the definition, where things were written, and somewhere to report.</summary>
public sealed class ValidationContext
{
    private readonly List<Diagnostic> _diagnostics = [];

    public ValidationContext(ProcessDefinition definition, SourceMap? map)
    {
        Definition = definition;
        Map = map ?? new SourceMap();
        var all = new List<IndexedNode>();
        for (var i = 0; i < definition.Nodes.Count; i++) Walk(definition.Nodes[i], $"/nodes/{i}", null, null, all);
        AllNodes = all;
        // The first node with an id wins; duplicates are reported by GraphRules.
        NodesById = all.GroupBy(n => n.Node.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        DataKeys = all.Select(n => n.Node).OfType<TaskNode>().SelectMany(t => t.Form).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
    }

    public ProcessDefinition Definition { get; }
    public SourceMap Map { get; }
    public IReadOnlyList<IndexedNode> AllNodes { get; }
    public IReadOnlyDictionary<string, IndexedNode> NodesById { get; }

    /// <summary>Every form field key: what <c>data.&lt;key&gt;</c> may name.</summary>
    public IReadOnlySet<string> DataKeys { get; }

    public bool IsJoint => AllNodes.Any(n => n.Node is ParallelNode);

    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    public void Report(DiagnosticCode code, string message, string path, string? nodeId = null, SourcePosition? position = null) =>
        _diagnostics.Add(new Diagnostic(code.Code, code.Severity, message, path, position ?? Map.Find(path), nodeId));

    private static void Walk(Node node, string path, ParallelNode? block, Branch? branch, List<IndexedNode> into)
    {
        into.Add(new IndexedNode(node, path, block, branch));
        if (node is not ParallelNode parallel) return;
        for (var b = 0; b < parallel.Branches.Count; b++)
            for (var n = 0; n < parallel.Branches[b].Nodes.Count; n++)
                Walk(parallel.Branches[b].Nodes[n], $"{path}/branches/{b}/nodes/{n}", parallel, parallel.Branches[b], into);
    }
}

/// <summary>One family of checks over a whole definition.</summary>
public interface IDefinitionRule
{
    void Check(ValidationContext context);
}
