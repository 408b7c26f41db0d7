using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Bpm.Definitions;
using Bpm.Engine.Runtime;
using Bpm.Engine.Tests;
using Bpm.Server.Public;
using static Bpm.Server.Tests.Api.ApiResponses;

namespace Bpm.Server.Tests.Api;

/// <summary>The public catalog (政务公开) at /public through HTTP, anonymous, on SQLite and on PostgreSQL.</summary>
public abstract partial class PublicCatalogScenarios(ApiFixture fixture)
{
    private const string Permit = "XK00301001";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private ApiServer Server => fixture.Server;

    // ---------- 权力清单 ----------

    [Fact]
    public async Task The_list_shows_the_catalog_and_filters_by_department_category_and_keyword()
    {
        var anonymous = Server.As(null);
        var (response, all) = await PageAsync(anonymous, "/public?pageSize=100", HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        foreach (var code in new[] { Permit, "CF00301012", "JF00100101", "QR00201001", "QT00101001", "XK00101001", "XK00211001", "XK00211002" })
            Assert.Contains(code, Codes(all));
        Assert.Contains("建筑工程施工许可证核发", all);
        Assert.Contains($"href=\"/public/powers/{Permit}\"", all);
        Assert.Contains("在办", all);
        Assert.Contains("<option value=\"县民政局\">县民政局</option>", all);

        var (_, civilAffairs) = await PageAsync(anonymous, $"/public?department={Uri.EscapeDataString("县民政局")}", HttpStatusCode.OK);
        Assert.Equal(["JF00100101"], Codes(civilAffairs));
        Assert.Contains("<option value=\"县民政局\" selected>", civilAffairs);

        var (_, housing) = await PageAsync(anonymous, $"/public?department={Uri.EscapeDataString("县住房和城乡建设局")}", HttpStatusCode.OK);
        Assert.Equal(["CF00301012", Permit], Codes(housing));

        var (_, penalties) = await PageAsync(anonymous, $"/public?category={Uri.EscapeDataString("行政处罚")}", HttpStatusCode.OK);
        Assert.Contains("CF00301012", Codes(penalties));
        Assert.DoesNotContain(Permit, Codes(penalties));

        var (_, keyword) = await PageAsync(anonymous, $"/public?q={Uri.EscapeDataString("食品经营")}", HttpStatusCode.OK);
        Assert.Equal(["XK00211001", "XK00211002"], Codes(keyword));
        Assert.Contains("value=\"食品经营\"", keyword);

        var (_, licencesOfOneDepartment) = await PageAsync(anonymous,
            $"/public?department={Uri.EscapeDataString("县市场监督管理局")}&category={Uri.EscapeDataString("行政许可")}&q=XK002110", HttpStatusCode.OK);
        Assert.Equal(["XK00211001", "XK00211002"], Codes(licencesOfOneDepartment));

        var (_, none) = await PageAsync(anonymous, $"/public?q={Uri.EscapeDataString("不存在的事项")}", HttpStatusCode.OK);
        Assert.Empty(Codes(none));
        Assert.Contains("没有符合条件的事项", none);
    }

    [Fact]
    public async Task The_list_pages_with_links_that_keep_the_filters()
    {
        var anonymous = Server.As(null);
        var category = Uri.EscapeDataString("行政许可");
        var (_, first) = await PageAsync(anonymous, $"/public?category={category}&pageSize=2", HttpStatusCode.OK);
        Assert.Equal(2, Codes(first).Count);
        var next = Regex.Match(first, "href=\"([^\"]+)\" rel=\"next\"");
        Assert.True(next.Success, first);
        var href = WebUtility.HtmlDecode(next.Groups[1].Value);
        Assert.Contains($"category={category}", href);
        Assert.Contains("page=2", href);
        var (_, second) = await PageAsync(anonymous, href, HttpStatusCode.OK);
        Assert.NotEmpty(Codes(second));
        Assert.Empty(Codes(first).Intersect(Codes(second)));
        Assert.Contains("rel=\"prev\"", second);
    }

    // ---------- 事项详情 ----------

    [Fact]
    public async Task A_power_page_shows_its_eight_public_facts_and_a_flowchart_with_a_box_per_top_level_node()
    {
        var (_, html) = await PageAsync(Server.As(null), $"/public/powers/{Permit}", HttpStatusCode.OK);
        foreach (var fact in new[]
                 {
                     "建筑工程施工许可证核发", "行政许可", "承诺件", "县住房和城乡建设局行政审批股", "县人民防空办公室", // 名称 类别 承办机构 共同实施部门
                     "中华人民共和国建筑法", "第七条、第八条",                                                   // 设定依据
                     "已经确定施工企业",                                                                          // 受理条件
                     "建筑工程施工许可证申请表", "施工图设计文件审查合格书", "1 份",                              // 申请材料
                     "45 工作日", "行政许可法第四十二条第二款", "10 工作日", "15 工作日",                          // 法定/承诺时限, 延长
                     "不收费", "县政务服务中心工程建设项目审批综合窗口", "0000-12345678", "12345政务服务便民热线", // 收费 地点 电话 投诉
                     "一窗受理", "并联审查", "消防设计审查", "人防设计审核", "牵头部门汇总决定",                   // 办理流程
                 })
            Assert.Contains(fact, html);
        // The steps in order: the application, then 受理, then the joint review, then the lead's decision.
        Assert.True(html.IndexOf("<strong>申请</strong>", StringComparison.Ordinal) < html.IndexOf("<strong>一窗受理</strong>", StringComparison.Ordinal));
        Assert.True(html.IndexOf("<strong>一窗受理</strong>", StringComparison.Ordinal) < html.IndexOf("<strong>并联审查</strong>", StringComparison.Ordinal));
        Assert.True(html.IndexOf("<strong>并联审查</strong>", StringComparison.Ordinal) < html.IndexOf("<strong>牵头部门汇总决定</strong>", StringComparison.Ordinal));

        var definition = await DefinitionJsonAsync(Permit);
        var topLevel = definition["nodes"]!.AsArray().Select(n => (string)n!["id"]!).ToList();
        var svg = SvgOf(html);
        var boxes = svg.Descendants(Svg + "g").Where(g => g.Attribute("data-node") is not null && g.Attribute("data-branch") is null).ToList();
        Assert.Equal(topLevel.Order(StringComparer.Ordinal), boxes.Select(g => (string)g.Attribute("data-node")!).Order(StringComparer.Ordinal));
        foreach (var box in boxes)
            Assert.True(box.Elements(Svg + "rect").Any() || box.Elements(Svg + "polygon").Any(), box.ToString());
        Assert.Equal("node start", (string?)boxes.Single(b => (string?)b.Attribute("data-node") == "start").Attribute("class"));

        // The joint review is a container holding its branches and their steps.
        var block = boxes.Single(b => (string?)b.Attribute("data-node") == "joint-review");
        var branches = block.Elements(Svg + "g").Where(g => (string?)g.Attribute("class") == "branch").Select(g => (string)g.Attribute("data-branch")!).ToList();
        Assert.Equal(["fire", "civil-defence", "permit"], branches);
        Assert.Equal(["fire-review", "civil-defence-review", "permit-review", "permit-approve"],
            block.Descendants(Svg + "g").Where(g => g.Attribute("data-node") is not null).Select(g => (string)g.Attribute("data-node")!));

        // An arrow per flow, labelled with its outcome.
        var flows = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "flow").ToList();
        Assert.Equal(definition["flows"]!.AsArray().Count, flows.Count);
        var accepted = flows.Single(f => (string?)f.Attribute("data-from") == "accept" && (string?)f.Attribute("data-to") == "joint-review");
        Assert.NotNull(accepted.Element(Svg + "path")?.Attribute("d"));
        var label = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "flow-label"
            && (string?)g.Attribute("data-from") == "accept" && (string?)g.Attribute("data-to") == "joint-review");
        Assert.Equal("受理", label.Element(Svg + "text")?.Value);
    }

    [Fact]
    public async Task An_unknown_power_is_a_404_page()
    {
        var (response, html) = await PageAsync(Server.As(null), "/public/powers/XK99999999999", HttpStatusCode.NotFound);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("未找到该事项", html);
    }

    [Fact]
    public async Task Html_in_a_definitions_text_is_escaped_everywhere_it_shows()
    {
        var code = TestDefinitions.NewCode();
        var yaml = TestDefinitions.Joint(code)
            .Replace("  name: 测试并联审批\n", "  name: \"测试<b>并联</b>审批 & \\\"公开\\\"\"\n")
            .Replace("  fees: []\n", "  fees: []\n  guide:\n    conditions:\n      - \"<script>alert('x')</script>持有效证件\"\n    contact: \"<a href=javascript:alert(1)>电话</a>\"\n")
            .Replace("name: 甲审查,", "name: \"甲<img src=x onerror=alert(1)>审查\",");
        await PublishAsync(Server.As(People.DeployerOf("测试县人民政府")), yaml);

        var anonymous = Server.As(null);
        var (_, page) = await PageAsync(anonymous, $"/public/powers/{code}", HttpStatusCode.OK);
        foreach (var raw in new[] { "<script>", "<b>", "<img", "<a href=javascript" })
            Assert.DoesNotContain(raw, page);
        Assert.Contains("&lt;script&gt;alert(", page);
        Assert.Contains("持有效证件", page);
        Assert.Contains("测试&lt;b&gt;并联&lt;/b&gt;审批 &amp; ", page);
        Assert.Contains("&lt;a href", page);

        // The flowchart still parses, and holds the name as text.
        var svg = SvgOf(page);
        var a1 = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-node") == "a1");
        Assert.Contains("<img src=x onerror=alert(1)>", a1.Element(Svg + "title")!.Value);

        var (_, list) = await PageAsync(anonymous, $"/public?q={code}", HttpStatusCode.OK);
        Assert.Equal([code], Codes(list));
        Assert.DoesNotContain("<b>", list);
        Assert.Contains("测试&lt;b&gt;并联&lt;/b&gt;审批", list);
    }

    // ---------- 办件进度查询 ----------

    [Fact]
    public async Task Progress_shows_the_case_to_the_right_code_only_and_never_a_handlers_opinion()
    {
        var window = Server.As(People.Window);
        var applied = await Json(await window.PostAsJsonAsync("/api/cases", new
        {
            powerCode = Permit,
            applicant = new { id = "91510000MA6CPUBL1X", name = "某某建设有限公司" },
            data = new { projectName = "县图书馆新馆", area = 8000, contractPrice = 20_000_000, civilDefenceRequired = true },
        }), HttpStatusCode.Created);
        var caseId = (string)applied["case"]!["caseId"]!;
        var caseNo = (string)applied["case"]!["caseNo"]!;
        var queryCode = (string)applied["queryCode"]!;
        var anonymous = Server.As(null);

        // The form alone.
        var (_, form) = await PageAsync(anonymous, "/public/progress", HttpStatusCode.OK);
        Assert.Contains("name=\"caseNo\"", form);

        var (found, page) = await PageAsync(anonymous, Progress(caseNo, queryCode), HttpStatusCode.OK);
        Assert.Contains("no-store", found.Headers.CacheControl?.ToString());
        Assert.Contains(caseNo, page);
        Assert.Contains("建筑工程施工许可证核发", page);
        Assert.Contains("一窗受理", page);
        Assert.Contains("待受理", page);
        Assert.Contains(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, CaseNumber.China).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), page);
        // The code is not case-sensitive and may come with spaces, as people type it.
        await PageAsync(anonymous, Progress(caseNo, " " + queryCode.ToLowerInvariant() + " "), HttpStatusCode.OK);

        // A wrong code and an unknown number answer alike: nothing tells whether the number exists.
        var wrong = queryCode[..7] + (queryCode[7] == 'A' ? 'B' : 'A');
        var (_, wrongCode) = await PageAsync(anonymous, Progress(caseNo, wrong), HttpStatusCode.NotFound);
        var (_, unknownNumber) = await PageAsync(anonymous, Progress(caseNo[..^8] + "00000000", queryCode), HttpStatusCode.NotFound);
        var (_, nonsense) = await PageAsync(anonymous, Progress("no-such-case", "ABCDEFGH"), HttpStatusCode.NotFound);
        Assert.Equal(unknownNumber, wrongCode);
        Assert.Equal(nonsense, wrongCode);
        Assert.DoesNotContain(caseNo, wrongCode);
        Assert.Contains("未查询到办件", wrongCode);

        // Work the case: accept, then the fire review with an opinion and internal form data.
        var accept = await InboxItemAsync(window, caseId, "accept");
        await Json(await window.PostAsync($"/api/work-items/{accept}/accept", null), HttpStatusCode.OK);
        var fire = Server.As(People.FireHandler);
        const string opinion = "消防设计符合要求（内部意见，不对外公开）";
        const string internalForm = "消防审查内部记录-第七项";
        await Json(await fire.PostAsJsonAsync($"/api/work-items/{await InboxItemAsync(fire, caseId, "fire-review")}/complete",
            new { outcome = "同意", opinion, form = new { fireOpinion = internalForm } }), HttpStatusCode.OK);

        var (_, progressed) = await PageAsync(anonymous, Progress(caseNo, queryCode), HttpStatusCode.OK);
        Assert.Contains("办理中", progressed);
        Assert.Contains("消防设计审查", progressed);
        Assert.Contains("人防设计审核", progressed);
        Assert.Contains("已完成", progressed);
        foreach (var secret in new[] { opinion, internalForm, People.Window.Name, People.FireHandler.Name, People.Fire, "fire-review", "某某建设有限公司", "journal" })
            Assert.DoesNotContain(secret, progressed);
        var steps = Regex.Matches(progressed, "<tr><td>([^<]+)</td>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["申请", "一窗受理", "并联审查"], steps.Take(3));
    }

    // ---------- helpers ----------

    private static string Progress(string caseNo, string code) =>
        $"/public/progress?caseNo={Uri.EscapeDataString(caseNo)}&code={Uri.EscapeDataString(code)}";

    private static async Task<(HttpResponseMessage Response, string Html)> PageAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} instead of {(int)expected} for {path}: {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return (response, html);
    }

    private static List<string> Codes(string html) => RowCode().Matches(html).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("<tr data-code=\"([^\"]+)\">")]
    private static partial Regex RowCode();

    private static XElement SvgOf(string html)
    {
        var start = html.IndexOf("<svg", StringComparison.Ordinal);
        var end = html.IndexOf("</svg>", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "no <svg> on the page");
        return XDocument.Parse(html[start..(end + "</svg>".Length)]).Root!;
    }

    private async Task<JsonNode> DefinitionJsonAsync(string code)
    {
        var reader = Server.As(People.Analyst);
        var power = await Json(await reader.GetAsync($"/api/powers/{code}"), HttpStatusCode.OK);
        return JsonNode.Parse(await reader.GetStringAsync($"/api/powers/{code}/versions/{(int)power["latestVersion"]!}?format=json"))!;
    }

    private static async Task PublishAsync(HttpClient deployer, string yaml)
    {
        var draft = await Json(await deployer.PostAsync("/api/definitions/drafts", new StringContent(yaml, Encoding.UTF8, "application/yaml")), HttpStatusCode.Created);
        Assert.True((bool)draft["valid"]!, draft.ToJsonString());
        await Json(await deployer.PostAsync($"/api/definitions/drafts/{draft["id"]}/publish", null), HttpStatusCode.OK);
    }

    private static async Task<string> InboxItemAsync(HttpClient client, string caseId, string nodeId)
    {
        var inbox = await Json(await client.GetAsync($"/api/inbox?power={Permit}&pageSize=200"), HttpStatusCode.OK);
        var item = inbox["items"]!.AsArray().FirstOrDefault(i => (string?)i!["caseId"] == caseId && (string?)i["nodeId"] == nodeId)
            ?? throw new Xunit.Sdk.XunitException($"no '{nodeId}' of {caseId} in the inbox");
        return (string)item["id"]!;
    }
}

public sealed class SqlitePublicCatalogScenarios(SqliteApiFixture fixture) : PublicCatalogScenarios(fixture), IClassFixture<SqliteApiFixture>;

public sealed class PostgresPublicCatalogScenarios(PostgresApiFixture fixture) : PublicCatalogScenarios(fixture), IClassFixture<PostgresApiFixture>;

/// <summary>The flowchart's placement, without a server: the designer's layout when complete, else layers from the start.</summary>
public sealed class PublicCatalogFlowchartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Without_a_complete_layout_nodes_sit_in_layers_by_longest_path_from_the_start()
    {
        var definition = Compile(TestDefinitions.Joint(TestDefinitions.NewCode()));
        // Layers: start | accept | route, not-accepted | review | consolidate | refusal-notice, granted | refused
        // (refusal-notice sits below consolidate, its lowest predecessor; the 补正 loop on accept is left out).
        Assert.Equal(["start", "accept", "route", "not-accepted", "review", "consolidate", "refusal-notice", "granted", "refused"],
            Flowchart.Order(definition).Select(n => n.Id));
        var rows = Rows(Flowchart.ToSvg(definition));
        Assert.True(rows["start"] < rows["accept"] && rows["accept"] < rows["route"] && rows["route"] < rows["review"]);
        Assert.Equal(rows["route"], rows["not-accepted"], 0.5);
        Assert.True(rows["review"] < rows["consolidate"] && rows["consolidate"] < rows["refusal-notice"] && rows["refusal-notice"] < rows["refused"]);
        Assert.Equal(rows["refusal-notice"], rows["granted"], 0.5);
        // The same definition always gives the same picture.
        Assert.Equal(Flowchart.ToSvg(definition), Flowchart.ToSvg(Compile(TestDefinitions.Joint(definition.Power.Code))));
    }

    [Fact]
    public void A_layout_that_places_every_top_level_node_is_used()
    {
        var code = TestDefinitions.NewCode();
        var yaml = TestDefinitions.Joint(code) + """
            layout:
              start: {x: 100, y: -50}
              accept: {x: 100, y: 50}
              route: {x: 100, y: 150}
              review: {x: 100, y: 300}
              consolidate: {x: 100, y: 700}
              refusal-notice: {x: 500, y: 700}
              granted: {x: 100, y: 800}
              refused: {x: 500, y: 800}
              not-accepted: {x: 400, y: 50}

            """;
        var svg = XDocument.Parse(Flowchart.ToSvg(Compile(yaml))).Root!;
        (double X, double Y, double W) Rect(string id)
        {
            var rect = Box(svg, id).Element(Svg + "rect")!;
            double Get(string name) => double.Parse((string)rect.Attribute(name)!, CultureInfo.InvariantCulture);
            return (Get("x"), Get("y"), Get("width"));
        }
        // Shifted so the top-left position sits at the margin; a position is the top-left of a step-wide cell.
        Assert.Equal((24d, 124d), (Rect("accept").X, Rect("accept").Y));
        Assert.Equal((424d, 774d), (Rect("refusal-notice").X, Rect("refusal-notice").Y));
        // Narrower boxes are centred in their cell: the start above 受理, 不予受理 in its own cell to the right.
        Assert.Equal(24d, Rect("start").Y);
        Assert.Equal(Rect("accept").X + Rect("accept").W / 2, Rect("start").X + Rect("start").W / 2, 0.5);
        Assert.Equal(324d + Rect("accept").W / 2, Rect("not-accepted").X + Rect("not-accepted").W / 2, 0.5);
        Assert.Equal(124d, Rect("not-accepted").Y);

        // With one node missing from the layout, the computed layout takes over.
        var partial = Compile(yaml.Replace("  not-accepted: {x: 400, y: 50}\n", ""));
        Assert.Equal(Flowchart.ToSvg(Compile(TestDefinitions.Joint(partial.Power.Code))), Flowchart.ToSvg(partial));
    }

    private static Bpm.Definitions.Model.ProcessDefinition Compile(string yaml)
    {
        var compiled = DefinitionCompiler.Compile(yaml, DefinitionFormat.Yaml);
        Assert.True(compiled.Succeeded, string.Join("; ", compiled.Diagnostics.Select(d => d.Message)));
        return compiled.Definition!;
    }

    private static XElement Box(XElement svg, string id) =>
        svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-node") == id);

    /// <summary>Each top-level box's vertical centre.</summary>
    private static Dictionary<string, double> Rows(string svgText)
    {
        var svg = XDocument.Parse(svgText).Root!;
        return svg.Descendants(Svg + "g").Where(g => g.Attribute("data-node") is not null && g.Attribute("data-branch") is null)
            .ToDictionary(g => (string)g.Attribute("data-node")!, g =>
            {
                var shape = g.Elements().First(e => e.Name == Svg + "rect" || e.Name == Svg + "polygon");
                if (shape.Name == Svg + "rect")
                    return double.Parse((string)shape.Attribute("y")!, CultureInfo.InvariantCulture) + double.Parse((string)shape.Attribute("height")!, CultureInfo.InvariantCulture) / 2;
                var ys = shape.Attribute("points")!.Value.Split(' ').Select(p => double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture)).ToList();
                return (ys.Min() + ys.Max()) / 2;
            });
    }
}
