using System.Globalization;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Diffing;

/// <summary>
/// How model values read in a change. Each rendering is faithful (two different values never read the same),
/// because the diff compares these texts: a change is reported exactly when its texts differ.
/// </summary>
internal static class DiffText
{
    public static string Number(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string? Duration(Duration? d) =>
        d is null ? null : $"{Number(d.Value)} {Vocabulary.TimeUnits[d.Unit]}" + (d.Ref is null ? "" : $" ({d.Ref})");

    public static string? Warning(WarningThreshold? w) => w switch
    {
        { Percent: { } percent } => $"{Number(percent)}%",
        { Remaining: { } remaining } => Duration(remaining),
        _ => null,
    };

    public static string Band(Band b) => b.Unit switch
    {
        BandUnit.Yuan => $"{Number(b.Min)}–{Number(b.Max)} 元" + (b.Of is null ? "" : $" ({b.Of})"),
        BandUnit.Times => $"{Number(b.Min)}–{Number(b.Max)} 倍 {b.Of}".TrimEnd(),
        _ => $"{Number(b.Min)}%–{Number(b.Max)}% {b.Of}".TrimEnd(),
    };

    public static string? List(IEnumerable<string> items)
    {
        var text = string.Join(", ", items);
        return text.Length == 0 ? null : text;
    }

    public static string Outcome(Outcome o) =>
        Vocabulary.OutcomeVerdicts.TryGetValue(o.Name, out var implied) && implied == o.Verdict
            ? o.Name
            : $"{o.Name} ({Vocabulary.Verdicts[o.Verdict]})";

    public static string Field(FormField f) =>
        $"{f.Label}, {Vocabulary.FieldTypes[f.Type]}" + (f.Required ? ", required" : "") +
        (f.Options.Count > 0 ? $", options [{string.Join(", ", f.Options)}]" : "");

    public static string Fee(Fee f) =>
        $"{f.Standard}; basis {f.Basis}" + (f.Amount is { } amount ? $"; amount {Number(amount)}" : "");

    /// <summary>The fine-deciding step's binding to a discretion table, every written part named.</summary>
    public static string? Binding(DiscretionBinding? b)
    {
        if (b is null) return null;
        var parts = new List<string> { $"table {b.Table}" };
        if (b.Column is not null) parts.Add($"column {b.Column}");
        parts.Add($"amount {b.Amount}");
        parts.Add($"violationDate {b.ViolationDate}");
        if (b.Grounds is not null) parts.Add($"grounds {b.Grounds}");
        if (b.Mitigation is not null) parts.Add($"mitigation {b.Mitigation}");
        if (b.LegalReview is not null) parts.Add($"legalReview {b.LegalReview}");
        return string.Join(", ", parts);
    }

    public static string Extension(Extension e) => $"{Duration(e.Max)}, approved by {e.Approver}";

    public static string Procedure(SpecialProcedure p) =>
        $"{Vocabulary.ProcedureEffects[p.Effect]}" +
        (p.Budget is null ? "" : $", budget {Duration(p.Budget)}") +
        (p.Ref is null ? "" : $", ref {p.Ref}") +
        (p.Nodes.Count > 0 ? $", at {string.Join(", ", p.Nodes)}" : ", at any task");

    public static string Escalation(EscalationRule r)
    {
        var parts = new List<string>();
        if (r.Warn) parts.Add("warn");
        if (r.Notify) parts.Add("notify");
        if (r.Supervise) parts.Add(r.AnswerWithin is { } within ? $"supervise (answer within {Duration(within)})" : "supervise");
        if (r.Points != 0) parts.Add($"{Number(r.Points)} point(s)");
        return parts.Count == 0 ? "no action" : string.Join(", ", parts);
    }

    public static string Flow(Flow f) =>
        $"{f.From}→{f.To}" + (f.On is null ? "" : $" on {f.On}") + (f.When is null ? "" : $" when {f.When}") + (f.Default ? " (default)" : "");

    public static string Node(Node node) => node switch
    {
        TaskNode t => $"task {t.Name} ({string.Join(", ", TaskFacts(t))})",
        ParallelNode p => $"parallel {p.Name} (lead {p.Lead}, join {Join(p)}" + (p.Limit is null ? "" : $", limit {Duration(p.Limit)}") +
                          $", branches {string.Join(", ", p.Branches.Select(b => b.Id))})",
        WaitNode w => $"wait {w.Name} ({Duration(w.Duration)})",
        ServiceNode s => $"service {s.Name} ({Service(s)})",
        EndNode e => $"end {e.Name} (result {Vocabulary.EndResults[e.Result]})",
        _ => $"{Vocabulary.NodeKinds[node.Kind]} {node.Name}",
    };

    private static IEnumerable<string> TaskFacts(TaskNode t)
    {
        yield return t.Department;
        yield return t.Role;
        if (t.Limit is not null) yield return $"limit {Duration(t.Limit)}";
        if (t.Risk is { } risk) yield return $"risk {Vocabulary.RiskLevels[risk]}";
    }

    public static string Join(ParallelNode p) => Vocabulary.JoinModes[p.Join] + (p.Quorum is { } q ? $" (quorum {q})" : "");

    public static string Service(ServiceNode s) =>
        Vocabulary.ServiceActions[s.Action] + (s.Template is null ? "" : $", template {s.Template}") +
        (s.To is { } to ? $", to {Vocabulary.NoticeRecipients[to]}" : "");

    /// <summary>"id (名称)" so a reader sees both what the file says and what the screen shows.</summary>
    public static string Named(string id, string name) => id == name ? id : $"{id} ({name})";

    /// <summary>How many lines went away and came in, as a short "+2 −1 lines" (a multiset count, not an edit script).</summary>
    public static string LineDelta(string before, string after)
    {
        var left = before.ReplaceLineEndings("\n").Split('\n').GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var right = after.ReplaceLineEndings("\n").Split('\n').GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var added = right.Sum(r => Math.Max(0, r.Value - left.GetValueOrDefault(r.Key)));
        var removed = left.Sum(l => Math.Max(0, l.Value - right.GetValueOrDefault(l.Key)));
        return added + removed == 0 ? "lines reordered or line endings changed" : $"+{added} −{removed} lines";
    }
}
