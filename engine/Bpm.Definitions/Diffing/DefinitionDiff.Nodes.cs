using Bpm.Definitions.Model;
using static Bpm.Definitions.Diffing.DiffText;

namespace Bpm.Definitions.Diffing;

public static partial class DefinitionDiff
{
    /// <summary>A node wherever it is written: at the top level or inside a branch of a parallel block.</summary>
    private sealed record PlacedNode(Node Node, string Placement);

    private const string TopLevel = "top level";

    private static IEnumerable<PlacedNode> Flatten(IEnumerable<Node> nodes, string placement)
    {
        foreach (var node in nodes)
        {
            yield return new PlacedNode(node, placement);
            if (node is not ParallelNode parallel) continue;
            foreach (var branch in parallel.Branches)
            foreach (var inner in Flatten(branch.Nodes, $"branch {branch.Id} of {parallel.Id}"))
                yield return inner;
        }
    }

    private static void CompareNodes(IEnumerable<Node> a, IEnumerable<Node> b, ChangeList changes)
    {
        const string area = ChangeAreas.Node;
        foreach (var (key, x, y) in KeyedMatch.Pair(Flatten(a, TopLevel), Flatten(b, TopLevel), p => p.Node.Id))
        {
            if (x is null)
                changes.Added(area, key, Node(y!.Node), $"node added: {Named(key, y.Node.Name)}, {Node(y.Node)}" + Where(y));
            else if (y is null)
                changes.Removed(area, key, Node(x.Node), $"node removed: {Named(key, x.Node.Name)}" + Where(x));
            else
                CompareNode(key, x, y, changes);
        }
    }

    private static string Where(PlacedNode p) => p.Placement == TopLevel ? "" : $" in {p.Placement}";

    private static void CompareNode(string key, PlacedNode x, PlacedNode y, ChangeList changes)
    {
        const string area = ChangeAreas.Node;
        var subject = $"node {Named(key, y.Node.Name)}";
        changes.Property(area, key, subject, "name", x.Node.Name, y.Node.Name);
        changes.Property(area, key, subject, "placement", x.Placement, y.Placement);
        if (x.Node.Kind != y.Node.Kind)
        {
            // Different kinds share no other properties: show the whole node on each side.
            changes.Changed(area, key, Node(x.Node), Node(y.Node),
                $"{subject}: kind {Vocabulary.NodeKinds[x.Node.Kind]} → {Vocabulary.NodeKinds[y.Node.Kind]}");
            return;
        }

        void Property(string property, string? before, string? after) => changes.Property(area, key, subject, property, before, after);

        switch (x.Node, y.Node)
        {
            case (TaskNode s, TaskNode t):
                Property("department", s.Department, t.Department);
                Property("role", s.Role, t.Role);
                Property("limit", Duration(s.Limit), Duration(t.Limit));
                Property("risk", s.Risk is { } r1 ? Vocabulary.RiskLevels[r1] : null, t.Risk is { } r2 ? Vocabulary.RiskLevels[r2] : null);
                Property("warning", Warning(s.Warning), Warning(t.Warning));
                Property("outcomes", List(s.Outcomes.Select(Outcome)), List(t.Outcomes.Select(Outcome)));
                Property("discretion", Binding(s.Discretion), Binding(t.Discretion));
                foreach (var (field, f, g) in KeyedMatch.Pair(s.Form, t.Form, f => f.Key))
                {
                    if (f is null) changes.Changed(area, key, null, Field(g!), $"{subject}: form field {field} added ({Field(g!)})");
                    else if (g is null) changes.Changed(area, key, Field(f), null, $"{subject}: form field {field} removed");
                    else Property($"form field {field}", Field(f), Field(g));
                }
                break;

            case (ParallelNode s, ParallelNode t):
                Property("lead", s.Lead, t.Lead);
                Property("join", Join(s), Join(t));
                Property("limit", Duration(s.Limit), Duration(t.Limit));
                foreach (var (id, p, q) in KeyedMatch.Pair(s.Branches, t.Branches, b => b.Id))
                {
                    if (p is null) changes.Changed(area, key, null, Branch(q!), $"{subject}: branch {Named(id, q!.Name)} added ({Branch(q)})");
                    else if (q is null) changes.Changed(area, key, Branch(p), null, $"{subject}: branch {Named(id, p.Name)} removed");
                    else
                    {
                        Property($"branch {id} name", p.Name, q.Name);
                        Property($"branch {id} silence (视为同意)", Duration(p.Silence), Duration(q.Silence));
                        // The steps' own changes are reported on them; this is only their order and membership.
                        Property($"branch {id} steps", Steps(p), Steps(q));
                    }
                }
                break;

            case (WaitNode s, WaitNode t):
                Property("duration", Duration(s.Duration), Duration(t.Duration));
                break;

            case (ServiceNode s, ServiceNode t):
                Property("action", Vocabulary.ServiceActions[s.Action], Vocabulary.ServiceActions[t.Action]);
                Property("template", s.Template, t.Template);
                Property("to", s.To is { } to1 ? Vocabulary.NoticeRecipients[to1] : null, t.To is { } to2 ? Vocabulary.NoticeRecipients[to2] : null);
                break;

            case (EndNode s, EndNode t):
                Property("result", Vocabulary.EndResults[s.Result], Vocabulary.EndResults[t.Result]);
                break;
        }
    }

    private static string Steps(Branch b) => b.Nodes.Count == 0 ? "(none)" : string.Join(" → ", b.Nodes.Select(n => n.Id));

    private static string Branch(Branch b) =>
        $"{b.Name}: {Steps(b)}" + (b.Silence is null ? "" : $", silence {Duration(b.Silence)}");

    // ---- discretion ----

    private static void CompareDiscretion(IReadOnlyList<DiscretionEntry> a, IReadOnlyList<DiscretionEntry> b, ChangeList changes)
    {
        foreach (var (key, x, y) in KeyedMatch.Pair(a, b, EntryKey(a), EntryKey(b)))
        {
            if (x is null) changes.Added(ChangeAreas.Discretion, key, Entry(y!), $"discretion table added: {key} {y!.Violation}");
            else if (y is null) changes.Removed(ChangeAreas.Discretion, key, Entry(x), $"discretion table removed: {key} {x.Violation}");
            else
            {
                var subject = $"discretion table {key}";
                void Property(string property, string? before, string? after) =>
                    changes.Property(ChangeAreas.Discretion, key, subject, property, before, after);
                Property("violation", x.Violation, y.Violation);
                Property("violates", x.Violates, y.Violates);
                Property("basis", x.Basis, y.Basis);
                Property("effectiveFrom", Date(x.EffectiveFrom), Date(y.EffectiveFrom));
                Property("measures", List(x.Measures), List(y.Measures));
            }
            // A table added or removed brings its columns and tiers with it: each is listed, so the bands are seen.
            CompareColumns(key, x?.Columns ?? ValueList<DiscretionColumn>.Empty, y?.Columns ?? ValueList<DiscretionColumn>.Empty, changes);
            CompareTiers(key, x?.Tiers ?? ValueList<DiscretionTier>.Empty, y?.Tiers ?? ValueList<DiscretionTier>.Empty, changes);
        }
    }

    /// <summary>
    /// Tables are known by id; the same id twice (one violation's 基准 from two effective dates) is told apart by its date.
    /// </summary>
    private static Func<DiscretionEntry, string> EntryKey(IReadOnlyList<DiscretionEntry> side) =>
        e => side.Count(other => other.Id == e.Id) > 1 ? $"{e.Id}@{Date(e.EffectiveFrom) ?? "always"}" : e.Id;

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Entry(DiscretionEntry e) =>
        $"{e.Violation}; basis {e.Basis}" + (e.EffectiveFrom is null ? "" : $"; from {Date(e.EffectiveFrom)}") +
        $"; columns {string.Join(", ", e.Columns.Select(c => c.Id))}; tiers {string.Join(", ", e.Tiers.Select(t => Vocabulary.TierLevels[t.Level]))}";

    private static void CompareColumns(string entry, IEnumerable<DiscretionColumn> a, IEnumerable<DiscretionColumn> b, ChangeList changes)
    {
        const string area = ChangeAreas.DiscretionColumn;
        foreach (var (id, x, y) in KeyedMatch.Pair(a, b, c => c.Id))
        {
            var key = $"{entry}/{id}";
            if (x is null) changes.Added(area, key, Column(y!), $"discretion column added: {key} {y!.Name}, statutory {Band(y.Statutory)}");
            else if (y is null) changes.Removed(area, key, Column(x), $"discretion column removed: {key} {x.Name}");
            else
            {
                var subject = $"discretion column {key}";
                changes.Property(area, key, subject, "name", x.Name, y.Name);
                changes.Property(area, key, subject, "statutory range (法定幅度)", Band(x.Statutory), Band(y.Statutory));
                changes.Property(area, key, subject, "base field", x.Base, y.Base);
            }
        }
    }

    private static string Column(DiscretionColumn c) => $"{c.Name}: {Band(c.Statutory)}" + (c.Base is null ? "" : $" of data.{c.Base}");

    private static void CompareTiers(string entry, IEnumerable<DiscretionTier> a, IEnumerable<DiscretionTier> b, ChangeList changes)
    {
        const string area = ChangeAreas.DiscretionTier;
        foreach (var (level, x, y) in KeyedMatch.Pair(a, b, t => Vocabulary.TierLevels[t.Level]))
        {
            var key = $"{entry}/{level}";
            if (x is null) changes.Added(area, key, Tier(y!), $"discretion tier added: {key} ({Bands(y!)})");
            else if (y is null) changes.Removed(area, key, Tier(x), $"discretion tier removed: {key}");
            else
            {
                var subject = $"discretion tier {key}";
                changes.Property(area, key, subject, "circumstances", List(x.Circumstances), List(y.Circumstances));
                changes.Property(area, key, subject, "when", x.When, y.When);
                foreach (var (column, p, q) in KeyedMatch.Pair(x.Bands, y.Bands, band => band.Column))
                    changes.Property(area, key, subject, $"band {column}", p is null ? null : Band(p.Band), q is null ? null : Band(q.Band));
            }
        }
    }

    private static string Bands(DiscretionTier t) => string.Join("; ", t.Bands.Select(b => $"{b.Column} {Band(b.Band)}"));

    private static string Tier(DiscretionTier t) =>
        Bands(t) + (t.Circumstances.Count > 0 ? $"; circumstances {List(t.Circumstances)}" : "") + (t.When is null ? "" : $"; when {t.When}");
}
