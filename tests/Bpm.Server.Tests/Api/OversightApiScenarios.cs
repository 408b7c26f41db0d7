using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bpm.Server.Security;
using static Bpm.Server.Tests.Api.ApiResponses;

namespace Bpm.Server.Tests.Api;

/// <summary>
/// Oversight over HTTP: the 督办 lifecycle by order id, 好差评 by the applicant with the query code, fees and rule hits,
/// scores, complaints, and the GB/T 39046 export checked field by field against domain.md §4.
/// </summary>
public abstract partial class OversightApiScenarios(ApiFixture fixture)
{
    private const string Cancellation = "XK00211002"; // 即办件: accepted at application, decided at one step
    private const string Permit = "XK00301001";
    private const string Market = "县市场监督管理局";
    private static readonly TokenUser MarketHandler = People.HandlerOf(Market, "li");
    private ApiServer Server => fixture.Server;

    [GeneratedRegex(@"^\d{8}T\d{6}$")]
    private static partial Regex StandardTime();

    // The field lists of domain.md §4 (and §2 for 特别程序), written out by hand.
    private static readonly string[] ApplicationFields =
        ["办件编号", "实施编码", "办件类型代码", "申请者名称", "申请者证件类型", "申请者证件号码", "联系人", "申报来源", "申请时间", "投资项目编号", "行政区划"];
    private static readonly string[] AcceptanceFields =
        ["办件编号", "基本编码", "实施编码", "受理单位名称", "受理单位信用代码", "受理人员", "受理时间", "受理文书编号", "承诺办结时间", "办件类型"];
    private static readonly string[] HandlingFields =
        ["办件编号", "业务动作", "环节名称", "环节处理人", "处理意见", "环节开始时间", "环节结束时间", "处理单位", "环节办理状态"];
    private static readonly string[] ProcedureFields =
        ["办件编号", "特别程序种类名称", "特别程序种类代码", "开始时间", "启动理由或依据", "申请人", "结束时间", "结果", "办理意见", "办理单位", "办理单位信用代码", "办理人"];
    private static readonly string[] CompletionFields =
        ["办件编号", "办理人", "办结时间", "结果证照名称", "结果证照编号", "办件结果描述", "证照有效期限", "发证单位", "盖章单位", "是否快递", "是否收费"];
    private static readonly string[] EvaluationFields = ["办件编号", "评价渠道", "评价时间", "评价次数", "满意度代码", "文字评价"];
    private static readonly string[] SupervisionFields =
        ["办件编号", "督办内容", "被督办机构名称", "事项类型代码", "督办发出时间", "监察编号", "监察规则编号", "监察预警类型代码", "状态产生时间", "监察结果描述", "责任部门"];

    /// <summary>A 即办件 decided at once, with a fee charged on the free power, a 督办 and a 差评 on its result.</summary>
    private async Task<(string CaseId, string CaseNo, string QueryCode)> DecidedCancellationAsync()
    {
        var handler = Server.As(MarketHandler);
        var applied = await Json(await handler.PostAsJsonAsync("/api/cases", new
        {
            powerCode = Cancellation,
            applicant = new { id = "92330100MA2TEST01X", name = "某某小吃店" },
            data = new { contact = "王五", source = "窗口" },
        }), HttpStatusCode.Created);
        var caseId = (string)applied["case"]!["caseId"]!;
        var item = (string)applied["case"]!["openWorkItems"]![0]!["id"]!;
        var decided = await Json(await handler.PostAsJsonAsync($"/api/work-items/{item}/complete", new
        {
            outcome = "准予",
            opinion = "材料齐全，准予注销",
            form = new
            {
                operatorName = "某某小吃店", creditCode = "92330100MA2TEST01X", licenceNo = "JY13301000000001", businessAddress = "县城关镇1号",
                cancelReason = "终止食品经营活动",
            },
        }), HttpStatusCode.OK);
        Assert.Equal("completed", (string?)decided["status"]);
        return (caseId, (string)decided["caseNo"]!, (string)applied["queryCode"]!);
    }

    [Fact]
    public async Task A_supervision_order_is_signed_answered_returned_and_closed_by_its_id()
    {
        var (caseId, _, _) = await DecidedCancellationAsync();
        var supervisor = Server.As(People.Supervisor);
        var handler = Server.As(MarketHandler);
        await Json(await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/supervision-orders", new { department = Market, content = "请说明办理过程", answerWithinWorkingDays = 3 }), HttpStatusCode.OK);
        var list = await Json(await handler.GetAsync($"/api/supervision/orders?caseId={caseId}"), HttpStatusCode.OK);
        var order = list["items"]!.AsArray().Single(o => (string?)o!["rule"] == "manual")!;
        var id = (string)order["id"]!;
        Assert.Equal("issued", (string?)order["status"]);

        // A handler of another department neither sees nor signs it.
        var other = Server.As(People.Window);
        Assert.DoesNotContain((await Json(await other.GetAsync($"/api/supervision/orders?caseId={caseId}"), HttpStatusCode.OK))["items"]!.AsArray(), o => (string?)o!["id"] == id);
        await Problem(await other.PostAsync($"/api/supervision/orders/{id}/sign", null), HttpStatusCode.Forbidden, "other-department");

        await Json(await handler.PostAsync($"/api/supervision/orders/{id}/sign", null), HttpStatusCode.OK);
        await Problem(await handler.PostAsJsonAsync($"/api/supervision/orders/{id}/return", new { reason = "x" }), HttpStatusCode.Forbidden);
        await Problem(await supervisor.PostAsJsonAsync($"/api/supervision/orders/{id}/return", new { reason = "未反馈" }), HttpStatusCode.Conflict, "order-not-answered");
        await Json(await handler.PostAsJsonAsync($"/api/supervision/orders/{id}/answer", new { answer = "当场办结", kind = "说明" }), HttpStatusCode.OK);
        await Json(await supervisor.PostAsJsonAsync($"/api/supervision/orders/{id}/return", new { reason = "请附办理记录", answerWithinWorkingDays = 2 }), HttpStatusCode.OK);
        var returned = await Json(await supervisor.GetAsync($"/api/supervision/orders/{id}"), HttpStatusCode.OK);
        Assert.Equal(("returned", 1), ((string?)returned["status"], (int)returned["returns"]!));
        await Json(await handler.PostAsJsonAsync($"/api/supervision/orders/{id}/answer", new { answer = "已附办理记录", kind = "整改" }), HttpStatusCode.OK);
        await Json(await supervisor.PostAsJsonAsync($"/api/supervision/orders/{id}/close", new { conclusion = "说明属实，结案" }), HttpStatusCode.OK);
        var closed = await Json(await supervisor.GetAsync($"/api/supervision/orders/{id}"), HttpStatusCode.OK);
        Assert.Equal(("closed", "整改", "说明属实，结案"), ((string?)closed["status"], (string?)closed["answerKind"], (string?)closed["conclusion"]));
        await Problem(await handler.PostAsJsonAsync($"/api/supervision/orders/{id}/answer", new { answer = "again" }), HttpStatusCode.Conflict, "order-not-open");
    }

    [Fact]
    public async Task The_applicant_rates_with_the_query_code_and_a_bad_rating_opens_a_rectification()
    {
        var (caseId, _, code) = await DecidedCancellationAsync();
        var anonymous = Server.As(null);
        await Problem(await anonymous.PostAsJsonAsync($"/api/cases/{caseId}/ratings", new { stage = "completed", score = 1, queryCode = "WRONG1" }), HttpStatusCode.NotFound, "case-not-found");
        await Problem(await anonymous.PostAsJsonAsync($"/api/cases/{caseId}/ratings", new { stage = "later", score = 1, queryCode = code }), HttpStatusCode.BadRequest, "bad-stage");
        var good = await Json(await anonymous.PostAsJsonAsync($"/api/cases/{caseId}/ratings", new { stage = "accepted", score = 5, text = "很快", channel = "window", queryCode = code }), HttpStatusCode.Created);
        Assert.Equal("none", (string?)good["rectification"]);
        var bad = await Json(await anonymous.PostAsJsonAsync($"/api/cases/{caseId}/ratings", new { stage = "completed", score = 1, text = "态度不好", channel = "app", queryCode = code }), HttpStatusCode.Created);
        Assert.Equal(("open", Market), ((string?)bad["rectification"], (string?)bad["department"]));
        await Problem(await anonymous.PostAsJsonAsync($"/api/cases/{caseId}/ratings", new { stage = "completed", score = 5, queryCode = code }), HttpStatusCode.Conflict, "already-rated");

        var handler = Server.As(MarketHandler);
        var open = await Json(await handler.GetAsync($"/api/supervision/ratings?bad=true&caseId={caseId}"), HttpStatusCode.OK);
        Assert.Equal((string?)bad["id"], (string?)open["items"]!.AsArray().Single()!["id"]);
        var done = await Json(await handler.PostAsJsonAsync($"/api/supervision/ratings/{bad["id"]}/rectify", new { rectification = "已约谈窗口人员", revisit = "申请人表示满意" }), HttpStatusCode.OK);
        Assert.Equal("done", (string?)done["rectification"]);
    }

    [Fact]
    public async Task A_fee_on_a_free_power_is_a_rule_hit_in_the_scores_and_complaints_reach_the_supervisor()
    {
        var (caseId, _, _) = await DecidedCancellationAsync();
        var handler = Server.As(MarketHandler);
        await Json(await handler.PostAsJsonAsync($"/api/cases/{caseId}/fees", new { name = "工本费", amount = 20, payer = "某某小吃店" }), HttpStatusCode.OK);
        var supervisor = Server.As(People.Supervisor);
        var hits = await Json(await supervisor.GetAsync($"/api/supervision/rule-hits?caseId={caseId}"), HttpStatusCode.OK);
        var hit = hits["items"]!.AsArray().Single()!;
        Assert.Equal(("fee-on-free-power", "擅自收费", Market), ((string?)hit["rule"], (string?)hit["ruleName"], (string?)hit["department"]));
        await Problem(await handler.GetAsync("/api/supervision/rule-hits"), HttpStatusCode.Forbidden);

        var scores = await Json(await supervisor.GetAsync($"/api/supervision/scores?department={Uri.EscapeDataString(Market)}"), HttpStatusCode.OK);
        var market = scores.AsArray().Single()!;
        Assert.Contains(market["deductions"]!.AsArray(), d => (string?)d!["eventKind"] == "fee-on-free-power" && (string?)d["caseId"] == caseId);
        Assert.Equal((decimal)market["score"]!, 100m - (decimal)market["points"]!);
        await Problem(await supervisor.GetAsync("/api/supervision/scores?quarter=2026-Q5"), HttpStatusCode.BadRequest, "bad-quarter");

        var complaint = await Json(await Server.As(People.Window).PostAsJsonAsync("/api/supervision/complaints",
            new { department = Market, complainant = "张三", contact = "13900000000", content = "窗口多次要求提供目录外材料" }), HttpStatusCode.Created);
        Assert.Equal("政务服务电子监察中心", (string?)complaint["routedTo"]);
        var listed = await Json(await supervisor.GetAsync($"/api/supervision/complaints?department={Uri.EscapeDataString(Market)}"), HttpStatusCode.OK);
        Assert.Contains(listed["items"]!.AsArray(), c => (string?)c!["id"] == (string?)complaint["id"]);
        await Problem(await Server.As(People.Window).PostAsJsonAsync("/api/supervision/complaints", new { complainant = "张三", content = "x" }), HttpStatusCode.BadRequest, "complaint-incomplete");
    }

    // ---------------------------------------------------------------- GB/T 39046 export

    private async Task<List<JsonObject>> ExportAsync(string dataset, string query)
    {
        var response = await Server.As(People.Supervisor).GetAsync($"/api/exchange/{dataset}?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }

    private static void AssertFields(string[] expected, JsonObject row) => Assert.Equal(expected, row.Select(p => p.Key));

    [Fact]
    public async Task Each_dataset_of_a_case_has_the_standard_field_names_and_code_values()
    {
        var (caseId, caseNo, code) = await DecidedCancellationAsync();
        var handler = Server.As(MarketHandler);
        await Json(await handler.PostAsJsonAsync($"/api/cases/{caseId}/fees", new { name = "工本费", amount = 20, payer = "某某小吃店" }), HttpStatusCode.OK);
        await Json(await Server.As(People.Supervisor).PostAsJsonAsync($"/api/cases/{caseId}/supervision-orders", new { department = Market, content = "核查收费问题" }), HttpStatusCode.OK);
        await Json(await Server.As(null).PostAsJsonAsync($"/api/cases/{caseId}/ratings", new { stage = "completed", score = 1, text = "乱收费", channel = "app", queryCode = code }), HttpStatusCode.Created);

        var application = Assert.Single(await ExportAsync("application", $"caseId={caseId}"));
        AssertFields(ApplicationFields, application);
        Assert.Equal((caseNo, Cancellation, "1", "某某小吃店", "92330100MA2TEST01X", "王五", "窗口"),
            ((string?)application["办件编号"], (string?)application["实施编码"], (string?)application["办件类型代码"], (string?)application["申请者名称"],
             (string?)application["申请者证件号码"], (string?)application["联系人"], (string?)application["申报来源"]));
        Assert.Matches(StandardTime(), (string)application["申请时间"]!);

        var acceptance = Assert.Single(await ExportAsync("事项受理", $"caseId={caseId}"));
        AssertFields(AcceptanceFields, acceptance);
        Assert.Equal((Cancellation, Cancellation, Market, MarketHandler.Id, "1"),
            ((string?)acceptance["基本编码"], (string?)acceptance["实施编码"], (string?)acceptance["受理单位名称"], (string?)acceptance["受理人员"], (string?)acceptance["办件类型"]));
        Assert.Matches(StandardTime(), (string)acceptance["受理时间"]!);
        Assert.Matches(StandardTime(), (string)acceptance["承诺办结时间"]!);

        var handling = await ExportAsync("handling", $"caseId={caseId}");
        Assert.All(handling, row => AssertFields(HandlingFields, row));
        Assert.All(handling, row => Assert.Contains((string?)row["环节办理状态"], new[] { "1", "2" }));
        Assert.All(handling, row => Assert.Contains((string?)row["业务动作"], new[] { "通过", "退回", "其他", "" }));
        var step = handling.Single(r => (string?)r["环节名称"] == "受理即决定");
        Assert.Equal(("通过", MarketHandler.Id, "材料齐全，准予注销", Market, "2"),
            ((string?)step["业务动作"], (string?)step["环节处理人"], (string?)step["处理意见"], (string?)step["处理单位"], (string?)step["环节办理状态"]));
        Assert.Matches(StandardTime(), (string)step["环节结束时间"]!);

        var completion = Assert.Single(await ExportAsync("completion", $"caseId={caseId}"));
        AssertFields(CompletionFields, completion);
        Assert.Equal(("准予", "1", MarketHandler.Id), ((string?)completion["办件结果描述"], (string?)completion["是否收费"], (string?)completion["办理人"]));
        Assert.Matches(StandardTime(), (string)completion["办结时间"]!);

        var evaluation = Assert.Single(await ExportAsync("evaluation", $"caseId={caseId}"));
        AssertFields(EvaluationFields, evaluation);
        Assert.Equal(("app", "2", "5", "乱收费"), ((string?)evaluation["评价渠道"], (string?)evaluation["评价次数"], (string?)evaluation["满意度代码"], (string?)evaluation["文字评价"]));

        var supervision = await ExportAsync("电子监察", $"caseId={caseId}");
        Assert.Equal(2, supervision.Count);
        Assert.All(supervision, row => AssertFields(SupervisionFields, row));
        Assert.All(supervision, row => Assert.Equal(("01", Market, Market), ((string?)row["事项类型代码"], (string?)row["被督办机构名称"], (string?)row["责任部门"])));
        var byRule = supervision.ToDictionary(r => (string)r["监察规则编号"]!);
        Assert.Equal("3", (string?)byRule["fee-on-free-power"]["监察预警类型代码"]); // 红牌
        Assert.Equal("核查收费问题", (string?)byRule["manual"]["督办内容"]);
        Assert.All(supervision, row => Assert.Matches(StandardTime(), (string)row["督办发出时间"]!));

        Assert.Empty(await ExportAsync("special-procedures", $"caseId={caseId}"));
    }

    [Fact]
    public async Task Special_procedures_export_with_their_kind_codes_and_csv_has_the_same_fields()
    {
        var window = Server.As(People.Window);
        var applied = await Json(await window.PostAsJsonAsync("/api/cases", new
        {
            powerCode = Permit, applicant = new { id = "91510000MA6CEXPT0X", name = "某某建设有限公司" },
            data = new { projectName = "县图书馆", area = 8000, contractPrice = 10_000_000, civilDefenceRequired = true },
        }), HttpStatusCode.Created);
        var caseId = (string)applied["case"]!["caseId"]!;
        await Json(await window.PostAsync($"/api/work-items/{applied["case"]!["openWorkItems"]![0]!["id"]}/accept", null), HttpStatusCode.OK);
        var fire = Server.As(People.FireHandler);
        var inbox = await Json(await fire.GetAsync($"/api/inbox?power={Permit}&pageSize=200"), HttpStatusCode.OK);
        var fireItem = (string)inbox["items"]!.AsArray().Single(i => (string?)i!["caseId"] == caseId && (string?)i["nodeId"] == "fire-review")!["id"]!;
        await Json(await fire.PostAsJsonAsync($"/api/work-items/{fireItem}/special-procedures", new { kind = "专家评审", approver = "县住建局局长", reason = "需专家论证" }), HttpStatusCode.OK);
        var procedure = (string)(await Json(await fire.GetAsync($"/api/cases/{caseId}"), HttpStatusCode.OK))["openSuspensions"]![0]!["id"]!;
        await Json(await fire.PostAsJsonAsync($"/api/cases/{caseId}/special-procedures/{procedure}/end", new { result = "论证通过" }), HttpStatusCode.OK);
        await Json(await window.PostAsJsonAsync($"/api/cases/{caseId}/extensions", new { approver = "县人民政府负责人", reason = "情况复杂", value = 10, unit = "工作日" }), HttpStatusCode.OK);

        var rows = await ExportAsync("特别程序", $"caseId={caseId}");
        Assert.All(rows, row => AssertFields(ProcedureFields, row));
        Assert.Equal([("专家评审", "2", "需专家论证", "论证通过"), ("延长审批", "1", "情况复杂", "已延长")],
            rows.Select(r => ((string)r["特别程序种类名称"]!, (string)r["特别程序种类代码"]!, (string)r["启动理由或依据"]!, (string)r["结果"]!)));
        Assert.All(rows, row => Assert.Matches(StandardTime(), (string)row["开始时间"]!));

        var csv = await Server.As(People.Supervisor).GetStringAsync($"/api/exchange/special-procedures?caseId={caseId}&format=csv");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", ProcedureFields), lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith((string)rows[0]["办件编号"]! + ",专家评审,2,", lines[1]);

        // A time window around now holds this case; without a case or a window, or as a handler, the export is refused.
        var today = DateTime.UtcNow;
        var window24 = $"from={today.AddDays(-1):yyyy-MM-ddTHH:mm:ssZ}&to={today.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}";
        Assert.Contains(await ExportAsync("application", window24), r => (string?)r["办件编号"] == (string?)rows[0]["办件编号"]);
        // Dates are Beijing dates: after 16:00 UTC, Beijing is already on the next day.
        var beijingToday = today.AddHours(8).Date;
        Assert.DoesNotContain(await ExportAsync("application", $"from={beijingToday.AddDays(1):yyyy-MM-dd}&to={beijingToday.AddDays(2):yyyy-MM-dd}"), r => (string?)r["办件编号"] == (string?)rows[0]["办件编号"]);
        await Problem(await Server.As(People.Supervisor).GetAsync("/api/exchange/application"), HttpStatusCode.BadRequest, "window-required");
        await Problem(await Server.As(People.Supervisor).GetAsync($"/api/exchange/nonsense?caseId={caseId}"), HttpStatusCode.NotFound, "unknown-dataset");
        await Problem(await Server.As(People.Supervisor).GetAsync($"/api/exchange/application?caseId={caseId}&format=xml"), HttpStatusCode.BadRequest, "bad-format");
        await Problem(await window.GetAsync($"/api/exchange/application?caseId={caseId}"), HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteOversightApiScenarios(SqliteApiFixture fixture) : OversightApiScenarios(fixture), IClassFixture<SqliteApiFixture>;

public sealed class PostgresOversightApiScenarios(PostgresApiFixture fixture) : OversightApiScenarios(fixture), IClassFixture<PostgresApiFixture>;
