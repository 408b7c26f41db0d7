using Bpm.Testing;
using System.Text.RegularExpressions;
using Bpm.Definitions.Model;
using Bpm.Definitions.Reading;
using Bpm.Definitions.Source;
using Bpm.Definitions.Writing;

namespace Bpm.Definitions.Tests;

public sealed partial class WriterTests
{
    private const string ReferenceSample = "XK00301001-construction-permit.yaml";

    /// <summary>
    /// Every sample that currently binds without errors. Samples are written concurrently and may be broken for
    /// a while; a broken one is left to the validation tests rather than failing the writer's.
    /// </summary>
    public static TheoryData<string> Samples() => new(CleanSamples());

    private static IEnumerable<string> CleanSamples() => Directory.GetFiles(RepositoryPaths.ProcessDefinitions, "*.yaml")
        .Select(path => Path.GetFileName(path))
        .Where(file => TryLoad(file, out _))
        .Order(StringComparer.Ordinal);

    [Fact]
    public void The_reference_sample_binds_without_errors_and_is_among_the_samples()
    {
        var bound = DefinitionBinder.Bind(YamlSourceReader.Read(File.ReadAllText(Path.Combine(RepositoryPaths.ProcessDefinitions, ReferenceSample))));
        Assert.DoesNotContain(bound.Diagnostics, d => d.IsError);
        Assert.True(bound.Complete);
        Assert.Contains(ReferenceSample, CleanSamples());
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Yaml_round_trip_gives_an_equal_model(string file)
    {
        var original = Load(file);
        var yaml = DefinitionWriter.ToYaml(original);

        Assert.Equal(original, BindClean(YamlSourceReader.Read(yaml), yaml));
        // Canonical: writing what was read back gives the same text.
        Assert.Equal(yaml, DefinitionWriter.ToYaml(BindClean(YamlSourceReader.Read(yaml), yaml)));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Json_round_trip_gives_an_equal_model(string file)
    {
        var original = Load(file);
        foreach (var json in new[] { DefinitionWriter.ToJson(original), DefinitionWriter.ToJson(original, indented: false) })
            Assert.Equal(original, BindClean(JsonSourceReader.Read(json), json));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Yaml_and_json_forms_have_the_same_hash(string file)
    {
        var original = Load(file);
        var fromYaml = BindClean(YamlSourceReader.Read(DefinitionWriter.ToYaml(original)), "yaml");
        var fromJson = BindClean(JsonSourceReader.Read(DefinitionWriter.ToJson(original)), "json");

        Assert.Equal(ContentHash.Of(original), ContentHash.Of(fromYaml));
        Assert.Equal(ContentHash.Of(fromYaml), ContentHash.Of(fromJson));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Layout_does_not_change_the_hash_but_a_node_limit_does(string file)
    {
        var original = Load(file);
        var hash = ContentHash.Of(original);

        Assert.Equal(hash, ContentHash.Of(original with { Layout = ValueList<NodePosition>.Empty }));
        Assert.Equal(hash, ContentHash.Of(original with { Layout = ValueList.Of(new NodePosition("start", 12.5, -3), new NodePosition("elsewhere", 1e6, 0.1)) }));
        Assert.DoesNotContain("layout", DefinitionWriter.ToJson(original, indented: false, includeLayout: false));

        var task = original.Nodes.OfType<TaskNode>().First();
        var longer = task with { Limit = task.Limit is { } limit ? limit with { Value = limit.Value + 1 } : new Duration(1, TimeUnit.WorkingDay) };
        var changed = original with { Nodes = original.Nodes.Select(n => n == task ? longer : n).ToValueList() };
        Assert.NotEqual(hash, ContentHash.Of(changed));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_hash_is_stable_lowercase_hex_sha256(string file)
    {
        var first = ContentHash.Of(Load(file));
        var second = ContentHash.Of(Load(file));

        Assert.Equal(first, second);
        Assert.Matches(HexSha256(), first);
    }

    [Fact]
    public void Equal_numbers_written_with_different_scales_hash_alike()
    {
        var original = Load(ReferenceSample);
        var scaled = original with { Limits = original.Limits with { Promised = original.Limits.Promised with { Value = original.Limits.Promised.Value * 1.000m } } };

        Assert.Equal(ContentHash.Of(original), ContentHash.Of(scaled));
        Assert.Equal(DefinitionWriter.ToYaml(original), DefinitionWriter.ToYaml(scaled));
    }

    [Fact]
    public void The_canonical_json_has_long_durations_and_no_whitespace()
    {
        var json = DefinitionWriter.ToJson(Load(ReferenceSample), indented: false, includeLayout: false);

        Assert.StartsWith("{\"power\":{\"code\":\"XK00301001\",\"name\":\"建筑工程施工许可证核发\",\"category\":\"行政许可\"", json);
        Assert.Contains("\"promised\":{\"value\":10,\"unit\":\"工作日\"}", json);
        Assert.Contains("\"legal\":{\"value\":45,\"unit\":\"工作日\",\"ref\":\"行政许可法第四十二条第二款\"}", json);
        Assert.Contains("\"fees\":[]", json);
        Assert.DoesNotContain("\n", json);
    }

    [Fact]
    public void Yaml_is_written_for_people()
    {
        var yaml = DefinitionWriter.ToYaml(Load(ReferenceSample));

        Assert.Contains("  promised: 10 工作日\n", yaml);
        Assert.Contains("  fees: []\n", yaml);
        Assert.Contains("  - {from: start, to: accept}\n", yaml);
        Assert.Contains("    body: |\n", yaml);
        Assert.Contains("    outcomes: [受理, 不予受理, 补正]\n", yaml);
    }

    [Fact]
    public void Tricky_texts_written_in_yaml_round_trip()
    {
        const string yaml = """
            power:
              code: XK00301001
              name: 'a: b # not a comment'
              category: 行政许可
              subject: "null"
              undertaker: "- item"
              handling: 承诺件
              basis: [{law: "1.30", articles: "0x1F"}]
              fees: [{name: 工本费, basis: '[依据]', standard: "{标准}", amount: 10.50}]
              guide:
                contact: "true"
                complaint: "12315"
                result: "yes"
                location: "  leading and trailing  "
            limits:
              legal: {value: 20.0, unit: 工作日, ref: "第四十二条"}
              promised: 0.5 工作日
            nodes:
              - {id: start, kind: start, name: "~"}
              - id: review
                kind: task
                name: "'quoted' and \"double\""
                department: "%tag"
                role: "*alias"
                warning: 30%
                outcomes: [同意, {name: 部分公开, verdict: approve}, {name: 不同意, verdict: other}]
                form:
                  - {key: kind, label: "选项: 甲", type: choice, options: ["1", "false", "", "a, b"]}
              - {id: "true", kind: end, name: "", result: 准予}
            flows:
              - {from: start, to: review}
              - {from: review, to: "true", when: "data.kind == 'a' || data.x > 1", default: true}
            templates:
              - id: t
                name: 通知书
                body: "  indented first line\n{{applicant.name}}：\n\n\ttab line\ntrailing blanks\n\n\n"
              - {id: u, name: no newline, body: "one\ntwo"}
              - {id: v, name: crlf, body: "one\r\ntwo\u2028three 😀"}
            layout:
              "true": {x: 0.1, y: -7.25}
              start: {x: 18212.311886349842, y: 1e-5}
            """;
        var original = BindClean(YamlSourceReader.Read(yaml), yaml);
        Assert.Equal("12315", original.Power.Guide!.Complaint);
        Assert.Equal("true", original.Power.Guide.Contact);
        Assert.Equal("a: b # not a comment", original.Power.Name);

        var written = DefinitionWriter.ToYaml(original);
        Assert.Equal(original, BindClean(YamlSourceReader.Read(written), written));
        var json = DefinitionWriter.ToJson(original);
        Assert.Equal(original, BindClean(JsonSourceReader.Read(json), json));
        Assert.Equal(ContentHash.Of(original), ContentHash.Of(BindClean(YamlSourceReader.Read(written), written)));
    }

    [Theory]
    [InlineData("12315")]
    [InlineData("true")]
    [InlineData("False")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData("off")]
    [InlineData("-1.5e3")]
    [InlineData(".inf")]
    [InlineData("12:30")]
    [InlineData("2021-03-30")]
    [InlineData("a: b")]
    [InlineData("a #b")]
    [InlineData("#comment")]
    [InlineData("&anchor")]
    [InlineData("!tag")]
    [InlineData("@at")]
    [InlineData("`tick")]
    [InlineData("|")]
    [InlineData(">")]
    [InlineData("? key")]
    [InlineData("- dash")]
    [InlineData("---")]
    [InlineData("...")]
    [InlineData(" lead")]
    [InlineData("trail ")]
    [InlineData("line\nbreak")]
    [InlineData("line\n")]
    [InlineData("\nline")]
    [InlineData("\r")]
    [InlineData("a\t\nb\t")]
    [InlineData("\tx\ny")]
    [InlineData(" \n ")]
    [InlineData("x\n\n\n")]
    [InlineData("\t")]
    [InlineData("\u0085 \u2028 \u2029 \uFEFF \u0001")]
    public void Any_text_round_trips_wherever_it_is_written(string text)
    {
        var reference = Load(ReferenceSample);
        var guide = reference.Power.Guide! with { Contact = text, Complaint = text, Conditions = ValueList.Of(text, "x") };
        var modified = reference with
        {
            Power = reference.Power with { Name = text, JointDepartments = ValueList.Of(text), Guide = guide },
            Templates = reference.Templates.Select(t => t with { Body = text }).ToValueList(),
            Flows = reference.Flows.Select(f => f with { When = text }).ToValueList(),
        };

        var yaml = DefinitionWriter.ToYaml(modified);
        Assert.Equal(modified, BindClean(YamlSourceReader.Read(yaml), yaml));
        var json = DefinitionWriter.ToJson(modified);
        Assert.Equal(modified, BindClean(JsonSourceReader.Read(json), json));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(-0.5)]
    [InlineData(1e-5)]
    [InlineData(1e20)]
    [InlineData(18212.311886349842)]
    [InlineData(204251.53556477814)]
    [InlineData(-113.97843952941633)]
    [InlineData(1911.0442776750047)]
    [InlineData(0.30000000000000004)]
    public void Layout_coordinates_read_back_exactly(double coordinate)
    {
        var reference = Load(ReferenceSample);
        var moved = reference with { Layout = ValueList.Of(new NodePosition("start", coordinate, -coordinate)) };

        var yaml = DefinitionWriter.ToYaml(moved);
        Assert.Equal(moved.Layout, BindClean(YamlSourceReader.Read(yaml), yaml).Layout);
        var json = DefinitionWriter.ToJson(moved);
        Assert.Equal(moved.Layout, BindClean(JsonSourceReader.Read(json), json).Layout);
    }

    [Fact]
    public void Every_optional_shape_round_trips()
    {
        var reference = Load(ReferenceSample);
        var review = new TaskNode("review", "审查", "某局", "审查员", new Duration(2.5m, TimeUnit.Hour, "某条"), RiskLevel.A,
            new WarningThreshold(null, 12.5m), ValueList<Outcome>.Empty,
            ValueList.Of(new FormField("pick", "选择", FieldType.Choice, true, ValueList.Of("甲", "乙"))));
        var reviewWithDefaults = review with
        {
            Id = "review2", Warning = new WarningThreshold(new Duration(1, TimeUnit.NaturalDay, "ref"), null), Outcomes = TaskNode.DefaultOutcomes,
            Form = ValueList<FormField>.Empty, Limit = null, Risk = null,
        };
        var block = new ParallelNode("block", "并联", "牵头", JoinMode.NOfM, 2, null, ValueList.Of(
            new Branch("b1", "一", new Duration(3, TimeUnit.WorkingDay, "视为同意"), ValueList.Of<Node>(
                new WaitNode("wait", "等待", new Duration(4, TimeUnit.Hour)),
                new ServiceNode("notice", "通知", ServiceAction.SendNotice, null, NoticeRecipient.Department))),
            new Branch("b2", "二", null, ValueList.Of<Node>(reviewWithDefaults with { Id = "inner" }))));
        var discretion = new DiscretionEntry("d1", "违法行为", null, "依据", new DateOnly(2021, 3, 30), ValueList<string>.Empty,
            ValueList.Of(new DiscretionColumn("c1", "单位", new Band(0, 3, BandUnit.Times, "违法所得"))),
            ValueList.Of(
                new DiscretionTier(TierLevel.Minor, ValueList<string>.Empty, null, ValueList<ColumnBand>.Empty),
                new DiscretionTier(TierLevel.General, ValueList.Of("情节一般"), "data.x > 1", ValueList.Of(new ColumnBand("c1", new Band(1.0m, 2.50m, BandUnit.Times, "违法所得"))))));
        var modified = reference with
        {
            Power = reference.Power with
            {
                Undertaker = null, JointDepartments = ValueList<string>.Empty, Guide = null,
                Basis = ValueList.Of(new LegalBasis("某法", null)),
                Fees = ValueList.Of(new Fee("工本费", "依据", "标准", null), new Fee("费", "依据", "标准", 12.00m)),
            },
            Limits = new CaseLimits(new Duration(0, TimeUnit.WorkingDay), new Duration(0.5m, TimeUnit.NaturalDay, ""), new Extension(new Duration(5, TimeUnit.WorkingDay), "负责人"), null, null),
            Nodes = reference.Nodes.Concat(new Node[] { review, reviewWithDefaults, block, new DecisionNode("decide", "判断") }).ToValueList(),
            SpecialProcedures = ValueList.Of(new SpecialProcedure("听证", ProcedureEffect.ExtendDeadline, null, null, ValueList<string>.Empty)),
            Discretion = ValueList.Of(discretion),
            Templates = ValueList<DocumentTemplate>.Empty,
            Layout = ValueList<NodePosition>.Empty,
        };

        var yaml = DefinitionWriter.ToYaml(modified);
        Assert.Equal(modified, BindClean(YamlSourceReader.Read(yaml), yaml));
        var json = DefinitionWriter.ToJson(modified);
        Assert.Equal(modified, BindClean(JsonSourceReader.Read(json), json));
        Assert.Equal(ContentHash.Of(modified), ContentHash.Of(BindClean(JsonSourceReader.Read(json), json)));
    }

    /// <summary>
    /// The canonical JSON of the reference sample, as published before the <c>supervision</c> section existed.
    /// A definition without the section must keep it byte for byte, or every published hash would change. If the
    /// sample's content is edited on purpose, take the new value from the failure message.
    /// </summary>
    private const string ReferenceHashWithoutSupervision = "34a4f4986f2059ce469bada444a6bef85435e810f738f96d08b4636c558d7d8a";

    [Fact]
    public void A_definition_without_supervision_keeps_the_canonical_json_and_hash_it_had_before_the_section_existed()
    {
        var withoutSection = Load(ReferenceSample) with { Supervision = null };

        Assert.Equal(ReferenceHashWithoutSupervision, ContentHash.Of(withoutSection));
        Assert.DoesNotContain("supervision", DefinitionWriter.ToJson(withoutSection, indented: false, includeLayout: false));
        Assert.DoesNotContain("supervision", DefinitionWriter.ToYaml(withoutSection));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_supervision_section_is_written_only_when_present_and_changes_the_hash(string file)
    {
        var original = Load(file);
        var without = original with { Supervision = null };
        var with = original with { Supervision = new SupervisionRules(null, ValueList.Of(new EscalationRule(EscalationEvent.NodeOverdue, true, false, false, null, 1))) };

        Assert.DoesNotContain("\"supervision\"", DefinitionWriter.ToJson(without, indented: false, includeLayout: false));
        Assert.NotEqual(ContentHash.Of(without), ContentHash.Of(with));
        Assert.Contains("\"supervision\":{\"escalations\":[{\"on\":\"node-overdue\",\"points\":1}]}", DefinitionWriter.ToJson(with, indented: false, includeLayout: false));
    }

    [Fact]
    public void Every_supervision_shape_round_trips()
    {
        var reference = Load(ReferenceSample);
        var escalations = ValueList.Of(
            new EscalationRule(EscalationEvent.CaseWarning, true, true, false, null, 0),
            new EscalationRule(EscalationEvent.CaseOverdue, false, true, false, null, 1.50m),
            new EscalationRule(EscalationEvent.CaseRedCard, true, true, true, new Duration(5, TimeUnit.WorkingDay), 2),
            new EscalationRule(EscalationEvent.NodeWarning, false, false, false, null, 0),
            new EscalationRule(EscalationEvent.NodeOverdue, true, false, true, null, 0.5m),
            new EscalationRule(EscalationEvent.SupervisionOverdue, true, true, true, new Duration(48, TimeUnit.Hour, "督办办法第九条"), 2));
        foreach (var supervision in new[]
                 {
                     new SupervisionRules(new WarningThreshold(new Duration(2, TimeUnit.WorkingDay), null), escalations),
                     new SupervisionRules(new WarningThreshold(null, 30m), ValueList<EscalationRule>.Empty),
                     new SupervisionRules(new WarningThreshold(new Duration(1, TimeUnit.NaturalDay, "ref"), null), ValueList<EscalationRule>.Empty),
                     new SupervisionRules(null, escalations),
                     new SupervisionRules(null, ValueList<EscalationRule>.Empty),
                 })
        {
            var modified = reference with { Supervision = supervision };
            var yaml = DefinitionWriter.ToYaml(modified);
            Assert.Equal(modified, BindClean(YamlSourceReader.Read(yaml), yaml));
            Assert.Equal(yaml, DefinitionWriter.ToYaml(BindClean(YamlSourceReader.Read(yaml), yaml)));
            var json = DefinitionWriter.ToJson(modified);
            Assert.Equal(modified, BindClean(JsonSourceReader.Read(json), json));
            Assert.Equal(ContentHash.Of(modified), ContentHash.Of(BindClean(JsonSourceReader.Read(json), json)));
            Assert.NotEqual(ContentHash.Of(reference with { Supervision = null }), ContentHash.Of(modified));
        }
    }

    [Fact]
    public void Escalations_are_written_in_one_line_without_their_default_values()
    {
        var yaml = DefinitionWriter.ToYaml(Load(ReferenceSample) with
        {
            Supervision = new SupervisionRules(new WarningThreshold(null, 30m), ValueList.Of(
                new EscalationRule(EscalationEvent.NodeWarning, true, false, false, null, 0),
                new EscalationRule(EscalationEvent.CaseRedCard, true, true, true, new Duration(5, TimeUnit.WorkingDay), 2.0m),
                new EscalationRule(EscalationEvent.NodeOverdue, false, false, false, null, 0.50m))),
        });

        Assert.Contains("supervision:\n  warning: 30%\n  escalations:\n" +
                        "    - {on: node-warning}\n" +
                        "    - {on: case-red-card, notify: true, supervise: true, answerWithin: 5 工作日, points: 2}\n" +
                        "    - {on: node-overdue, warn: false, points: 0.5}\n", yaml);
    }

    [Fact]
    public void Unwritten_escalation_keys_take_the_dsl_defaults()
    {
        const string yaml = """
            supervision:
              warning: 2 工作日
              escalations:
                - {on: case-warning}
                - {on: case-red-card, warn: false, notify: true, supervise: true, answerWithin: 3 工作日, points: 2.5}
            """;
        var bound = DefinitionBinder.Bind(YamlSourceReader.Read(yaml));
        var supervision = bound.Definition.Supervision;

        Assert.NotNull(supervision);
        Assert.Equal(new WarningThreshold(new Duration(2, TimeUnit.WorkingDay), null), supervision.Warning);
        Assert.Equal(new EscalationRule(EscalationEvent.CaseWarning, Warn: true, Notify: false, Supervise: false, AnswerWithin: null, Points: 0), supervision.Escalations[0]);
        Assert.Equal(new EscalationRule(EscalationEvent.CaseRedCard, false, true, true, new Duration(3, TimeUnit.WorkingDay), 2.5m), supervision.Escalations[1]);
        Assert.DoesNotContain(bound.Diagnostics, d => d.Path.StartsWith("/supervision", StringComparison.Ordinal));
        Assert.Null(DefinitionBinder.Bind(YamlSourceReader.Read("supervision: null")).Definition.Supervision);
        Assert.Null(DefinitionBinder.Bind(YamlSourceReader.Read("power: {}")).Definition.Supervision);
    }

    // ---- helpers ----

    private static ProcessDefinition Load(string file) =>
        TryLoad(file, out var definition) ? definition : throw new InvalidOperationException($"{file} does not bind cleanly");

    private static bool TryLoad(string file, out ProcessDefinition definition)
    {
        definition = null!;
        try
        {
            var bound = DefinitionBinder.Bind(YamlSourceReader.Read(File.ReadAllText(Path.Combine(RepositoryPaths.ProcessDefinitions, file))));
            if (bound.Diagnostics.Any(d => d.IsError)) return false;
            definition = bound.Definition;
            return true;
        }
        catch (SourceSyntaxException)
        {
            return false;
        }
    }

    /// <summary>Binds written output, failing with the text when the reader objects to it.</summary>
    private static ProcessDefinition BindClean(SourceNode source, string text)
    {
        var bound = DefinitionBinder.Bind(source);
        var errors = bound.Diagnostics.Where(d => d.IsError).Select(d => d.Format("written")).ToArray();
        Assert.True(errors.Length == 0, $"{string.Join("\n", errors)}\n--- written ---\n{text}");
        return bound.Definition;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HexSha256();
}
