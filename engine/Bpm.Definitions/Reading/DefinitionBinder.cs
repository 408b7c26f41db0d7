using System.Globalization;
using System.Text.RegularExpressions;
using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;
using Bpm.Definitions.Source;

namespace Bpm.Definitions.Reading;

public sealed record BindResult(ProcessDefinition Definition, IReadOnlyList<Diagnostic> Diagnostics, SourceMap Map, bool Complete);

/// <summary>
/// Turns a <see cref="SourceNode"/> tree into a <see cref="ProcessDefinition"/>, reporting shape errors with
/// their positions. A value that is missing or unreadable is replaced by a placeholder and the result is
/// marked incomplete, so semantic validation does not pile follow-on errors onto it.
/// </summary>
public sealed partial class DefinitionBinder
{
    private readonly List<Diagnostic> _diagnostics = [];
    private readonly SourceMap _map = new();
    private bool _complete = true;

    private DefinitionBinder() { }

    public static BindResult Bind(SourceNode root)
    {
        var binder = new DefinitionBinder();
        var definition = binder.BindDefinition(root);
        return new BindResult(definition, binder._diagnostics, binder._map, binder._complete);
    }

    private ProcessDefinition BindDefinition(SourceNode root)
    {
        var o = Open(root, "", "definition", "the document");
        if (o is null)
        {
            _complete = false;
            return Placeholder;
        }
        var power = Object(o, "power", required: true, BindPower);
        var limits = Object(o, "limits", required: true, BindLimits);
        var nodes = List(o, "nodes", required: true, BindNode);
        var flows = List(o, "flows", required: true, BindFlow, "flow");
        var procedures = List(o, "specialProcedures", required: false, BindProcedure, "specialProcedure");
        var discretion = List(o, "discretion", required: false, BindDiscretion, "discretionEntry");
        var templates = List(o, "templates", required: false, BindTemplate, "template");
        var supervision = Object(o, "supervision", required: false, BindSupervision);
        var layout = BindLayout(o);
        return new ProcessDefinition(power ?? Placeholder.Power, limits ?? Placeholder.Limits, nodes, flows, procedures, discretion, templates, layout, supervision);
    }

    private static readonly ProcessDefinition Placeholder = new(
        new Power("", "", PowerCategory.Other, "", null, ValueList<string>.Empty, HandlingKind.Promised, ValueList<LegalBasis>.Empty, ValueList<Fee>.Empty, null),
        new CaseLimits(new Duration(1, TimeUnit.WorkingDay), new Duration(1, TimeUnit.WorkingDay), null, null, null),
        ValueList<Node>.Empty, ValueList<Flow>.Empty, ValueList<SpecialProcedure>.Empty, ValueList<DiscretionEntry>.Empty,
        ValueList<DocumentTemplate>.Empty, ValueList<NodePosition>.Empty);

    // ---- power ----

    private Power BindPower(Obj o)
    {
        var category = Word(o, "category", Vocabulary.Categories, Codes.UnknownCategory, required: true, "category");
        var handling = Word(o, "handling", Vocabulary.HandlingKinds, Codes.UnknownHandling, required: true, "handling kind");
        return new Power(
            Text(o, "code", required: true) ?? "",
            Text(o, "name", required: true) ?? "",
            category ?? PowerCategory.Other,
            Text(o, "subject", required: true) ?? "",
            Text(o, "undertaker"),
            TextList(o, "jointDepartments"),
            handling ?? HandlingKind.Promised,
            List(o, "basis", required: true, b => new LegalBasis(Text(b, "law", required: true) ?? "", Text(b, "articles")), "legalBasis"),
            List(o, "fees", required: true, f => new Fee(
                Text(f, "name", required: true) ?? "", Text(f, "basis", required: true) ?? "",
                Text(f, "standard", required: true) ?? "", Number(f, "amount")), "fee"),
            Object(o, "guide", required: false, BindGuide));
    }

    private PublicGuide BindGuide(Obj o) => new(
        TextList(o, "conditions"),
        List(o, "materials", required: false, m => new Material(Text(m, "name", required: true) ?? "", Integer(m, "copies")), "material"),
        Text(o, "result"), Text(o, "location"), Text(o, "contact"), Text(o, "complaint"));

    // ---- limits ----

    private CaseLimits BindLimits(Obj o) => new(
        Duration(o, "legal", required: true) ?? Placeholder.Limits.Legal,
        Duration(o, "promised", required: true) ?? Placeholder.Limits.Promised,
        Object(o, "extension", required: false, e => new Extension(
            Duration(e, "max", required: true) ?? Placeholder.Limits.Legal, Text(e, "approver", required: true) ?? "")),
        Duration(o, "supplementNotice"),
        Duration(o, "certificate"));

    // ---- nodes ----

    private static readonly Dictionary<NodeKind, string> NodeDefinitions = new()
    {
        [NodeKind.Start] = "startNode", [NodeKind.Task] = "taskNode", [NodeKind.Decision] = "decisionNode",
        [NodeKind.Parallel] = "parallelNode", [NodeKind.Wait] = "waitNode", [NodeKind.Service] = "serviceNode", [NodeKind.End] = "endNode",
    };

    private Node? BindNode(SourceNode source, string path)
    {
        if (source is not SourceMapping mapping)
        {
            WrongType(source, path, "a node (a mapping with id, kind and name)");
            return null;
        }
        var kindNode = mapping.Entries.FirstOrDefault(e => e.Key.Text == "kind")?.Value;
        NodeKind kind;
        if (kindNode is null)
        {
            Report(Codes.MissingProperty, $"a node needs 'kind' ({string.Join(", ", Vocabulary.NodeKinds.All)})", path, mapping.Position);
            return null;
        }
        if (kindNode is not SourceScalar { Kind: ScalarKind.String } kindText || !Vocabulary.NodeKinds.TryParse(kindText.Text, out kind))
        {
            Report(Codes.NotAllowedValue,
                $"unknown node kind {Show(kindNode)}; use one of {string.Join(", ", Vocabulary.NodeKinds.All)}{Suggest(Show(kindNode).Trim('\''), Vocabulary.NodeKinds.All)}",
                path + "/kind", kindNode.Position);
            return null;
        }
        var o = Open(mapping, path, NodeDefinitions[kind], $"a {kindText.Text} node")!;
        var id = Identifier(o, "id", required: true) ?? "";
        var name = Text(o, "name", required: true) ?? "";
        return kind switch
        {
            NodeKind.Start => new StartNode(id, name),
            NodeKind.Decision => new DecisionNode(id, name),
            NodeKind.Task => BindTask(o, id, name),
            NodeKind.Parallel => BindParallel(o, id, name),
            NodeKind.Wait => new WaitNode(id, name, Duration(o, "duration", required: true) ?? Placeholder.Limits.Legal),
            NodeKind.Service => new ServiceNode(id, name,
                Word(o, "action", Vocabulary.ServiceActions, Codes.NotAllowedValue, required: true, "service action") ?? ServiceAction.RenderDocument,
                Identifier(o, "template"),
                Word(o, "to", Vocabulary.NoticeRecipients, Codes.NotAllowedValue, required: false, "notice recipient")),
            _ => new EndNode(id, name, Word(o, "result", Vocabulary.EndResults, Codes.NotAllowedValue, required: true, "end result") ?? EndResult.Concluded),
        };
    }

    private TaskNode BindTask(Obj o, string id, string name)
    {
        var outcomes = o["outcomes"] is null ? TaskNode.DefaultOutcomes : List(o, "outcomes", required: false, BindOutcome);
        return new TaskNode(id, name,
            Text(o, "department", required: true) ?? "",
            Text(o, "role", required: true) ?? "",
            Duration(o, "limit"),
            Word(o, "risk", Vocabulary.RiskLevels, Codes.NotAllowedValue, required: false, "risk level"),
            BindWarning(o),
            outcomes,
            List(o, "form", required: false, BindFormField, "formField"),
            Object(o, "discretion", required: false, BindTaskDiscretion, "taskDiscretion"));
    }

    private DiscretionBinding BindTaskDiscretion(Obj o) => new(
        Identifier(o, "table", required: true) ?? "",
        Text(o, "column"),
        Text(o, "amount", required: true) ?? "",
        Text(o, "violationDate", required: true) ?? "",
        Text(o, "grounds"),
        Text(o, "mitigation"),
        Identifier(o, "legalReview"));

    private Outcome? BindOutcome(SourceNode source, string path)
    {
        if (source is SourceScalar { Kind: ScalarKind.String } word)
        {
            if (Vocabulary.OutcomeVerdicts.TryGetValue(word.Text, out var verdict)) return new Outcome(word.Text, verdict);
            Report(Codes.OutcomeNeedsVerdict,
                $"the verdict of outcome '{word.Text}' is not known; write {{name: {word.Text}, verdict: approve|reject|supplement|send-back|other}}",
                path, source.Position);
            return new Outcome(word.Text, Verdict.Other);
        }
        var o = Open(source, path, "outcomeObject", "an outcome (a word such as 同意, or {name, verdict})");
        if (o is null) return null;
        return new Outcome(Text(o, "name", required: true) ?? "",
            Word(o, "verdict", Vocabulary.Verdicts, Codes.NotAllowedValue, required: true, "verdict") ?? Verdict.Other);
    }

    private FormField BindFormField(Obj o) => new(
        FieldKey(o) ?? "",
        Text(o, "label", required: true) ?? "",
        Word(o, "type", Vocabulary.FieldTypes, Codes.NotAllowedValue, required: true, "field type") ?? FieldType.String,
        Bool(o, "required"),
        TextList(o, "options"));

    private WarningThreshold? BindWarning(Obj o)
    {
        if (o["warning"] is SourceScalar { Kind: ScalarKind.String } s && s.Text.TrimEnd().EndsWith('%'))
        {
            var number = s.Text.TrimEnd()[..^1].Trim();
            if (decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent is > 0 and < 100)
                return new WarningThreshold(null, percent);
            Report(Codes.BadDuration, $"a warning percentage must be between 0% and 100% exclusive, like '30%', not '{s.Text}'", o.PathOf("warning"), s.Position);
            return null;
        }
        var remaining = Duration(o, "warning");
        return remaining is null ? null : new WarningThreshold(remaining, null);
    }

    private ParallelNode BindParallel(Obj o, string id, string name) => new(id, name,
        Text(o, "lead", required: true) ?? "",
        Word(o, "join", Vocabulary.JoinModes, Codes.NotAllowedValue, required: true, "join mode") ?? JoinMode.All,
        Integer(o, "quorum"),
        Duration(o, "limit"),
        List(o, "branches", required: true, b => new Branch(
            Identifier(b, "id", required: true) ?? "",
            Text(b, "name", required: true) ?? "",
            Duration(b, "silence"),
            List(b, "nodes", required: true, BindNode)), "branch"));

    // ---- supervision ----

    private SupervisionRules BindSupervision(Obj o) => new(
        BindWarning(o),
        List(o, "escalations", required: false, BindEscalation, "escalation"));

    // Each default here is what an unwritten key means; the writer leaves out exactly these values.
    private EscalationRule BindEscalation(Obj o) => new(
        Word(o, "on", Vocabulary.EscalationEvents, Codes.NotAllowedValue, required: true, "escalation event") ?? EscalationEvent.CaseWarning,
        Bool(o, "warn", absent: true),
        Bool(o, "notify"),
        Bool(o, "supervise"),
        Duration(o, "answerWithin"),
        Number(o, "points") ?? 0);

    // ---- flows, procedures, templates, layout ----

    private Flow BindFlow(Obj o) => new(
        Identifier(o, "from", required: true) ?? "",
        Identifier(o, "to", required: true) ?? "",
        Text(o, "on"), Text(o, "when"), Bool(o, "default"));

    private SpecialProcedure BindProcedure(Obj o) => new(
        Text(o, "kind", required: true) ?? "",
        Word(o, "effect", Vocabulary.ProcedureEffects, Codes.NotAllowedValue, required: false, "effect") ?? ProcedureEffect.StopClock,
        Duration(o, "budget"),
        Text(o, "ref"),
        IdentifierList(o, "nodes"));

    private DocumentTemplate BindTemplate(Obj o) => new(
        Identifier(o, "id", required: true) ?? "", Text(o, "name", required: true) ?? "", Text(o, "body", required: true) ?? "");

    private ValueList<NodePosition> BindLayout(Obj o)
    {
        if (o["layout"] is not { } source) return ValueList<NodePosition>.Empty;
        if (source is SourceScalar { Kind: ScalarKind.Null }) return ValueList<NodePosition>.Empty;
        if (source is not SourceMapping mapping)
        {
            WrongType(source, "/layout", "a mapping of node id to {x, y}");
            return ValueList<NodePosition>.Empty;
        }
        var positions = new List<NodePosition>();
        foreach (var entry in Unique(mapping, "/layout"))
        {
            var path = $"/layout/{Segment(entry.Key.Text)}";
            _map.Record(path, entry.Key.Position); // findings about a position point at its node id
            CheckIdentifier(entry.Key.Text, path, entry.Key.Position);
            var p = Open(entry.Value, path, "position", "a position {x, y}");
            if (p is null) continue;
            positions.Add(new NodePosition(entry.Key.Text, Coordinate(p, "x"), Coordinate(p, "y")));
        }
        return positions.ToValueList();
    }

    // ---- discretion ----

    private DiscretionEntry BindDiscretion(Obj o) => new(
        Identifier(o, "id", required: true) ?? "",
        Text(o, "violation", required: true) ?? "",
        Text(o, "violates"),
        Text(o, "basis", required: true) ?? "",
        Date(o, "effectiveFrom"),
        TextList(o, "measures"),
        List(o, "columns", required: true, c => new DiscretionColumn(
            Identifier(c, "id", required: true) ?? "", Text(c, "name", required: true) ?? "",
            Object(c, "statutory", required: true, BindBand, "band") ?? new Band(0, 0, BandUnit.Yuan, null),
            Text(c, "base")), "discretionColumn"),
        List(o, "tiers", required: true, BindTier, "discretionTier"));

    private DiscretionTier BindTier(Obj o)
    {
        var level = Word(o, "level", Vocabulary.TierLevels, Codes.NotAllowedValue, required: true, "tier level") ?? TierLevel.General;
        var bands = new List<ColumnBand>();
        switch (o["bands"])
        {
            case null:
                Missing(o, "bands");
                break;
            case SourceMapping mapping:
                foreach (var entry in Unique(mapping, o.PathOf("bands")))
                {
                    var path = $"{o.PathOf("bands")}/{Segment(entry.Key.Text)}";
                    var band = Object(entry.Value, path, BindBand, "band");
                    if (band is not null) bands.Add(new ColumnBand(entry.Key.Text, band));
                }
                break;
            case var other:
                WrongType(other, o.PathOf("bands"), "a mapping of column id to band {min, max, unit, of}");
                break;
        }
        return new DiscretionTier(level, TextList(o, "circumstances"), Text(o, "when"), bands.ToValueList());
    }

    private Band BindBand(Obj o) => new(
        Number(o, "min", required: true) ?? 0,
        Number(o, "max", required: true) ?? 0,
        Word(o, "unit", Vocabulary.BandUnits, Codes.NotAllowedValue, required: true, "band unit") ?? BandUnit.Yuan,
        Text(o, "of"));
}
