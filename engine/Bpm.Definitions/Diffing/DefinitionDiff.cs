using Bpm.Definitions.Model;
using static Bpm.Definitions.Diffing.DiffText;

namespace Bpm.Definitions.Diffing;

/// <summary>
/// What changed between two versions of a power's definition, in the terms a reviewer approves: nodes, flows,
/// time limits, discretion bands, templates, facts about the power. Layout (the designer's positions) is not
/// part of the semantics and is never compared.
/// </summary>
public static partial class DefinitionDiff
{
    public static DefinitionChanges Compare(ProcessDefinition before, ProcessDefinition after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new ChangeList();
        ComparePower(before.Power, after.Power, changes);
        CompareLimits(before.Limits, after.Limits, changes);
        CompareNodes(before.Nodes, after.Nodes, changes);
        CompareFlows(before.Flows, after.Flows, changes);
        CompareProcedures(before.SpecialProcedures, after.SpecialProcedures, changes);
        CompareDiscretion(before.Discretion, after.Discretion, changes);
        CompareTemplates(before.Templates, after.Templates, changes);
        CompareSupervision(before.Supervision, after.Supervision, changes);
        return changes.Build();
    }

    // ---- power ----

    private static void ComparePower(Power a, Power b, ChangeList changes)
    {
        const string area = ChangeAreas.Power;
        changes.Value(area, "code", "power code", a.Code, b.Code);
        changes.Value(area, "name", "power name", a.Name, b.Name);
        changes.Value(area, "category", "category", Vocabulary.Categories[a.Category], Vocabulary.Categories[b.Category]);
        changes.Value(area, "subject", "subject (实施主体)", a.Subject, b.Subject);
        changes.Value(area, "undertaker", "undertaker (承办机构)", a.Undertaker, b.Undertaker);
        changes.Value(area, "jointDepartments", "joint departments", List(a.JointDepartments), List(b.JointDepartments));
        changes.Value(area, "handling", "handling", Vocabulary.HandlingKinds[a.Handling], Vocabulary.HandlingKinds[b.Handling]);

        foreach (var (key, x, y) in KeyedMatch.Pair(a.Basis, b.Basis, l => l.Law))
            changes.Value(area, $"basis/{key}", $"legal basis {key}", x is null ? null : x.Articles ?? "(whole law)", y is null ? null : y.Articles ?? "(whole law)");

        // "fees: []" states 不收费, so going from none to some (or back) is worth its own line.
        if (a.Fees.Count == 0 != (b.Fees.Count == 0))
            changes.Value(area, "fees", "fees", a.Fees.Count == 0 ? "不收费" : $"{a.Fees.Count} item(s)", b.Fees.Count == 0 ? "不收费" : $"{b.Fees.Count} item(s)");
        foreach (var (key, x, y) in KeyedMatch.Pair(a.Fees, b.Fees, f => f.Name))
            changes.Value(area, $"fees/{key}", $"fee {key}", x is null ? null : Fee(x), y is null ? null : Fee(y));

        var g = a.Guide;
        var h = b.Guide;
        changes.Value(area, "guide/conditions", "guide conditions", List(g?.Conditions ?? ValueList<string>.Empty), List(h?.Conditions ?? ValueList<string>.Empty));
        changes.Value(area, "guide/materials", "guide materials", Materials(g), Materials(h));
        changes.Value(area, "guide/result", "guide result", g?.Result, h?.Result);
        changes.Value(area, "guide/location", "guide location", g?.Location, h?.Location);
        changes.Value(area, "guide/contact", "guide contact", g?.Contact, h?.Contact);
        changes.Value(area, "guide/complaint", "guide complaint", g?.Complaint, h?.Complaint);
    }

    private static string? Materials(PublicGuide? guide) =>
        List((guide?.Materials ?? ValueList<Material>.Empty).Select(m => m.Copies is { } copies ? $"{m.Name} ×{copies}" : m.Name));

    // ---- limits ----

    private static void CompareLimits(CaseLimits a, CaseLimits b, ChangeList changes)
    {
        const string area = ChangeAreas.Limits;
        changes.Value(area, "legal", "legal time limit (法定时限)", Duration(a.Legal), Duration(b.Legal));
        changes.Value(area, "promised", "promised time limit (承诺时限)", Duration(a.Promised), Duration(b.Promised));
        changes.Value(area, "extension", "extension (延长审批)",
            a.Extension is null ? null : Extension(a.Extension), b.Extension is null ? null : Extension(b.Extension));
        changes.Value(area, "supplementNotice", "supplement notice deadline (一次告知补正)", Duration(a.SupplementNotice), Duration(b.SupplementNotice));
        changes.Value(area, "certificate", "certificate clock (制证送达)", Duration(a.Certificate), Duration(b.Certificate));
    }

    // ---- flows ----

    /// <summary>A flow is identified by where it goes and on which outcome; its condition and default-ness can change.</summary>
    private static string FlowKey(Flow f) => $"{f.From}→{f.To}" + (f.On is null ? "" : $"[{f.On}]");

    private static void CompareFlows(IEnumerable<Flow> a, IEnumerable<Flow> b, ChangeList changes)
    {
        const string area = ChangeAreas.Flow;
        foreach (var (key, x, y) in KeyedMatch.Pair(a, b, FlowKey))
        {
            if (x is null) changes.Added(area, key, Flow(y!), $"flow added: {Flow(y!)}");
            else if (y is null) changes.Removed(area, key, Flow(x), $"flow removed: {Flow(x)}");
            else
            {
                var subject = $"flow {key}";
                changes.Property(area, key, subject, "condition", x.When, y.When);
                changes.Property(area, key, subject, "default", x.Default ? "yes" : "no", y.Default ? "yes" : "no");
            }
        }
    }

    // ---- special procedures ----

    private static void CompareProcedures(IEnumerable<SpecialProcedure> a, IEnumerable<SpecialProcedure> b, ChangeList changes)
    {
        const string area = ChangeAreas.SpecialProcedure;
        foreach (var (key, x, y) in KeyedMatch.Pair(a, b, p => p.Kind))
        {
            if (x is null) changes.Added(area, key, Procedure(y!), $"special procedure added: {key} ({Procedure(y!)})");
            else if (y is null) changes.Removed(area, key, Procedure(x), $"special procedure removed: {key}");
            else
            {
                var subject = $"special procedure {key}";
                changes.Property(area, key, subject, "effect", Vocabulary.ProcedureEffects[x.Effect], Vocabulary.ProcedureEffects[y.Effect]);
                changes.Property(area, key, subject, "budget", Duration(x.Budget), Duration(y.Budget));
                changes.Property(area, key, subject, "ref", x.Ref, y.Ref);
                changes.Property(area, key, subject, "nodes", List(x.Nodes) ?? "any task", List(y.Nodes) ?? "any task");
            }
        }
    }

    // ---- templates ----

    private static void CompareTemplates(IEnumerable<DocumentTemplate> a, IEnumerable<DocumentTemplate> b, ChangeList changes)
    {
        const string area = ChangeAreas.Template;
        foreach (var (key, x, y) in KeyedMatch.Pair(a, b, t => t.Id))
        {
            if (x is null) changes.Added(area, key, y!.Body, $"template added: {Named(key, y.Name)}");
            else if (y is null) changes.Removed(area, key, x.Body, $"template removed: {Named(key, x.Name)}");
            else
            {
                var subject = $"template {Named(key, y.Name)}";
                changes.Property(area, key, subject, "name", x.Name, y.Name);
                // The whole body goes in Before/After; the summary stays one line.
                if (x.Body != y.Body) changes.Changed(area, key, x.Body, y.Body, $"{subject}: body changed ({LineDelta(x.Body, y.Body)})");
            }
        }
    }

    // ---- supervision ----

    private static void CompareSupervision(SupervisionRules? a, SupervisionRules? b, ChangeList changes)
    {
        const string area = ChangeAreas.Supervision;
        // An absent section and an absent setting both mean "the server's default".
        changes.Value(area, "warning", "case warning threshold", Warning(a?.Warning), Warning(b?.Warning));
        foreach (var (key, x, y) in KeyedMatch.Pair(a?.Escalations ?? ValueList<EscalationRule>.Empty, b?.Escalations ?? ValueList<EscalationRule>.Empty, r => Vocabulary.EscalationEvents[r.On]))
            changes.Value(area, key, $"escalation on {key}", x is null ? null : Escalation(x), y is null ? null : Escalation(y));
    }
}
