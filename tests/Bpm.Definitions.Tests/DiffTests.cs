using Bpm.Definitions.Diffing;
using Bpm.Definitions.Model;
using Bpm.Definitions.Writing;
using Bpm.Testing;

namespace Bpm.Definitions.Tests;

public sealed class DiffTests
{
    private const string Permit = "XK00301001-construction-permit.yaml";
    private const string Penalty = "CF00301012-unlicensed-construction-penalty.yaml";

    private static string Text(string file) => File.ReadAllText(Path.Combine(RepositoryPaths.ProcessDefinitions, file));

    private static ProcessDefinition Compile(string text, DefinitionFormat format = DefinitionFormat.Yaml)
    {
        var result = DefinitionCompiler.Compile(text, format);
        Assert.True(result.Definition is not null, string.Join("\n", result.Diagnostics.Select(d => d.Format("edited"))));
        return result.Definition!;
    }

    /// <summary>Replaces text that must occur exactly once, so an edit that silently misses fails the test instead.</summary>
    private static string Edit(string text, string from, string to)
    {
        var first = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(first >= 0, $"not found: {from}");
        Assert.True(text.IndexOf(from, first + 1, StringComparison.Ordinal) < 0, $"found more than once: {from}");
        return string.Concat(text.AsSpan(0, first), to, text.AsSpan(first + from.Length));
    }

    private static DefinitionChanges Diff(string file, params (string From, string To)[] edits)
    {
        var original = Text(file);
        var edited = edits.Aggregate(original, (text, e) => Edit(text, e.From, e.To));
        var after = DefinitionCompiler.Compile(edited, DefinitionFormat.Yaml);
        // The edits stand for what a department would publish: they must leave a valid definition.
        Assert.True(after.Succeeded, string.Join("\n", after.Diagnostics.Select(d => d.Format("edited"))));
        return DefinitionDiff.Compare(Compile(original), after.Definition!);
    }

    private static DefinitionChange Single(DefinitionChanges changes, string area, string key, Func<DefinitionChange, bool>? where = null)
    {
        var matching = changes.Changes.Where(c => c.Area == area && c.Key == key && (where?.Invoke(c) ?? true)).ToList();
        Assert.True(matching.Count == 1, $"expected one {area} change on {key}, found {matching.Count} in:\n{Describe(changes)}");
        return matching[0];
    }

    private static string Describe(DefinitionChanges changes) =>
        string.Join("\n", changes.Changes.Select(c => $"  {c.Kind} {c.Area} {c.Key}: {c.Summary}"));

    public static TheoryData<string> Catalog() => new(RepositoryPaths.CatalogFiles().Select(Path.GetFileName)!);

    // ---- nothing changed ----

    [Theory]
    [MemberData(nameof(Catalog))]
    public void A_definition_compared_with_itself_has_no_changes(string file)
    {
        var text = Text(file);
        var changes = DefinitionDiff.Compare(Compile(text), Compile(text));
        Assert.True(changes.IsEmpty, Describe(changes));
        Assert.Empty(changes.Changes);
    }

    [Theory]
    [MemberData(nameof(Catalog))]
    public void The_json_form_of_a_definition_has_no_changes_against_its_yaml(string file)
    {
        var yaml = Compile(Text(file));
        var json = Compile(DefinitionWriter.ToJson(yaml), DefinitionFormat.Json);
        Assert.True(DefinitionDiff.Compare(yaml, json).IsEmpty);
    }

    [Fact]
    public void Comments_and_formatting_are_not_changes()
    {
        var original = Text(Permit);
        var reformatted = Edit(original, "  - {from: start, to: accept}\n", "  # 申请后进入受理\n  - from: start\n    to: accept\n");
        reformatted = Edit(reformatted, "  promised: 10 工作日\n", "  promised: {value: 10, unit: 工作日}\n");
        Assert.True(DefinitionDiff.Compare(Compile(original), Compile(reformatted)).IsEmpty);
    }

    [Theory]
    [InlineData(Permit)]
    [InlineData(Penalty)]
    public void Moving_boxes_in_the_layout_is_not_a_change(string file)
    {
        var original = Text(file);
        var moved = Edit(original, "  start: {x: 0, y: 0}\n", "  start: {x: 333, y: -47.5}\n");
        var changes = DefinitionDiff.Compare(Compile(original), Compile(moved));
        Assert.True(changes.IsEmpty, Describe(changes));

        var definition = Compile(original);
        Assert.True(DefinitionDiff.Compare(definition, definition with { Layout = ValueList<NodePosition>.Empty }).IsEmpty);
        Assert.True(DefinitionDiff.Compare(definition with { Layout = ValueList.Of(new NodePosition("nowhere", 1, 2)) }, definition).IsEmpty);
    }

    // ---- the power ----

    [Fact]
    public void Power_facts_name_basis_fees_and_guide()
    {
        var changes = Diff(Permit,
            ("  name: 建筑工程施工许可证核发\n", "  name: 建筑工程施工许可证核发（含变更）\n"),
            ("  subject: 县住房和城乡建设局\n", "  subject: 县行政审批局\n"),
            ("      articles: 第七条、第八条\n", "      articles: 第七条、第八条、第六十四条\n"),
            ("      articles: 第二条、第四条、第六条\n", "      articles: 第二条、第四条、第六条\n    - law: 优化营商环境条例\n      articles: 第四十条\n"),
            ("  fees: []\n", "  fees:\n    - {name: 工本费, basis: 省物价局文件, standard: 每证10元, amount: 10}\n"),
            ("    result: 建筑工程施工许可证\n", "    result: 建筑工程施工许可证（电子证照）\n"));

        var name = Single(changes, "power", "name");
        Assert.Equal(ChangeKind.Changed, name.Kind);
        Assert.Equal("建筑工程施工许可证核发", name.Before);
        Assert.Equal("建筑工程施工许可证核发（含变更）", name.After);
        Assert.Contains("建筑工程施工许可证核发（含变更）", name.Summary);

        Assert.Equal("县行政审批局", Single(changes, "power", "subject").After);

        var articles = Single(changes, "power", "basis/中华人民共和国建筑法");
        Assert.Equal((ChangeKind.Changed, "第七条、第八条", "第七条、第八条、第六十四条"), (articles.Kind, articles.Before, articles.After));
        var newLaw = Single(changes, "power", "basis/优化营商环境条例");
        Assert.Equal((ChangeKind.Added, null, "第四十条"), (newLaw.Kind, newLaw.Before, newLaw.After));

        var fees = Single(changes, "power", "fees");
        Assert.Equal(("不收费", "1 item(s)"), (fees.Before, fees.After));
        var fee = Single(changes, "power", "fees/工本费");
        Assert.Equal(ChangeKind.Added, fee.Kind);
        Assert.Contains("每证10元", fee.After);
        Assert.Contains("amount 10", fee.After);

        Assert.Equal("建筑工程施工许可证（电子证照）", Single(changes, "power", "guide/result").After);
        Assert.All(changes.Changes, c => Assert.Equal("power", c.Area));
        Assert.Equal(7, changes.Changes.Count);
    }

    [Fact]
    public void Power_category_and_code_are_reported_even_when_they_make_another_power()
    {
        var before = Compile(Text(Permit));
        var after = before with { Power = before.Power with { Category = PowerCategory.Confirmation, Code = "QR00301001" } };
        var changes = DefinitionDiff.Compare(before, after);
        Assert.Equal(("行政许可", "行政确认"), (Single(changes, "power", "category").Before, Single(changes, "power", "category").After));
        Assert.Equal("QR00301001", Single(changes, "power", "code").After);
    }

    // ---- case limits ----

    [Fact]
    public void Case_limits_changed_added_and_removed()
    {
        var changes = Diff(Permit,
            ("  promised: 10 工作日\n", "  promised: 8 工作日\n"),
            ("    max: 15 工作日\n", "    max: 10 工作日\n"),
            ("  supplementNotice: 5 工作日\n", ""),
            ("  certificate: 10 工作日\n", "  certificate: {value: 10, unit: 工作日, ref: 行政许可法第四十四条}\n"));

        var promised = Single(changes, "limits", "promised");
        Assert.Equal((ChangeKind.Changed, "10 工作日", "8 工作日"), (promised.Kind, promised.Before, promised.After));
        Assert.Contains("10 工作日 → 8 工作日", promised.Summary);

        var extension = Single(changes, "limits", "extension");
        Assert.Equal("15 工作日, approved by 县人民政府负责人", extension.Before);
        Assert.Equal("10 工作日, approved by 县人民政府负责人", extension.After);

        var supplement = Single(changes, "limits", "supplementNotice");
        Assert.Equal((ChangeKind.Removed, "5 工作日", null), (supplement.Kind, supplement.Before, supplement.After));

        // Adding the legal reference is a change of the written definition, and it shows.
        Assert.Equal("10 工作日 (行政许可法第四十四条)", Single(changes, "limits", "certificate").After);
        Assert.Equal(4, changes.Changes.Count);
    }

    // ---- nodes ----

    [Fact]
    public void Task_properties_limit_risk_role_outcomes_and_form_fields()
    {
        var changes = Diff(Permit,
            ("    role: 综合窗口受理员\n    limit: 1 工作日\n    risk: C\n", "    role: 综合窗口首席代表\n    limit: 2 工作日\n    risk: B\n    warning: 50%\n"),
            ("      - {key: area, label: 建筑面积（平方米）, type: number, required: true}\n",
             "      - {key: area, label: 总建筑面积（平方米）, type: number, required: true}\n      - {key: floors, label: 层数, type: number}\n"),
            ("      - {key: rejectReason, label: 不予受理理由, type: text}\n", ""),
            ("    outcomes: [准予, 不予]\n", "    outcomes: [准予, 不予, {name: 部分准予, verdict: approve}]\n"),
            ("  - {from: consolidate, to: notify-rejection, on: 不予}\n", "  - {from: consolidate, to: notify-rejection, on: 不予}\n  - {from: consolidate, to: certify, on: 部分准予}\n"));

        var accept = changes.Changes.Where(c => c.Area == "node" && c.Key == "accept").ToList();
        Assert.All(accept, c => Assert.Equal(ChangeKind.Changed, c.Kind));
        Assert.All(accept, c => Assert.StartsWith("node accept (一窗受理): ", c.Summary));
        Assert.Equal(("综合窗口受理员", "综合窗口首席代表"), Pair(Single(changes, "node", "accept", c => c.Summary.Contains(": role "))));
        Assert.Equal(("1 工作日", "2 工作日"), Pair(Single(changes, "node", "accept", c => c.Summary.Contains(": limit "))));
        Assert.Equal(("C", "B"), Pair(Single(changes, "node", "accept", c => c.Summary.Contains(": risk "))));
        Assert.Equal((null, "50%"), Pair(Single(changes, "node", "accept", c => c.Summary.Contains(": warning "))));
        var label = Single(changes, "node", "accept", c => c.Summary.Contains("form field area"));
        Assert.Equal(("建筑面积（平方米）, number, required", "总建筑面积（平方米）, number, required"), Pair(label));
        Assert.Equal((null, "层数, number"), Pair(Single(changes, "node", "accept", c => c.Summary.Contains("form field floors added"))));
        Assert.Equal(("不予受理理由, text", null), Pair(Single(changes, "node", "accept", c => c.Summary.Contains("form field rejectReason removed"))));
        Assert.Equal(7, accept.Count);

        var outcomes = Single(changes, "node", "consolidate");
        Assert.Equal(("准予, 不予", "准予, 不予, 部分准予 (approve)"), Pair(outcomes));
        Assert.Equal(ChangeKind.Added, Single(changes, "flow", "consolidate→certify[部分准予]").Kind);
    }

    [Fact]
    public void Nodes_inside_parallel_branches_are_nodes_too()
    {
        var changes = Diff(Permit,
            ("            role: 消防审查员\n", "            role: 消防设计审查员\n"),
            ("        silence: 5 工作日\n", "        silence: 7 工作日\n"),
            ("    join: all\n", "    join: veto\n"),
            ("    lead: 县住房和城乡建设局\n", "    lead: 县行政审批局\n"),
            ("          - id: permit-approve\n            kind: task\n            name: 施工许可审核\n            department: 县住房和城乡建设局\n            role: 分管负责人\n            limit: 1 工作日\n            risk: A\n",
             "          - id: permit-sign\n            kind: task\n            name: 施工许可签发\n            department: 县住房和城乡建设局\n            role: 局长\n            limit: 1 工作日\n            risk: A\n"));

        var role = Single(changes, "node", "fire-review");
        Assert.Equal(("消防审查员", "消防设计审查员"), Pair(role));
        Assert.Contains("node fire-review (消防设计审查): role", role.Summary);

        var block = changes.Changes.Where(c => c.Area == "node" && c.Key == "joint-review").ToList();
        Assert.Contains(block, c => c.Summary.Contains("silence") && (c.Before, c.After) == ("5 工作日", "7 工作日"));
        Assert.Contains(block, c => c.Summary.Contains(": join ") && (c.Before, c.After) == ("all", "veto"));
        Assert.Contains(block, c => c.Summary.Contains(": lead ") && c.After == "县行政审批局");
        Assert.Contains(block, c => c.Summary.Contains("branch permit steps")
                                    && (c.Before, c.After) == ("permit-review → permit-approve", "permit-review → permit-sign"));
        Assert.Equal(4, block.Count);

        var removed = Single(changes, "node", "permit-approve");
        Assert.Equal(ChangeKind.Removed, removed.Kind);
        Assert.Contains("in branch permit of joint-review", removed.Summary);
        var added = Single(changes, "node", "permit-sign");
        Assert.Equal(ChangeKind.Added, added.Kind);
        Assert.Contains("task 施工许可签发 (县住房和城乡建设局, 局长, limit 1 工作日, risk A)", added.After);
        Assert.Equal(7, changes.Changes.Count);
    }

    [Fact]
    public void A_branch_added_and_a_parallel_block_limit_changed()
    {
        var changes = Diff(Permit,
            ("    limit: 7 工作日\n    branches:\n", "    limit: 6 工作日\n    branches:\n"),
            ("      - id: permit\n", "      - id: water\n        name: 排水许可审查\n        nodes:\n          - {id: water-review, kind: task, name: 排水审查, department: 县水利局, role: 审查员, limit: 3 工作日}\n      - id: permit\n"));
        var block = changes.Changes.Where(c => c.Key == "joint-review").ToList();
        Assert.Contains(block, c => c.Summary.Contains(": limit 7 工作日 → 6 工作日"));
        Assert.Contains(block, c => c.Summary.Contains("branch water (排水许可审查) added") && c.After == "排水许可审查: water-review");
        Assert.Equal(ChangeKind.Added, Single(changes, "node", "water-review").Kind);
        Assert.Equal(3, changes.Changes.Count);
    }

    [Fact]
    public void Node_added_removed_and_of_another_kind_with_their_flows()
    {
        var changes = Diff(Permit,
            ("  - id: certify\n    kind: task\n    name: 统一出件（制证送达）\n    department: 县住房和城乡建设局\n    role: 综合窗口出件员\n    limit: 1 工作日\n    risk: C\n    outcomes: [同意]\n",
             "  - id: certify\n    kind: service\n    name: 统一出件（电子证照）\n    action: render-document\n    template: rejection-decision\n  - id: cooling\n    kind: wait\n    name: 公示期\n    duration: 5 自然日\n"),
            ("  - id: not-accepted\n    kind: end\n    name: 不予受理\n    result: 不予受理\n", "  - id: not-accepted\n    kind: end\n    name: 不予受理\n    result: 终止\n"),
            ("  - {from: certify, to: granted}\n", "  - {from: certify, to: cooling}\n  - {from: cooling, to: granted}\n"));

        var kind = Single(changes, "node", "certify", c => c.Summary.Contains("kind"));
        Assert.Contains("kind task → service", kind.Summary);
        Assert.StartsWith("task 统一出件（制证送达）", kind.Before);
        Assert.Equal("service 统一出件（电子证照） (render-document, template rejection-decision)", kind.After);
        Assert.Equal(("统一出件（制证送达）", "统一出件（电子证照）"), Pair(Single(changes, "node", "certify", c => c.Summary.Contains(": name "))));

        var wait = Single(changes, "node", "cooling");
        Assert.Equal((ChangeKind.Added, "wait 公示期 (5 自然日)"), (wait.Kind, wait.After));
        Assert.Equal(("不予受理", "终止"), Pair(Single(changes, "node", "not-accepted")));

        Assert.Equal(ChangeKind.Removed, Single(changes, "flow", "certify→granted").Kind);
        Assert.Equal(ChangeKind.Added, Single(changes, "flow", "certify→cooling").Kind);
        Assert.Equal(ChangeKind.Added, Single(changes, "flow", "cooling→granted").Kind);
    }

    [Fact]
    public void A_node_moved_into_a_branch_changes_its_placement()
    {
        var before = Compile(Text(Permit));
        var consolidate = before.Nodes.Single(n => n.Id == "consolidate");
        var block = (ParallelNode)before.Nodes.Single(n => n.Id == "joint-review");
        var fire = block.Branches[0];
        var moved = block with
        {
            Branches = block.Branches.Select(b => b == fire ? b with { Nodes = b.Nodes.Append(consolidate).ToValueList() } : b).ToValueList(),
        };
        var after = before with { Nodes = before.Nodes.Where(n => n != consolidate).Select(n => n == block ? moved : n).ToValueList() };

        var changes = DefinitionDiff.Compare(before, after);
        Assert.Equal(("top level", "branch fire of joint-review"), Pair(Single(changes, "node", "consolidate")));
        Assert.Equal(("fire-review", "fire-review → consolidate"), Pair(Single(changes, "node", "joint-review")));
        Assert.Equal(2, changes.Changes.Count);
    }

    // ---- flows ----

    [Fact]
    public void Flow_conditions_defaults_and_targets()
    {
        var changes = Diff(Penalty,
            ("  - {from: hearing-check, to: render-hearing-notice, when: \"data.hearingRequested == true\"}\n",
             "  - {from: hearing-check, to: render-hearing-notice, when: \"data.hearingRequested == true && data.fineAmount >= 10000\"}\n"),
            ("  - {from: legal-review, to: investigate, on: 退回}\n", "  - {from: legal-review, to: register, on: 退回}\n"));

        var condition = Single(changes, "flow", "hearing-check→render-hearing-notice");
        Assert.Equal(ChangeKind.Changed, condition.Kind);
        Assert.Equal(("data.hearingRequested == true", "data.hearingRequested == true && data.fineAmount >= 10000"), Pair(condition));
        Assert.Contains("condition", condition.Summary);

        var removed = Single(changes, "flow", "legal-review→investigate[退回]");
        Assert.Equal((ChangeKind.Removed, "legal-review→investigate on 退回"), (removed.Kind, removed.Before));
        Assert.Equal(ChangeKind.Added, Single(changes, "flow", "legal-review→register[退回]").Kind);
        Assert.Equal(3, changes.Changes.Count);
    }

    [Fact]
    public void Which_flow_is_the_default_is_a_change()
    {
        var before = Compile(Text(Penalty));
        var after = before with
        {
            Flows = before.Flows.Select(f => f.From == "hearing-check"
                ? f with { Default = !f.Default, When = f.Default ? "data.hearingRequested == true" : null }
                : f).ToValueList(),
        };
        var changes = DefinitionDiff.Compare(before, after);
        Assert.Contains(changes.Changes, c => c.Key == "hearing-check→collective-decision" && c.Summary.Contains("default yes → no"));
        Assert.Contains(changes.Changes, c => c.Key == "hearing-check→render-hearing-notice" && c.Summary.Contains("default no → yes"));
        Assert.All(changes.Changes, c => Assert.Equal("flow", c.Area));
    }

    // ---- special procedures, templates, supervision ----

    [Fact]
    public void Special_procedures_templates_and_supervision()
    {
        var changes = Diff(Permit,
            ("    budget: 10 工作日\n    ref: 行政许可法第四十五条\n    nodes: [fire-review]\n",
             "    budget: 15 工作日\n    ref: 行政许可法第四十五条\n    nodes: [fire-review, civil-defence-review]\n  - kind: 公示\n    effect: extend-deadline\n    budget: 5 工作日\n"),
            ("  - kind: 现场勘验\n    effect: stop-clock\n    budget: 3 工作日\n    nodes: [fire-review, permit-review]\n", ""),
            ("      本机关决定不予受理。理由：{{data.rejectReason}}。\n", "      本机关决定不予受理。\n      理由：{{data.rejectReason}}。\n"),
            ("    name: 不予许可决定书\n", "    name: 不予行政许可决定书\n"),
            ("  warning: 2 工作日\n", "  warning: 30%\n"),
            ("    - {on: case-overdue, notify: true, points: 1}\n", "    - {on: case-overdue, notify: true, points: 1.5}\n    - {on: node-overdue, points: 0.5}\n"));

        var expert = changes.Changes.Where(c => c.Area == "special-procedure" && c.Key == "专家评审").ToList();
        Assert.Contains(expert, c => (c.Before, c.After) == ("10 工作日", "15 工作日") && c.Summary.Contains("budget"));
        Assert.Contains(expert, c => (c.Before, c.After) == ("fire-review", "fire-review, civil-defence-review"));
        Assert.Equal((ChangeKind.Added, "extend-deadline, budget 5 工作日, at any task"),
            (Single(changes, "special-procedure", "公示").Kind, Single(changes, "special-procedure", "公示").After));
        Assert.Equal(ChangeKind.Removed, Single(changes, "special-procedure", "现场勘验").Kind);

        var body = Single(changes, "template", "not-accepted-notice");
        Assert.Equal(ChangeKind.Changed, body.Kind);
        Assert.Contains("body changed (+2 −1 lines)", body.Summary);
        Assert.Contains("理由：{{data.rejectReason}}", body.After);
        Assert.DoesNotContain('\n', body.Summary);
        Assert.Equal(("不予许可决定书", "不予行政许可决定书"), Pair(Single(changes, "template", "rejection-decision")));

        Assert.Equal(("2 工作日", "30%"), Pair(Single(changes, "supervision", "warning")));
        Assert.Equal(("notify, warn, 1 point(s)".Replace("notify, warn", "warn, notify"), "warn, notify, 1.5 point(s)"), Pair(Single(changes, "supervision", "case-overdue")));
        var nodeOverdue = Single(changes, "supervision", "node-overdue");
        Assert.Equal((ChangeKind.Added, "warn, 0.5 point(s)"), (nodeOverdue.Kind, nodeOverdue.After));
        Assert.Equal(9, changes.Changes.Count);
    }

    [Fact]
    public void Dropping_the_supervision_section_removes_each_override()
    {
        var before = Compile(Text(Permit));
        var changes = DefinitionDiff.Compare(before, before with { Supervision = null });
        Assert.Equal(["case-overdue", "case-red-card", "warning"], changes.Changes.Select(c => c.Key));
        Assert.All(changes.Changes, c => Assert.Equal((ChangeKind.Removed, "supervision"), (c.Kind, c.Area)));
        Assert.Contains("answer within 3 工作日", Single(changes, "supervision", "case-red-card").Before);
    }

    // ---- discretion ----

    [Fact]
    public void Discretion_tiers_bands_circumstances_conditions_and_columns()
    {
        var changes = Diff(Penalty,
            ("        statutory: {min: 0, max: 30000, unit: 元}\n", "        statutory: {min: 0, max: 50000, unit: 元}\n"),
            ("          contractor: {min: 20000, max: 30000, unit: 元}\n", "          contractor: {min: 20000, max: 50000, unit: 元}\n"),
            ("        circumstances: [小型市政工程, 其他工程建筑面积小于20000平方米]\n", "        circumstances: [小型市政工程, 其他工程建筑面积小于20000平方米, 首次违法]\n"),
            ("        when: \"data.seriousConsequence != true && (data.projectKind == '市政基础设施工程' ? data.municipalScale == '中型' : (data.area >= 20000 && data.area <= 50000))\"\n",
             "        when: \"data.seriousConsequence != true && (data.projectKind == '市政基础设施工程' ? data.municipalScale == '中型' : (data.area >= 20000 && data.area <= 60000))\"\n"),
            ("    measures: [责令停止施工, 限期改正]\n", "    measures: [责令停止施工, 限期改正, 没收违法所得]\n"));

        var column = Single(changes, "discretion-column", "unlicensed-construction/contractor");
        Assert.Equal(("0–30000 元", "0–50000 元"), Pair(column));
        Assert.Contains("statutory range", column.Summary);

        var severe = Single(changes, "discretion-tier", "unlicensed-construction/严重");
        Assert.Equal(("20000–30000 元", "20000–50000 元"), Pair(severe));
        Assert.Contains("band contractor", severe.Summary);

        Assert.Equal(("小型市政工程, 其他工程建筑面积小于20000平方米", "小型市政工程, 其他工程建筑面积小于20000平方米, 首次违法"),
            Pair(Single(changes, "discretion-tier", "unlicensed-construction/轻微")));
        Assert.EndsWith("data.area <= 60000))", Single(changes, "discretion-tier", "unlicensed-construction/一般").After);
        Assert.Equal("责令停止施工, 限期改正, 没收违法所得", Single(changes, "discretion", "unlicensed-construction").After);
        Assert.Equal(5, changes.Changes.Count);
    }

    [Fact]
    public void Discretion_tier_added_and_removed_with_its_bands()
    {
        var changes = Diff(Penalty,
            ("      - level: 严重\n", "      - level: 较重\n"));
        var removed = Single(changes, "discretion-tier", "unlicensed-construction/严重");
        Assert.Equal(ChangeKind.Removed, removed.Kind);
        var added = Single(changes, "discretion-tier", "unlicensed-construction/较重");
        Assert.Equal(ChangeKind.Added, added.Kind);
        Assert.Contains("builder 1.7%–2% 工程合同价款; contractor 20000–30000 元", added.After);
        Assert.Equal(2, changes.Changes.Count);
    }

    [Fact]
    public void A_new_discretion_table_lists_its_columns_and_tiers()
    {
        var before = Compile(Text(Penalty));
        var entry = before.Discretion[0];
        var after = before with { Discretion = before.Discretion.Append(entry with { Id = "split-project", Violation = "将工程分解后擅自施工" }).ToValueList() };

        var changes = DefinitionDiff.Compare(before, after);
        Assert.All(changes.Changes, c => Assert.Equal(ChangeKind.Added, c.Kind));
        Assert.Equal(["discretion", "discretion-column", "discretion-column", "discretion-tier", "discretion-tier", "discretion-tier"],
            changes.Changes.Select(c => c.Area));
        Assert.Equal(["split-project", "split-project/builder", "split-project/contractor", "split-project/一般", "split-project/严重", "split-project/轻微"],
            changes.Changes.Select(c => c.Key));
        Assert.Equal("builder 1%–1.3% 工程合同价款; contractor 0–10000 元; circumstances 小型市政工程, 其他工程建筑面积小于20000平方米; when "
                     + entry.Tiers[0].When, Single(changes, "discretion-tier", "split-project/轻微").After);

        // The same violation's 基准 from a later date: the two tables are told apart by their dates.
        var revised = before with { Discretion = before.Discretion.Append(entry with { EffectiveFrom = new DateOnly(2026, 1, 1) }).ToValueList() };
        var keys = DefinitionDiff.Compare(before, revised).Changes.Where(c => c.Area == "discretion").Select(c => (c.Kind, c.Key)).ToList();
        Assert.Equal([(ChangeKind.Removed, "unlicensed-construction"), (ChangeKind.Added, "unlicensed-construction@2022-07-01"), (ChangeKind.Added, "unlicensed-construction@2026-01-01")],
            keys.OrderBy(k => k.Key, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void The_fine_deciding_steps_binding_and_a_columns_base_field()
    {
        var before = Compile(Text(Penalty));
        var decide = before.Nodes.OfType<TaskNode>().Single(t => t.Id == "collective-decision");
        var binding = decide.Discretion ?? new DiscretionBinding("unlicensed-construction", "partyRole", "fineAmount", "violationDate", null, null, null);
        var entry = before.Discretion[0];
        var after = before with
        {
            Nodes = before.Nodes.Select(n => n == decide ? decide with { Discretion = binding with { Amount = "proposedFine", Grounds = null } } : n).ToValueList(),
            Discretion = ValueList.Of(entry with
            {
                Columns = entry.Columns.Select(c => c.Id == "builder" ? c with { Base = "contractAmount" } : c).ToValueList(),
            }),
        };
        var changes = DefinitionDiff.Compare(before, after);

        var node = Single(changes, "node", "collective-decision");
        Assert.Contains(": discretion ", node.Summary);
        Assert.Contains("amount fineAmount", node.Before);
        Assert.Contains("amount proposedFine", node.After);
        Assert.DoesNotContain("grounds", node.After);
        var column = Single(changes, "discretion-column", "unlicensed-construction/builder");
        Assert.Equal("contractAmount", column.After);
        Assert.Contains("base field", column.Summary);
        Assert.Equal(2, changes.Changes.Count);

        var unbound = DefinitionDiff.Compare(before with { Nodes = after.Nodes.Select(n => n is TaskNode { Id: "collective-decision" } t ? t with { Discretion = null } : n).ToValueList() }, after);
        Assert.Equal(ChangeKind.Changed, Single(unbound, "node", "collective-decision").Kind);
    }

    /// <summary>
    /// What the diff compares, type by type. A property added to the model fails this test until the diff reports it
    /// (or it is listed here as deliberately left out, like layout), so a new DSL key cannot slip past reviewers unseen.
    /// </summary>
    private static readonly Dictionary<Type, string[]> Compared = new()
    {
        [typeof(ProcessDefinition)] = ["Power", "Limits", "Nodes", "Flows", "SpecialProcedures", "Discretion", "Templates", "Supervision", "Layout" /* ignored: not semantics */],
        [typeof(Power)] = ["Code", "Name", "Category", "Subject", "Undertaker", "JointDepartments", "Handling", "Basis", "Fees", "Guide"],
        [typeof(LegalBasis)] = ["Law", "Articles"],
        [typeof(Fee)] = ["Name", "Basis", "Standard", "Amount"],
        [typeof(PublicGuide)] = ["Conditions", "Materials", "Result", "Location", "Contact", "Complaint"],
        [typeof(Material)] = ["Name", "Copies"],
        [typeof(Duration)] = ["Value", "Unit", "Ref"],
        [typeof(CaseLimits)] = ["Legal", "Promised", "Extension", "SupplementNotice", "Certificate"],
        [typeof(Extension)] = ["Max", "Approver"],
        [typeof(Flow)] = ["From", "To", "On", "When", "Default"],
        [typeof(SpecialProcedure)] = ["Kind", "Effect", "Budget", "Ref", "Nodes"],
        [typeof(SupervisionRules)] = ["Warning", "Escalations"],
        [typeof(EscalationRule)] = ["On", "Warn", "Notify", "Supervise", "AnswerWithin", "Points"],
        [typeof(DocumentTemplate)] = ["Id", "Name", "Body"],
        [typeof(NodePosition)] = ["NodeId", "X", "Y" /* layout: ignored */],
        [typeof(Node)] = ["Id", "Name", "Kind"],
        [typeof(StartNode)] = ["Id", "Name", "Kind"],
        [typeof(DecisionNode)] = ["Id", "Name", "Kind"],
        [typeof(TaskNode)] = ["Id", "Name", "Kind", "Department", "Role", "Limit", "Risk", "Warning", "Outcomes", "Form", "Discretion"],
        [typeof(Outcome)] = ["Name", "Verdict"],
        [typeof(WarningThreshold)] = ["Remaining", "Percent"],
        [typeof(FormField)] = ["Key", "Label", "Type", "Required", "Options"],
        [typeof(ParallelNode)] = ["Id", "Name", "Kind", "Lead", "Join", "Quorum", "Limit", "Branches"],
        [typeof(Branch)] = ["Id", "Name", "Silence", "Nodes"],
        [typeof(WaitNode)] = ["Id", "Name", "Kind", "Duration"],
        [typeof(ServiceNode)] = ["Id", "Name", "Kind", "Action", "Template", "To"],
        [typeof(EndNode)] = ["Id", "Name", "Kind", "Result"],
        [typeof(DiscretionEntry)] = ["Id", "Violation", "Violates", "Basis", "EffectiveFrom", "Measures", "Columns", "Tiers"],
        [typeof(DiscretionColumn)] = ["Id", "Name", "Statutory", "Base"],
        [typeof(DiscretionTier)] = ["Level", "Circumstances", "When", "Bands"],
        [typeof(ColumnBand)] = ["Column", "Band"],
        [typeof(Band)] = ["Min", "Max", "Unit", "Of"],
        [typeof(DiscretionBinding)] = ["Table", "Column", "Amount", "ViolationDate", "Grounds", "Mitigation", "LegalReview"],
    };

    [Fact]
    public void Every_property_of_the_model_is_compared()
    {
        var modelRecords = typeof(ProcessDefinition).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(ProcessDefinition).Namespace && t.IsClass && t.IsPublic && t.GetMethod("<Clone>$") is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(modelRecords.Select(t => t.Name), Compared.Keys.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var type in modelRecords)
        {
            var properties = type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Select(p => p.Name).Order(StringComparer.Ordinal);
            Assert.True(properties.SequenceEqual(Compared[type].Order(StringComparer.Ordinal)),
                $"{type.Name} has [{string.Join(", ", properties)}]; teach DefinitionDiff the new ones, then list them here");
        }
    }

    // ---- shape of the output ----

    [Fact]
    public void Changes_are_ordered_by_area_then_key_and_the_same_every_time()
    {
        var before = Compile(Text(Penalty));
        var after = Compile(Edit(Edit(Edit(Text(Penalty),
            "  promised: 60 自然日\n", "  promised: 50 自然日\n"),
            "    role: 局长（案审会）\n", "    role: 局长（集体讨论）\n"),
            "          builder: {min: 1, max: 1.3, unit: \"%\", of: 工程合同价款}\n", "          builder: {min: 1, max: 1.2, unit: \"%\", of: 工程合同价款}\n"))
            with { Power = before.Power with { Name = "对未取得施工许可证擅自施工行为的行政处罚" } };

        var first = DefinitionDiff.Compare(before, after).Changes;
        var second = DefinitionDiff.Compare(before, after).Changes;
        Assert.Equal(first, second);
        Assert.Equal(first.OrderBy(c => c.Area, StringComparer.Ordinal).ThenBy(c => c.Key, StringComparer.Ordinal), first);
        Assert.Equal(["discretion-tier", "limits", "node", "power"], first.Select(c => c.Area));
    }

    [Theory]
    [InlineData(Permit)]
    [InlineData(Penalty)]
    public void Comparing_backwards_swaps_added_and_removed_and_before_and_after(string file)
    {
        var before = Compile(Text(file));
        var firstTask = before.Nodes.OfType<TaskNode>().First();
        var after = before with
        {
            Nodes = before.Nodes.Where(n => n != firstTask).Append(new EndNode("abandoned", "撤回申请", EndResult.Withdrawn)).ToValueList(),
            Limits = before.Limits with { Legal = before.Limits.Legal with { Value = before.Limits.Legal.Value + 5 } },
            Templates = before.Templates.Skip(1).ToValueList(),
        };
        var forward = DefinitionDiff.Compare(before, after).Changes;
        var backward = DefinitionDiff.Compare(after, before).Changes;

        Assert.Equal(forward.Count, backward.Count);
        static ChangeKind Flip(ChangeKind k) => k switch { ChangeKind.Added => ChangeKind.Removed, ChangeKind.Removed => ChangeKind.Added, _ => k };
        Assert.Equal(
            forward.Select(c => (Flip(c.Kind), c.Area, c.Key, c.After, c.Before)).Order(),
            backward.Select(c => (c.Kind, c.Area, c.Key, c.Before, c.After)).Order());
    }

    [Theory]
    [InlineData(Permit)]
    [InlineData(Penalty)]
    public void Every_change_reads_as_one_line_and_really_differs(string file)
    {
        var before = Compile(Text(file));
        var empty = before with
        {
            Nodes = ValueList<Node>.Empty, Flows = ValueList<Flow>.Empty, SpecialProcedures = ValueList<SpecialProcedure>.Empty,
            Discretion = ValueList<DiscretionEntry>.Empty, Templates = ValueList<DocumentTemplate>.Empty, Supervision = null,
            Limits = before.Limits with { Extension = null, SupplementNotice = null, Certificate = null },
            Power = before.Power with { Guide = null, Basis = ValueList<LegalBasis>.Empty },
        };
        var changes = DefinitionDiff.Compare(empty, before).Changes;
        Assert.NotEmpty(changes);
        string[] areas = ["power", "limits", "node", "flow", "special-procedure", "discretion", "discretion-tier", "discretion-column", "template", "supervision"];
        Assert.All(changes, c =>
        {
            Assert.Contains(c.Area, areas);
            Assert.False(string.IsNullOrWhiteSpace(c.Key));
            Assert.False(string.IsNullOrWhiteSpace(c.Summary));
            Assert.DoesNotContain('\n', c.Summary);
            Assert.NotEqual(c.Before, c.After);
            Assert.Equal(ChangeKind.Added, c.Kind);
            Assert.Null(c.Before);
        });
        // Every node, including those inside branches, is listed once.
        var nodeIds = changes.Where(c => c.Area == "node").Select(c => c.Key).ToList();
        Assert.Equal(nodeIds.Distinct().Count(), nodeIds.Count);
        if (file == Permit) Assert.Contains("permit-approve", nodeIds);
    }

    [Fact]
    public void An_invalid_draft_with_duplicate_ids_is_compared_without_throwing()
    {
        var before = Compile(Text(Permit));
        var twin = new EndNode("granted", "准予许可（重复）", EndResult.Granted);
        var after = before with { Nodes = before.Nodes.Append(twin).ToValueList() };
        var added = Assert.Single(DefinitionDiff.Compare(before, after).Changes);
        Assert.Equal(("node", "granted#2", ChangeKind.Added), (added.Area, added.Key, added.Kind));
    }

    private static (string? Before, string? After) Pair(DefinitionChange change) => (change.Before, change.After);
}
