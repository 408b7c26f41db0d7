using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bpm.Definitions.Model;
using Bpm.Definitions.Reading;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Bpm.Definitions.Writing;

/// <summary>
/// Writes a <see cref="ProcessDefinition"/> back in the DSL, in a canonical form the reader reads into an
/// equal model: keys in <see cref="DslKeys"/> order, absent optional values and empty optional lists left
/// out, numbers without trailing zeros. The canonical JSON (no layout, no whitespace) is what the content
/// hash is taken over, so anything that changes it changes every published hash: only add, never reorder.
/// </summary>
public static class DefinitionWriter
{
    /// <summary>JSON with durations always in long form <c>{value, unit, ref?}</c>, so each has one spelling.</summary>
    public static string ToJson(ProcessDefinition d, bool indented = true, bool includeLayout = true) =>
        Encoding.UTF8.GetString(ToJsonUtf8(d, indented, includeLayout));

    /// <summary>YAML for people: short durations ("20 工作日") where no legal reference is attached.</summary>
    public static string ToYaml(ProcessDefinition d) => YamlOutput.Write(new DslTreeBuilder(shortDurations: true).Definition(d, includeLayout: true));

    internal static byte[] ToJsonUtf8(ProcessDefinition d, bool indented, bool includeLayout) =>
        JsonOutput.Write(new DslTreeBuilder(shortDurations: false).Definition(d, includeLayout), indented);
}

// ---- the format-neutral tree both outputs are written from ----

internal abstract record DslValue;

internal sealed record DslText(string Text) : DslValue;

/// <summary>A number already in its canonical invariant spelling.</summary>
internal sealed record DslNumber(string Text) : DslValue;

internal sealed record DslBool(bool Value) : DslValue;

/// <summary><paramref name="Flow"/> asks YAML for the one-line <c>[a, b]</c> form; JSON ignores it.</summary>
internal sealed record DslList(IReadOnlyList<DslValue> Items, bool Flow) : DslValue;

/// <summary><paramref name="KeysAreIds"/>: keys written by the author (node or column ids), not DSL property names.</summary>
internal sealed record DslMap(IReadOnlyList<KeyValuePair<string, DslValue>> Entries, bool Flow, bool KeysAreIds = false) : DslValue;

/// <summary>Collects one DSL object's properties and puts them in the order <see cref="DslKeys"/> gives.</summary>
internal sealed class DslObject(string definition, bool flow = false)
{
    private readonly string[] _order = DslKeys.Of(definition);
    private readonly List<KeyValuePair<string, DslValue>> _entries = [];

    /// <summary>Adds the property unless the value is absent (null), which is how optional values are left out.</summary>
    public DslObject Add(string key, DslValue? value)
    {
        // A key the reader does not know would make the output unreadable: fail here, not at the next read.
        if (Array.IndexOf(_order, key) < 0) throw new InvalidOperationException($"'{key}' is not a property of {definition}");
        if (value is not null) _entries.Add(new(key, value));
        return this;
    }

    public DslMap Build() => new(_entries.OrderBy(e => Array.IndexOf(_order, e.Key)).ToArray(), flow);
}

/// <summary>Turns the model into the DSL tree. One traversal serves JSON and YAML, so they cannot drift apart.</summary>
internal sealed class DslTreeBuilder(bool shortDurations)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public DslMap Definition(ProcessDefinition d, bool includeLayout) => new DslObject("definition")
        .Add("power", Power(d.Power))
        .Add("limits", Limits(d.Limits))
        .Add("nodes", List(d.Nodes, Node))
        .Add("flows", List(d.Flows, Flow))
        .Add("specialProcedures", Optional(d.SpecialProcedures, Procedure))
        .Add("discretion", Optional(d.Discretion, Discretion))
        .Add("templates", Optional(d.Templates, Template))
        // Absent (null) writes nothing, so definitions without the section keep their canonical JSON and hash.
        .Add("supervision", d.Supervision is { } s ? Supervision(s) : null)
        .Add("layout", includeLayout ? Layout(d.Layout) : null)
        .Build();

    // ---- power ----

    private DslMap Power(Power p) => new DslObject("power")
        .Add("code", Text(p.Code))
        .Add("name", Text(p.Name))
        .Add("category", Text(Vocabulary.Categories[p.Category]))
        .Add("subject", Text(p.Subject))
        .Add("undertaker", Text(p.Undertaker))
        .Add("jointDepartments", Optional(p.JointDepartments, Text, flow: true))
        .Add("handling", Text(Vocabulary.HandlingKinds[p.Handling]))
        .Add("basis", List(p.Basis, b => new DslObject("legalBasis").Add("law", Text(b.Law)).Add("articles", Text(b.Articles)).Build()))
        // fees is required even when empty: `fees: []` is the explicit statement 不收费.
        .Add("fees", List(p.Fees, f => new DslObject("fee")
            .Add("name", Text(f.Name)).Add("basis", Text(f.Basis)).Add("standard", Text(f.Standard)).Add("amount", Number(f.Amount))
            .Build()))
        .Add("guide", p.Guide is { } g ? Guide(g) : null)
        .Build();

    private DslMap Guide(PublicGuide g) => new DslObject("guide")
        .Add("conditions", Optional(g.Conditions, Text))
        .Add("materials", Optional(g.Materials, m => new DslObject("material", flow: true)
            .Add("name", Text(m.Name)).Add("copies", Number(m.Copies)).Build()))
        .Add("result", Text(g.Result))
        .Add("location", Text(g.Location))
        .Add("contact", Text(g.Contact))
        .Add("complaint", Text(g.Complaint))
        .Build();

    // ---- time ----

    private DslMap Limits(CaseLimits l) => new DslObject("limits")
        .Add("legal", Duration(l.Legal))
        .Add("promised", Duration(l.Promised))
        .Add("extension", l.Extension is { } e
            ? new DslObject("extension").Add("max", Duration(e.Max)).Add("approver", Text(e.Approver)).Build()
            : null)
        .Add("supplementNotice", Duration(l.SupplementNotice))
        .Add("certificate", Duration(l.Certificate))
        .Build();

    private DslValue? Duration(Duration? d)
    {
        if (d is null) return null;
        var unit = Vocabulary.TimeUnits[d.Unit];
        if (shortDurations && d.Ref is null) return new DslText($"{Format(d.Value)} {unit}");
        return new DslObject("durationObject", flow: true)
            .Add("value", Number(d.Value)).Add("unit", Text(unit)).Add("ref", Text(d.Ref)).Build();
    }

    private DslValue? Warning(WarningThreshold? w) => w switch
    {
        { Percent: { } percent } => new DslText($"{Format(percent)}%"),
        { Remaining: { } remaining } => Duration(remaining),
        _ => null,
    };

    // ---- nodes ----

    private DslMap Node(Node node)
    {
        var o = new DslObject(NodeDefinition(node.Kind))
            .Add("id", Text(node.Id))
            .Add("kind", Text(Vocabulary.NodeKinds[node.Kind]))
            .Add("name", Text(node.Name));
        switch (node)
        {
            case TaskNode t:
                o.Add("department", Text(t.Department))
                    .Add("role", Text(t.Role))
                    .Add("limit", Duration(t.Limit))
                    .Add("risk", t.Risk is { } risk ? Text(Vocabulary.RiskLevels[risk]) : null)
                    .Add("warning", Warning(t.Warning))
                    // Always explicit: an absent list means the defaults [同意, 不同意], an empty one means none.
                    .Add("outcomes", List(t.Outcomes, Outcome, flow: t.Outcomes.All(IsPlainWord)))
                    .Add("form", Optional(t.Form, Field))
                    .Add("discretion", t.Discretion is { } binding ? TaskDiscretion(binding) : null);
                break;
            case ParallelNode p:
                o.Add("lead", Text(p.Lead))
                    .Add("join", Text(Vocabulary.JoinModes[p.Join]))
                    .Add("quorum", Number(p.Quorum))
                    .Add("limit", Duration(p.Limit))
                    .Add("branches", List(p.Branches, b => new DslObject("branch")
                        .Add("id", Text(b.Id)).Add("name", Text(b.Name)).Add("silence", Duration(b.Silence)).Add("nodes", List(b.Nodes, Node))
                        .Build()));
                break;
            case WaitNode w:
                o.Add("duration", Duration(w.Duration));
                break;
            case ServiceNode s:
                o.Add("action", Text(Vocabulary.ServiceActions[s.Action]))
                    .Add("template", Text(s.Template))
                    .Add("to", s.To is { } to ? Text(Vocabulary.NoticeRecipients[to]) : null);
                break;
            case EndNode e:
                o.Add("result", Text(Vocabulary.EndResults[e.Result]));
                break;
        }
        return o.Build();
    }

    private static string NodeDefinition(NodeKind kind) => kind switch
    {
        NodeKind.Start => "startNode",
        NodeKind.Task => "taskNode",
        NodeKind.Decision => "decisionNode",
        NodeKind.Parallel => "parallelNode",
        NodeKind.Wait => "waitNode",
        NodeKind.Service => "serviceNode",
        _ => "endNode",
    };

    // The plain word is only right when the reader would give it the same verdict.
    private static bool IsPlainWord(Outcome outcome) =>
        Vocabulary.OutcomeVerdicts.TryGetValue(outcome.Name, out var verdict) && verdict == outcome.Verdict;

    private DslValue Outcome(Outcome outcome) => IsPlainWord(outcome)
        ? new DslText(outcome.Name)
        : new DslObject("outcomeObject", flow: true)
            .Add("name", Text(outcome.Name)).Add("verdict", Text(Vocabulary.Verdicts[outcome.Verdict])).Build();

    private static DslMap TaskDiscretion(DiscretionBinding b) => new DslObject("taskDiscretion")
        .Add("table", Text(b.Table))
        .Add("column", Text(b.Column))
        .Add("amount", Text(b.Amount))
        .Add("violationDate", Text(b.ViolationDate))
        .Add("grounds", Text(b.Grounds))
        .Add("mitigation", Text(b.Mitigation))
        .Add("legalReview", Text(b.LegalReview))
        .Build();

    // One line per field, unless a list of options would make the line too long to read.
    private DslMap Field(FormField f) => new DslObject("formField", flow: f.Options.Count == 0)
        .Add("key", Text(f.Key))
        .Add("label", Text(f.Label))
        .Add("type", Text(Vocabulary.FieldTypes[f.Type]))
        .Add("required", f.Required ? new DslBool(true) : null)
        .Add("options", Optional(f.Options, Text, flow: true))
        .Build();

    // ---- supervision ----

    // Always written when present, even empty ({}): the reader keeps an empty section, so it must read back equal.
    private DslMap Supervision(SupervisionRules s) => new DslObject("supervision")
        .Add("warning", Warning(s.Warning))
        .Add("escalations", Optional(s.Escalations, Escalation))
        .Build();

    // Values equal to what an unwritten key means (warn: true, notify/supervise: false, points: 0) are left out.
    private DslMap Escalation(EscalationRule e) => new DslObject("escalation", flow: true)
        .Add("on", Text(Vocabulary.EscalationEvents[e.On]))
        .Add("warn", e.Warn ? null : new DslBool(false))
        .Add("notify", e.Notify ? new DslBool(true) : null)
        .Add("supervise", e.Supervise ? new DslBool(true) : null)
        .Add("answerWithin", Duration(e.AnswerWithin))
        .Add("points", e.Points == 0 ? null : Number(e.Points))
        .Build();

    // ---- flows, procedures, templates, layout ----

    private DslMap Flow(Flow f) => new DslObject("flow", flow: true)
        .Add("from", Text(f.From))
        .Add("to", Text(f.To))
        .Add("on", Text(f.On))
        .Add("when", Text(f.When))
        .Add("default", f.Default ? new DslBool(true) : null)
        .Build();

    private DslMap Procedure(SpecialProcedure p) => new DslObject("specialProcedure")
        .Add("kind", Text(p.Kind))
        .Add("effect", Text(Vocabulary.ProcedureEffects[p.Effect]))
        .Add("budget", Duration(p.Budget))
        .Add("ref", Text(p.Ref))
        .Add("nodes", Optional(p.Nodes, Text, flow: true))
        .Build();

    private DslMap Template(DocumentTemplate t) => new DslObject("template")
        .Add("id", Text(t.Id)).Add("name", Text(t.Name)).Add("body", Text(t.Body)).Build();

    private static DslMap? Layout(ValueList<NodePosition> layout) => layout.Count == 0
        ? null
        : new DslMap(layout.Select(p => new KeyValuePair<string, DslValue>(p.NodeId, new DslObject("position", flow: true)
            .Add("x", new DslNumber(Coordinate.Format(p.X))).Add("y", new DslNumber(Coordinate.Format(p.Y))).Build())).ToArray(), Flow: false, KeysAreIds: true);

    // ---- discretion ----

    private DslMap Discretion(DiscretionEntry e) => new DslObject("discretionEntry")
        .Add("id", Text(e.Id))
        .Add("violation", Text(e.Violation))
        .Add("violates", Text(e.Violates))
        .Add("basis", Text(e.Basis))
        .Add("effectiveFrom", e.EffectiveFrom is { } date ? Text(date.ToString("yyyy-MM-dd", Invariant)) : null)
        .Add("measures", Optional(e.Measures, Text, flow: true))
        .Add("columns", List(e.Columns, c => new DslObject("discretionColumn")
            .Add("id", Text(c.Id)).Add("name", Text(c.Name)).Add("statutory", Band(c.Statutory)).Add("base", Text(c.Base)).Build()))
        .Add("tiers", List(e.Tiers, Tier))
        .Build();

    // bands is required, so an empty one is still written ({}).
    private DslMap Tier(DiscretionTier t) => new DslObject("discretionTier")
        .Add("level", Text(Vocabulary.TierLevels[t.Level]))
        .Add("circumstances", Optional(t.Circumstances, Text, flow: true))
        .Add("when", Text(t.When))
        .Add("bands", new DslMap(t.Bands.Select(b => new KeyValuePair<string, DslValue>(b.Column, Band(b.Band))).ToArray(), Flow: false, KeysAreIds: true))
        .Build();

    private DslMap Band(Band b) => new DslObject("band", flow: true)
        .Add("min", Number(b.Min))
        .Add("max", Number(b.Max))
        .Add("unit", Text(Vocabulary.BandUnits[b.Unit]))
        .Add("of", Text(b.Of))
        .Build();

    // ---- values ----

    private static DslText? Text(string? text) => text is null ? null : new DslText(text);

    private static DslNumber? Number(decimal? value) => value is { } v ? new DslNumber(Format(v)) : null;

    private static DslNumber? Number(int? value) => value is { } v ? new DslNumber(v.ToString(Invariant)) : null;

    /// <summary>
    /// A decimal keeps its scale (20.0 ≠ 20 as text, though equal as values); dividing by 1.000…0 drops
    /// trailing zeros so equal values always hash alike. Decimal's own ToString never uses an exponent,
    /// which the short duration form could not read.
    /// </summary>
    internal static string Format(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(Invariant);

    private static DslList List<T>(ValueList<T> items, Func<T, DslValue?> write, bool flow = false) =>
        new(items.Select(item => write(item) ?? throw new InvalidOperationException("a list item cannot be absent")).ToArray(), flow);

    private static DslList? Optional<T>(ValueList<T> items, Func<T, DslValue?> write, bool flow = false) =>
        items.Count == 0 ? null : List(items, write, flow);
}

/// <summary>Spells a layout coordinate so that it reads back as the same <see cref="double"/> (the reader parses doubles directly).</summary>
internal static class Coordinate
{
    public static string Format(double value) => double.IsFinite(value)
        ? value.ToString("R", CultureInfo.InvariantCulture)
        : throw new ArgumentOutOfRangeException(nameof(value), value, "a layout position must be a finite number");
}

internal static class JsonOutput
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    // Relaxed escaping keeps Chinese readable; the output is still deterministic, which is all the hash needs.
    private static readonly JsonWriterOptions Pretty = Compact with { Indented = true, NewLine = "\n" };

    public static byte[] Write(DslValue root, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, indented ? Pretty : Compact))
            Value(writer, root);
        return buffer.ToArray();
    }

    private static void Value(Utf8JsonWriter writer, DslValue value)
    {
        switch (value)
        {
            case DslText t:
                writer.WriteStringValue(t.Text);
                break;
            case DslNumber n:
                // Raw, so the canonical spelling is written as is (WriteNumberValue(decimal) keeps the scale).
                writer.WriteRawValue(n.Text);
                break;
            case DslBool b:
                writer.WriteBooleanValue(b.Value);
                break;
            case DslList list:
                writer.WriteStartArray();
                foreach (var item in list.Items) Value(writer, item);
                writer.WriteEndArray();
                break;
            case DslMap map:
                writer.WriteStartObject();
                foreach (var (key, item) in map.Entries)
                {
                    writer.WritePropertyName(key);
                    Value(writer, item);
                }
                writer.WriteEndObject();
                break;
        }
    }
}

/// <summary>
/// YAML through YamlDotNet's emitter, which picks a quoting style that keeps each text intact. It cannot know
/// that a plain <c>12315</c> or <c>true</c> would read back as a number or a boolean, so such texts are quoted here.
/// </summary>
internal static partial class YamlOutput
{
    // 1.1 words (yes/no/on/off) are quoted too: other YAML tools that read these files may still follow 1.1.
    private static readonly HashSet<string> NonTextWords = new(StringComparer.Ordinal)
    {
        "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
        "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    };

    public static string Write(DslValue root)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        // No line width limit: folding long plain lines is legal but makes diffs noisy.
        var settings = new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024,
            skipAnchorName: false, indentSequences: true, newLine: "\n", useUtf16SurrogatePairs: false);
        var emitter = new Emitter(text, settings);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Value(emitter, root, inFlow: false);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Value(Emitter emitter, DslValue value, bool inFlow)
    {
        switch (value)
        {
            case DslText t:
                emitter.Emit(Scalar(t.Text, TextStyle(t.Text, inFlow)));
                break;
            case DslNumber n:
                emitter.Emit(Scalar(n.Text, ScalarStyle.Plain));
                break;
            case DslBool b:
                emitter.Emit(Scalar(b.Value ? "true" : "false", ScalarStyle.Plain));
                break;
            case DslList list:
                var flowList = inFlow || list.Flow;
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, flowList ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in list.Items) Value(emitter, item, flowList);
                emitter.Emit(new SequenceEnd());
                break;
            case DslMap map:
                var flowMap = inFlow || map.Flow;
                emitter.Emit(new MappingStart(null, null, isImplicit: true, flowMap ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, item) in map.Entries)
                {
                    // An author's id (layout, bands) gets the same care as a value; DSL names such as `on` and `y`
                    // are plain, as the README writes them (our reader takes every key as text).
                    emitter.Emit(Scalar(key, map.KeysAreIds ? TextStyle(key, inFlow: true) : ScalarStyle.Plain));
                    Value(emitter, item, flowMap);
                }
                emitter.Emit(new MappingEnd());
                break;
        }
    }

    private static Scalar Scalar(string text, ScalarStyle style) => new(null, null, text, style, isPlainImplicit: true, isQuotedImplicit: true);

    /// <summary>The preferred style; the emitter still falls back to quotes when the text needs them.</summary>
    private static ScalarStyle TextStyle(string text, bool inFlow)
    {
        if (text.Length == 0 || NonTextWords.Contains(text) || NumberLike().IsMatch(text)) return ScalarStyle.DoubleQuoted;
        // The emitter would write a leading or trailing tab plain, and plain scalars lose surrounding blanks.
        if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])) return text.Contains('\n') && !inFlow ? ScalarStyle.Literal : ScalarStyle.DoubleQuoted;
        // YAML turns \r, \r\n and (in 1.1) NEL/LS/PS written raw into \n; only escapes keep them.
        if (text.AsSpan().IndexOfAny('\r', '\u0085', '\u2028') >= 0 || text.Contains('\u2029')) return ScalarStyle.DoubleQuoted;
        // Multi-line texts (template bodies) read best as literal blocks: | keeps every line break as written.
        if (text.Contains('\n') && !inFlow) return ScalarStyle.Literal;
        return ScalarStyle.Plain;
    }

    /// <summary>Numbers in the YAML 1.2 core schema and the 1.1 extras (1_000, 1:30 sexagesimal, 0b101, .inf, .nan).</summary>
    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|0o[0-7]+|0x[0-9a-fA-F]+|0b[01_]+)$")]
    private static partial Regex NumberLike();
}
