using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bpm.Engine.Tests;
using Bpm.Server.Security;
using static Bpm.Server.Tests.Api.ApiResponses;

namespace Bpm.Server.Tests.Api;

/// <summary>Every API resource through HTTP against the real server, on SQLite and on PostgreSQL.</summary>
public abstract class ApiScenarios(ApiFixture fixture)
{
    private const string Permit = "XK00301001";
    private ApiServer Server => fixture.Server;

    // ---------- definitions ----------

    [Fact]
    public async Task Malformed_yaml_is_a_400_problem_with_line_and_column()
    {
        var analyst = Server.As(People.Analyst);
        var response = await analyst.PostAsync("/api/definitions/drafts", Yaml("power:\n  code: [unclosed\n  name: x\n"));
        var problem = await Problem(response, HttpStatusCode.BadRequest, "definition-invalid");
        var diagnostic = problem["diagnostics"]!.AsArray()[0]!;
        Assert.Equal("BPM0001", (string?)diagnostic["code"]);
        Assert.True((int?)diagnostic["line"] >= 2, diagnostic.ToJsonString());
        Assert.NotNull((int?)diagnostic["column"]);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Validate_reports_findings_without_saving_anything()
    {
        var code = TestDefinitions.NewCode();
        var broken = TestDefinitions.Joint(code).Replace("join: all", "join: most");
        var view = await Json(await Server.As(People.Analyst).PostAsync("/api/definitions/validate", Yaml(broken)), HttpStatusCode.OK);
        Assert.False((bool)view["valid"]!);
        Assert.Contains(view["diagnostics"]!.AsArray(), d => ((string)d!["message"]!).Contains("most") && (int?)d["line"] > 0);
        var powers = await Json(await Server.As(People.Analyst).GetAsync($"/api/powers?q={code}"), HttpStatusCode.OK);
        Assert.Equal(0, (int)powers["total"]!);

        // Validation changes nothing, so anyone signed in may ask (a supervisor reading a process in the designer does).
        var asSupervisor = await Json(await Server.As(People.Supervisor).PostAsync("/api/definitions/validate", Yaml(broken)), HttpStatusCode.OK);
        Assert.False((bool)asSupervisor["valid"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.As(null).PostAsync("/api/definitions/validate", Yaml(broken))).StatusCode);
    }

    [Fact]
    public async Task A_draft_shows_its_changes_and_only_the_implementing_department_may_publish_it()
    {
        var code = TestDefinitions.NewCode();
        var department = "测试县人民政府"; // TestDefinitions' subject
        var deployer = Server.As(People.DeployerOf(department));

        var first = await Json(await deployer.PostAsync("/api/definitions/drafts", Yaml(TestDefinitions.Joint(code))), HttpStatusCode.Created);
        Assert.True((bool)first["valid"]!);
        Assert.Null((int?)first["publishedVersion"]);
        var published = await Json(await deployer.PostAsync($"/api/definitions/drafts/{first["id"]}/publish", null), HttpStatusCode.OK);
        Assert.Equal(1, (int)published["version"]!);
        Assert.True((bool)published["created"]!);
        var marked = await Json(await deployer.GetAsync($"/api/definitions/drafts/{first["id"]}"), HttpStatusCode.OK);
        Assert.Equal(1, (int?)marked["draftPublishedAs"]);

        // A second version with a changed join: the draft lists the change against v1.
        var second = await Json(await deployer.PostAsync("/api/definitions/drafts", Yaml(TestDefinitions.Joint(code, join: "any"))), HttpStatusCode.Created);
        Assert.Equal(1, (int)second["publishedVersion"]!);
        Assert.False((bool)second["unchanged"]!);
        Assert.Contains(second["changes"]!.AsArray(), c => (string?)c!["area"] == "node" && (string?)c["key"] == "review" && (string?)c["kind"] == "changed");

        // Someone else's department, an analyst, a handler: refused.
        await Problem(await Server.As(People.CivilDefenceDeployer).PostAsync($"/api/definitions/drafts/{second["id"]}/publish", null), HttpStatusCode.Forbidden, "other-department");
        await Problem(await Server.As(People.Analyst).PostAsync($"/api/definitions/drafts/{second["id"]}/publish", null), HttpStatusCode.Forbidden);
        await Problem(await Server.As(People.Window).PostAsync("/api/definitions/drafts", Yaml(TestDefinitions.Joint(code))), HttpStatusCode.Forbidden);
        await Problem(await Server.As(null).PostAsync("/api/definitions/drafts", Yaml(TestDefinitions.Joint(code))), HttpStatusCode.Unauthorized);

        var v2 = await Json(await deployer.PostAsync($"/api/definitions/drafts/{second["id"]}/publish", null), HttpStatusCode.OK);
        Assert.Equal(2, (int)v2["version"]!);
        var diff = await Json(await deployer.GetAsync($"/api/powers/{code}/diff?from=1&to=2"), HttpStatusCode.OK);
        Assert.Contains(diff["changes"]!.AsArray(), c => (string?)c!["key"] == "review");

        var yaml = await deployer.GetStringAsync($"/api/powers/{code}/versions/2?format=yaml");
        Assert.Contains("join: any", yaml);
        var json = JsonNode.Parse(await deployer.GetStringAsync($"/api/powers/{code}/versions/1?format=json"))!;
        Assert.Equal(code, (string?)json["power"]!["code"]);

        var power = await Json(await deployer.GetAsync($"/api/powers/{code}"), HttpStatusCode.OK);
        Assert.Equal(2, (int)power["latestVersion"]!);
        Assert.Equal(department, (string?)power["subject"]);
    }

    [Fact]
    public async Task Suspended_and_abolished_versions_take_no_new_cases()
    {
        var code = TestDefinitions.NewCode();
        var deployer = Server.As(People.DeployerOf("测试县人民政府"));
        var window = Server.As(People.HandlerOf("窗口"));
        await PublishAsync(deployer, TestDefinitions.Joint(code));

        await Json(await deployer.PostAsync($"/api/powers/{code}/versions/1/suspend", null), HttpStatusCode.OK);
        await Problem(await window.PostAsJsonAsync("/api/cases", Application(code)), HttpStatusCode.Conflict, "definition-suspended");
        await Problem(await Server.As(People.Deployer).PostAsync($"/api/powers/{code}/versions/1/resume", null), HttpStatusCode.Forbidden, "other-department");
        await Json(await deployer.PostAsync($"/api/powers/{code}/versions/1/resume", null), HttpStatusCode.OK);
        await Json(await window.PostAsJsonAsync("/api/cases", Application(code)), HttpStatusCode.Created);
        await Json(await deployer.PostAsync($"/api/powers/{code}/versions/1/abolish", null), HttpStatusCode.OK);
        await Problem(await deployer.PostAsync($"/api/powers/{code}/versions/1/resume", null), HttpStatusCode.Conflict, "definition-abolished");
        await Problem(await window.PostAsJsonAsync("/api/cases", Application(code)), HttpStatusCode.Conflict, "definition-abolished");
    }

    [Fact]
    public async Task An_expression_that_loops_forever_in_an_uploaded_definition_neither_hangs_nor_crashes_the_server()
    {
        var code = TestDefinitions.NewCode();
        await PublishAsync(Server.As(People.DeployerOf("测试县人民政府")), TestDefinitions.Joint(code, refuseWhen: "(function () { while (true) {} })()"));
        var window = Server.As(People.HandlerOf("窗口"));
        var applied = await Json(await window.PostAsJsonAsync("/api/cases", Application(code)), HttpStatusCode.Created);
        var item = applied["case"]!["openWorkItems"]![0]!["id"]!.ToString();

        var clock = Stopwatch.StartNew();
        var accepted = await Json(await window.PostAsync($"/api/work-items/{item}/accept", null), HttpStatusCode.OK);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal("route", (string?)accepted["openIncidents"]![0]!["nodeId"]);
        Assert.Equal(HttpStatusCode.OK, (await Server.As(null).GetAsync("/health")).StatusCode);
    }

    // ---------- cases and work items ----------

    [Fact]
    public async Task The_construction_permit_runs_through_the_joint_review_as_three_departments()
    {
        var window = Server.As(People.Window);
        var applied = await Json(await window.PostAsJsonAsync("/api/cases", PermitApplication()), HttpStatusCode.Created);
        var caseId = (string)applied["case"]!["caseId"]!;
        Assert.Matches("^[2-9A-Z]{8}$", (string)applied["queryCode"]!);

        var accept = await InboxItemAsync(window, caseId, "accept");
        await Json(await window.PostAsync($"/api/work-items/{accept}/accept", null), HttpStatusCode.OK);

        // The three branches, each seen only by its own department.
        var fire = Server.As(People.FireHandler);
        var civil = Server.As(People.CivilDefenceHandler);
        var housing = Server.As(People.HousingReviewer);
        var fireItem = await InboxItemAsync(fire, caseId, "fire-review");
        var civilItem = await InboxItemAsync(civil, caseId, "civil-defence-review");
        Assert.DoesNotContain(await InboxAsync(fire, caseId), i => (string?)i!["nodeId"] == "civil-defence-review");

        // A 消防 handler can neither see nor complete the 人防 item.
        await Problem(await fire.GetAsync($"/api/work-items/{civilItem}"), HttpStatusCode.Forbidden, "other-department");
        await Problem(await fire.PostAsJsonAsync($"/api/work-items/{civilItem}/complete", new { outcome = "同意" }), HttpStatusCode.Forbidden, "other-department");

        var detail = await Json(await fire.GetAsync($"/api/work-items/{fireItem}"), HttpStatusCode.OK);
        Assert.Contains(detail["form"]!.AsArray(), f => (string?)f!["key"] == "fireOpinion" && (bool)f["required"]!);
        await Json(await fire.PostAsJsonAsync($"/api/work-items/{fireItem}/complete", new { outcome = "同意", opinion = "消防设计符合要求", form = new { fireOpinion = "合格" } }), HttpStatusCode.OK);
        await Json(await civil.PostAsJsonAsync($"/api/work-items/{civilItem}/complete", new { outcome = "同意", opinion = "人防设计符合要求" }), HttpStatusCode.OK);
        foreach (var node in new[] { "permit-review", "permit-approve" })
            await Json(await housing.PostAsJsonAsync($"/api/work-items/{await InboxItemAsync(housing, caseId, node)}/complete", new { outcome = "同意", opinion = "符合条件" }), HttpStatusCode.OK);
        await Json(await housing.PostAsJsonAsync($"/api/work-items/{await InboxItemAsync(housing, caseId, "consolidate")}/complete", new { outcome = "准予", opinion = "准予许可" }), HttpStatusCode.OK);
        var done = await Json(await window.PostAsJsonAsync($"/api/work-items/{await InboxItemAsync(window, caseId, "certify")}/complete", new { outcome = "同意" }), HttpStatusCode.OK);
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal("准予", (string?)done["result"]);

        var view = await Json(await Server.As(People.Supervisor).GetAsync($"/api/cases/{caseId}"), HttpStatusCode.OK);
        Assert.Equal("准予", (string?)view["result"]);
        Assert.NotNull((string?)view["promisedDue"]);
        Assert.Contains(view["visits"]!.AsArray(), v => (string?)v!["nodeId"] == "civil-defence-review" && (string?)v["department"] == People.CivilDefence && v["leftAt"] is not null);
        Assert.True(view["journal"]!.AsArray().Count > 10);
        var verify = await Json(await Server.As(People.Supervisor).GetAsync($"/api/cases/{caseId}/journal/verify"), HttpStatusCode.OK);
        Assert.True((bool)verify["intact"]!);

        // Lists: the supervisor filters by department; a 人防 handler lists only cases its department touched.
        var byDepartment = await Json(await Server.As(People.Supervisor).GetAsync($"/api/cases?department={Uri.EscapeDataString(People.CivilDefence)}&power={Permit}&pageSize=200"), HttpStatusCode.OK);
        Assert.Contains(byDepartment["items"]!.AsArray(), c => (string?)c!["id"] == caseId);
        await Problem(await civil.GetAsync($"/api/cases?department={Uri.EscapeDataString(People.Fire)}"), HttpStatusCode.Forbidden, "other-department");
    }

    [Fact]
    public async Task Roles_are_enforced_on_cases()
    {
        var applied = await Json(await Server.As(People.Window).PostAsJsonAsync("/api/cases", PermitApplication()), HttpStatusCode.Created);
        var caseId = (string)applied["case"]!["caseId"]!;
        var accept = (string)applied["case"]!["openWorkItems"]![0]!["id"]!;

        // Not yet at 人防: its handler may not read the case; the supervisor reads it but changes nothing.
        await Problem(await Server.As(People.CivilDefenceHandler).GetAsync($"/api/cases/{caseId}"), HttpStatusCode.Forbidden, "other-department");
        await Json(await Server.As(People.Supervisor).GetAsync($"/api/cases/{caseId}"), HttpStatusCode.OK);
        await Problem(await Server.As(People.Supervisor).PostAsync($"/api/work-items/{accept}/accept", null), HttpStatusCode.Forbidden);
        await Problem(await Server.As(People.Supervisor).PostAsJsonAsync("/api/cases", PermitApplication()), HttpStatusCode.Forbidden);
        await Problem(await Server.As(People.Analyst).GetAsync("/api/inbox"), HttpStatusCode.Forbidden);
        // Only an administrator terminates.
        await Problem(await Server.As(People.Window).PostAsJsonAsync($"/api/cases/{caseId}/terminate", new { reason = "test" }), HttpStatusCode.Forbidden);
        var terminated = await Json(await Server.As(People.Administrator).PostAsJsonAsync($"/api/cases/{caseId}/terminate", new { reason = "申请人主体注销" }), HttpStatusCode.OK);
        Assert.Equal("terminated", (string?)terminated["status"]);
        await Problem(await Server.As(People.Window).PostAsync($"/api/work-items/{accept}/accept", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_supervisor_opens_a_supervision_order_the_department_answers_and_another_is_closed()
    {
        var applied = await Json(await Server.As(People.Window).PostAsJsonAsync("/api/cases", PermitApplication()), HttpStatusCode.Created);
        var caseId = (string)applied["case"]!["caseId"]!;
        var supervisor = Server.As(People.Supervisor);
        await Json(await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/supervision-orders",
            new { department = People.Housing, content = "受理环节群众反映等候时间长，请说明", nodeId = "accept", answerWithinWorkingDays = 3 }), HttpStatusCode.OK);
        await Problem(await Server.As(People.Window).PostAsJsonAsync($"/api/cases/{caseId}/supervision-orders",
            new { department = People.Housing, content = "x" }), HttpStatusCode.Forbidden);
        var view = await Json(await supervisor.GetAsync($"/api/cases/{caseId}?journal=false"), HttpStatusCode.OK);
        var order = view["openSupervisionOrders"]!.AsArray().Single()!;
        Assert.Equal(People.Housing, (string?)order["department"]);

        // Another department may not answer it; the addressed one does.
        await Problem(await Server.As(People.FireHandler).PostAsJsonAsync($"/api/cases/{caseId}/supervision-orders/{order["id"]}/answer", new { answer = "x" }), HttpStatusCode.Forbidden);
        await Json(await Server.As(People.Window).PostAsJsonAsync($"/api/cases/{caseId}/supervision-orders/{order["id"]}/answer", new { answer = "已增设窗口" }), HttpStatusCode.OK);

        await Json(await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/supervision-orders", new { department = People.Housing, content = "请核查" }), HttpStatusCode.OK);
        // The answered order stays open until the supervisor accepts it; the new one is the one issued.
        var second = (await Json(await supervisor.GetAsync($"/api/cases/{caseId}?journal=false"), HttpStatusCode.OK))["openSupervisionOrders"]!.AsArray()
            .Single(o => (string?)o!["status"] == "issued")!;
        await Json(await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/supervision-orders/{second["id"]}/close", new { conclusion = "经核查无问题，销号" }), HttpStatusCode.OK);
        var closed = await Json(await supervisor.GetAsync($"/api/cases/{caseId}"), HttpStatusCode.OK);
        Assert.Equal("answered", (string?)closed["openSupervisionOrders"]!.AsArray().Single()!["status"]);
        Assert.Contains(closed["journal"]!.AsArray(), j => (string?)j!["kind"] == "supervision-closed");
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_result_and_changes_nothing()
    {
        var window = Server.As(People.Window);
        var applicant = $"91330000IDEM{Guid.NewGuid():N}"[..30];
        var body = PermitApplication(applicant);
        HttpResponseMessage Send()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "apply-" + applicant);
            return window.Send(request);
        }
        var first = await Json(Send(), HttpStatusCode.Created);
        var second = await Json(Send(), HttpStatusCode.Created);
        Assert.Equal((string?)first["case"]!["caseId"], (string?)second["case"]!["caseId"]);
        Assert.Equal((string?)first["queryCode"], (string?)second["queryCode"]);
        var list = await Json(await Server.As(People.Supervisor).GetAsync($"/api/cases?applicant={applicant}"), HttpStatusCode.OK);
        Assert.Equal(1, (int)list["total"]!);

        var item = (string)first["case"]!["openWorkItems"]![0]!["id"]!;
        async Task<JsonNode> Accept()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/work-items/{item}/accept");
            request.Headers.Add("Idempotency-Key", "accept-" + item);
            return await Json(await window.SendAsync(request), HttpStatusCode.OK);
        }
        var once = await Accept();
        var twice = await Accept();
        Assert.Equal((long)once["revision"]!, (long)twice["revision"]!);
    }

    [Fact]
    public async Task Two_concurrent_completes_of_one_work_item_give_one_200_and_one_409()
    {
        var window = Server.As(People.Window);
        var applied = await Json(await window.PostAsJsonAsync("/api/cases", PermitApplication()), HttpStatusCode.Created);
        var item = (string)applied["case"]!["openWorkItems"]![0]!["id"]!;
        var other = Server.As(People.HandlerOf(People.Housing, "window-2"));
        var responses = await Task.WhenAll(
            window.PostAsync($"/api/work-items/{item}/accept", null),
            other.PostAsync($"/api/work-items/{item}/accept", null));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order().ToArray());
        var conflict = responses.Single(r => r.StatusCode == HttpStatusCode.Conflict);
        await Problem(conflict, HttpStatusCode.Conflict, "work-item-completed");
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        var huge = new string('#', 400 * 1024);
        var response = await Server.As(People.Analyst).PostAsync("/api/definitions/validate", Yaml(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Withdraw_extension_and_special_procedures_go_through_the_api()
    {
        var window = Server.As(People.Window);
        var applied = await Json(await window.PostAsJsonAsync("/api/cases", PermitApplication()), HttpStatusCode.Created);
        var caseId = (string)applied["case"]!["caseId"]!;
        await Json(await window.PostAsync($"/api/work-items/{applied["case"]!["openWorkItems"]![0]!["id"]}/accept", null), HttpStatusCode.OK);

        var fire = Server.As(People.FireHandler);
        var fireItem = await InboxItemAsync(fire, caseId, "fire-review");
        var started = await Json(await fire.PostAsJsonAsync($"/api/work-items/{fireItem}/special-procedures",
            new { kind = "专家评审", approver = "县住建局局长", reason = "高层建筑消防设计需专家论证" }), HttpStatusCode.OK);
        Assert.Equal("running", (string?)started["status"]);
        var suspended = await Json(await fire.GetAsync($"/api/cases/{caseId}"), HttpStatusCode.OK);
        Assert.True((bool)suspended["suspended"]!);
        var procedure = (string)suspended["openSuspensions"]![0]!["id"]!;
        await Problem(await fire.PostAsJsonAsync($"/api/work-items/{fireItem}/special-procedures", new { kind = "拍卖", approver = "x", reason = "y" }), HttpStatusCode.UnprocessableEntity);
        await Json(await fire.PostAsJsonAsync($"/api/cases/{caseId}/special-procedures/{procedure}/end", new { result = "专家论证通过" }), HttpStatusCode.OK);

        await Json(await window.PostAsJsonAsync($"/api/cases/{caseId}/extensions", new { approver = "县人民政府负责人", reason = "情况复杂", value = 10, unit = "工作日" }), HttpStatusCode.OK);
        await Problem(await window.PostAsJsonAsync($"/api/cases/{caseId}/extensions", new { approver = "县人民政府负责人", reason = "再延", value = 5, unit = "工作日" }), HttpStatusCode.Conflict, "already-extended");
        var extended = await Json(await window.GetAsync($"/api/cases/{caseId}?journal=false"), HttpStatusCode.OK);
        Assert.Equal(1, (int)extended["extensions"]!);
        Assert.Null(extended["journal"]);

        var withdrawn = await Json(await window.PostAsJsonAsync($"/api/cases/{caseId}/withdraw", new { reason = "申请人撤回" }), HttpStatusCode.OK);
        Assert.Equal("withdrawn", (string?)withdrawn["status"]);
    }

    [Fact]
    public async Task Health_readiness_openapi_and_development_tokens()
    {
        var anonymous = Server.As(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        var ready = await Json(await anonymous.GetAsync("/ready"), HttpStatusCode.OK);
        Assert.Contains(ready["catalog"]!.AsArray(), c => (string?)c!["powerCode"] == Permit);
        var openapi = await Json(await anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        Assert.NotNull(openapi["paths"]!["/api/cases"]);
        Assert.NotNull(openapi["paths"]!["/api/inbox"]);
        Assert.NotNull(openapi["components"]!["securitySchemes"]!["bearer"]);

        var token = await Json(await anonymous.PostAsJsonAsync("/api/dev/token", new { user = "window" }), HttpStatusCode.OK);
        var client = Server.As(null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", (string)token["token"]!);
        await Json(await client.GetAsync("/api/inbox"), HttpStatusCode.OK);
        await Problem(await anonymous.PostAsJsonAsync("/api/dev/token", new { user = "nobody" }), HttpStatusCode.NotFound, "user-not-found");

        // A token signed with another key is refused.
        var forged = new TokenIssuer(Encoding.UTF8.GetBytes("another-key-another-key-another-key-!!")).Mint(People.Administrator, TimeSpan.FromHours(1));
        client.DefaultRequestHeaders.Authorization = new("Bearer", forged);
        await Problem(await client.GetAsync("/api/inbox"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Discretion_gives_the_tier_and_band_of_the_facts_on_the_table_in_force()
    {
        var enforcement = Server.As(People.HandlerOf("县住房和城乡建设局建设工程执法大队"));
        var assessed = await Json(await enforcement.PostAsJsonAsync("/api/discretion/assess", new
        {
            powerCode = "CF00301012", violation = "unlicensed-construction", violationDate = "2026-03-02",
            facts = new { projectKind = "房屋建筑工程", area = 30000, contractPrice = 10_000_000 },
        }), HttpStatusCode.OK);
        Assert.Equal("一般", (string?)assessed["tier"]!["level"]);
        var builder = assessed["columns"]!.AsArray().Single(c => (string?)c!["id"] == "builder")!;
        Assert.Equal(130000m, (decimal)builder["bandAmount"]!["min"]!);
        Assert.Equal(170000m, (decimal)builder["bandAmount"]!["max"]!);

        // Before the table took effect there is no 基准 to apply.
        await Problem(await enforcement.PostAsJsonAsync("/api/discretion/assess", new
        {
            powerCode = "CF00301012", violation = "unlicensed-construction", violationDate = "2020-01-01", facts = new { area = 100 },
        }), HttpStatusCode.UnprocessableEntity, "discretion-not-in-force");
        await Problem(await Server.As(null).PostAsJsonAsync("/api/discretion/assess", new { powerCode = "CF00301012" }), HttpStatusCode.Unauthorized);
    }

    // ---------- helpers ----------

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private static object Application(string code) => new
    {
        powerCode = code, applicant = new { id = "91330000MA0000001X", name = "某某建设有限公司" }, data = new { amount = 1000 },
    };

    private static object PermitApplication(string applicant = "91510000MA6CTEST0X") => new
    {
        powerCode = Permit,
        applicant = new { id = applicant, name = "某某建设有限公司" },
        data = new { projectName = "县第一中学教学楼", area = 12000, contractPrice = 30_000_000, civilDefenceRequired = true },
    };

    private static async Task PublishAsync(HttpClient deployer, string yaml)
    {
        var draft = await Json(await deployer.PostAsync("/api/definitions/drafts", Yaml(yaml)), HttpStatusCode.Created);
        await Json(await deployer.PostAsync($"/api/definitions/drafts/{draft["id"]}/publish", null), HttpStatusCode.OK);
    }

    private static async Task<JsonArray> InboxAsync(HttpClient client, string caseId)
    {
        var inbox = await Json(await client.GetAsync($"/api/inbox?power={Permit}&pageSize=200"), HttpStatusCode.OK);
        return new JsonArray(inbox["items"]!.AsArray().Where(i => (string?)i!["caseId"] == caseId).Select(i => i!.DeepClone()).ToArray());
    }

    private static async Task<string> InboxItemAsync(HttpClient client, string caseId, string nodeId)
    {
        var items = await InboxAsync(client, caseId);
        var item = items.FirstOrDefault(i => (string?)i!["nodeId"] == nodeId)
            ?? throw new Xunit.Sdk.XunitException($"no '{nodeId}' in the inbox; it holds {items.ToJsonString()}");
        return (string)item["id"]!;
    }
}

public sealed class SqliteApiScenarios(SqliteApiFixture fixture) : ApiScenarios(fixture), IClassFixture<SqliteApiFixture>;

public sealed class PostgresApiScenarios(PostgresApiFixture fixture) : ApiScenarios(fixture), IClassFixture<PostgresApiFixture>;
