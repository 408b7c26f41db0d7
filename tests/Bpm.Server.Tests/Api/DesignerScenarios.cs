using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpm.Server.Hosting;
using static Bpm.Server.Tests.Api.ApiResponses;

namespace Bpm.Server.Tests.Api;

/// <summary>
/// What the designer asks of the server (deadline simulation, template preview, the directory of departments and
/// roles) through HTTP against the real server, on SQLite and on PostgreSQL.
/// </summary>
public abstract class DesignerScenarios(ApiFixture fixture)
{
    private ApiServer Server => fixture.Server;

    private static readonly string PermitText = File.ReadAllText(
        Path.Combine(RepositoryRoot.Find()!, "process-definitions", "XK00301001-construction-permit.yaml"));

    // ---------- deadline simulation ----------

    // The 2026 National Day holiday is 10-01 … 10-07; 2026-09-20 (Sun) and 2026-10-10 (Sat) are make-up working days.
    // Accepted on Saturday 2026-10-03, inside the holiday, the start day is not counted and the working days after it
    // are: 10-08 Thu (1), 10-09 Fri (2), 10-10 Sat make-up (3), 10-12 (4), 10-13 (5), 10-14 (6), 10-15 (7), 10-16 (8),
    // 10-19 (9), 10-20 (10). Office hours close at 17:30 (+08:00).
    //   一窗受理 (the acceptance step) is at the acceptance moment: 10-03 09:00.
    //   并联审查 (limit 7 wd, due 10-15): 消防 5 wd → 10-13; 人防 5 wd → 10-13; 施工许可审查 5 wd → 10-13 then 施工许可审核
    //   1 wd → 10-14. The slowest branch ends 10-14, inside the block's 10-15, so the block ends 10-14 17:30.
    //   牵头部门汇总决定 1 wd → 10-15; 统一出件 1 wd → 10-16; 准予许可 reached 10-16 17:30.
    //   Promised 10 wd → 10-20 17:30. Legal 45 wd (the joint cap): October has 14 working days after 10-03 (to 10-30),
    //   November 21 (to 11-30: 35), then 12-01 … 12-08 are the 36th … 45th (12-01,02,03,04,07,08 → 40 … 45) → 12-08.
    [Fact]
    public async Task Simulating_the_construction_permit_accepted_in_the_national_day_holiday_gives_the_hand_counted_dates()
    {
        var plan = await SimulateAsync(PermitText, "2026-10-03");
        Assert.Equal("2026-10-03", (string?)plan["acceptedOn"]);
        Assert.Equal("2026-10-20T17:30:00+08:00", (string?)plan["promisedDue"]);
        Assert.Equal("2026-12-08T17:30:00+08:00", (string?)plan["legalDue"]);
        Assert.Equal(10m, (decimal)plan["promisedLimit"]!["value"]!);
        Assert.Equal("工作日", (string?)plan["promisedLimit"]!["unit"]);
        Assert.Equal(45m, (decimal)plan["legalLimit"]!["value"]!);

        var nodes = Nodes(plan);
        Assert.Equal(["start", "accept", "joint-review", "fire-review", "civil-defence-review", "permit-review", "permit-approve", "consolidate", "certify", "granted"],
            nodes.Keys);
        Assert.Equal(("2026-10-03T09:00:00+08:00", "2026-10-03T09:00:00+08:00"), nodes["accept"]);
        Assert.Equal(("2026-10-03T09:00:00+08:00", "2026-10-14T17:30:00+08:00"), nodes["joint-review"]);
        Assert.Equal(("2026-10-03T09:00:00+08:00", "2026-10-13T17:30:00+08:00"), nodes["fire-review"]);
        Assert.Equal(("2026-10-03T09:00:00+08:00", "2026-10-13T17:30:00+08:00"), nodes["civil-defence-review"]);
        Assert.Equal(("2026-10-13T17:30:00+08:00", "2026-10-14T17:30:00+08:00"), nodes["permit-approve"]);
        Assert.Equal(("2026-10-14T17:30:00+08:00", "2026-10-15T17:30:00+08:00"), nodes["consolidate"]);
        Assert.Equal(("2026-10-15T17:30:00+08:00", "2026-10-16T17:30:00+08:00"), nodes["certify"]);
        Assert.Equal("2026-10-16T17:30:00+08:00", (string?)plan["pathEnd"]);
        var branches = plan["nodes"]!.AsArray().ToDictionary(n => (string)n!["nodeId"]!, n => (string?)n!["branch"]);
        Assert.Equal("fire", branches["fire-review"]);
        Assert.Equal("permit", branches["permit-approve"]);
        Assert.Null(branches["consolidate"]);
        Assert.Equal("1 工作日", (string?)plan["nodes"]!.AsArray().Single(n => (string?)n!["nodeId"] == "consolidate")!["limit"]!["text"]);
        Assert.False((bool)plan["pathExceedsPromised"]!);
        Assert.False((bool)plan["pathExceedsLegal"]!);
        Assert.Empty(plan["problems"]!.AsArray());
    }

    [Fact]
    public async Task A_path_choice_changes_the_nodes_and_the_end_of_the_path()
    {
        // 并联审查 不同意 → 送达不予许可决定书 (a service, no time of its own) → 不予许可, reached when the block ends (10-14).
        var refused = await SimulateAsync(PermitText, "2026-10-03", new JsonObject { ["joint-review"] = "不同意" });
        Assert.Equal(["start", "accept", "joint-review", "fire-review", "civil-defence-review", "permit-review", "permit-approve", "notify-rejection", "refused"],
            Nodes(refused).Keys);
        Assert.Equal("2026-10-14T17:30:00+08:00", (string?)refused["pathEnd"]);

        // A choice may name the target node instead of the outcome: 不予受理 ends the path on the acceptance day.
        var notAccepted = await SimulateAsync(PermitText, "2026-10-03", new JsonObject { ["accept"] = "notify-not-accepted" });
        Assert.Equal(["start", "accept", "notify-not-accepted", "not-accepted"], Nodes(notAccepted).Keys);
        Assert.Equal("2026-10-03T09:00:00+08:00", (string?)notAccepted["pathEnd"]);

        // A choice the definition cannot take is reported, and the default path is simulated.
        var unknown = await SimulateAsync(PermitText, "2026-10-03", new JsonObject { ["consolidate"] = "改天再说", ["nowhere"] = "x" });
        Assert.Equal("2026-10-16T17:30:00+08:00", (string?)unknown["pathEnd"]);
        var codes = unknown["problems"]!.AsArray().Select(p => ((string?)p!["code"], (string?)p["nodeId"])).ToList();
        Assert.Contains(("unknown-choice", "consolidate"), codes);
        Assert.Contains(("unknown-choice-node", "nowhere"), codes);

        // 补正 sends the case back to the acceptance step: a loop the simulation stops and names.
        var loop = await SimulateAsync(PermitText, "2026-10-03", new JsonObject { ["accept"] = "补正" });
        Assert.Contains(loop["problems"]!.AsArray(), p => (string?)p!["code"] == "loop" && (string?)p["nodeId"] == "accept");
    }

    [Fact]
    public async Task A_path_whose_limits_exceed_the_promised_limit_is_flagged()
    {
        // 汇总决定 takes 5 working days instead of 1: 10-14 + 5 wd = 10-21, 统一出件 10-22, after the promised 10-20
        // but long before the legal 12-08.
        var slow = PermitText.Replace("    role: 负责人\n    limit: 1 工作日", "    role: 负责人\n    limit: 5 工作日");
        Assert.NotEqual(PermitText, slow);
        var plan = await SimulateAsync(slow, "2026-10-03");
        Assert.Equal(("2026-10-14T17:30:00+08:00", "2026-10-21T17:30:00+08:00"), Nodes(plan)["consolidate"]);
        Assert.Equal("2026-10-22T17:30:00+08:00", (string?)plan["pathEnd"]);
        Assert.True((bool)plan["pathExceedsPromised"]!);
        Assert.False((bool)plan["pathExceedsLegal"]!);
        Assert.Contains(plan["problems"]!.AsArray(), p => (string?)p!["code"] == "path-exceeds-promised");

        // The default path of the same definition does not exceed when 不予 is chosen at the decision: 10-21 + 0.
        var refused = await SimulateAsync(slow, "2026-10-03", new JsonObject { ["consolidate"] = "不予" });
        Assert.Equal("2026-10-21T17:30:00+08:00", (string?)refused["pathEnd"]);
        Assert.True((bool)refused["pathExceedsPromised"]!);
    }

    [Fact]
    public async Task A_branch_slower_than_its_joint_review_is_capped_at_the_block_limit_and_reported()
    {
        // 施工许可审核 3 wd instead of 1: the 施工许可 branch needs until 10-16, the block's 7 wd end at 10-15.
        var slow = PermitText.Replace("    role: 分管负责人\n            limit: 1 工作日", "    role: 分管负责人\n            limit: 3 工作日");
        Assert.NotEqual(PermitText, slow);
        var plan = await SimulateAsync(slow, "2026-10-03");
        Assert.Equal(("2026-10-03T09:00:00+08:00", "2026-10-15T17:30:00+08:00"), Nodes(plan)["joint-review"]);
        Assert.Equal(("2026-10-13T17:30:00+08:00", "2026-10-16T17:30:00+08:00"), Nodes(plan)["permit-approve"]);
        Assert.Contains(plan["problems"]!.AsArray(), p => (string?)p!["code"] == "branch-exceeds-block" && (string?)p["nodeId"] == "joint-review");
    }

    [Fact]
    public async Task Simulation_refuses_an_invalid_definition_and_a_date_outside_the_calendar()
    {
        var analyst = Server.As(People.Analyst);
        var invalid = await analyst.PostAsJsonAsync("/api/definitions/simulate",
            new { text = PermitText.Replace("join: all", "join: most"), acceptedOn = "2026-10-03" });
        var problem = await Problem(invalid, HttpStatusCode.BadRequest, "definition-invalid");
        Assert.Contains(problem["diagnostics"]!.AsArray(), d => ((string)d!["message"]!).Contains("most") && (int?)d["line"] > 0);

        var outside = await analyst.PostAsJsonAsync("/api/definitions/simulate", new { text = PermitText, acceptedOn = "2031-03-02" });
        var range = await Problem(outside, HttpStatusCode.BadRequest, "date-outside-calendar");
        Assert.Contains("2031-03-02", (string?)range["detail"]);

        // Accepted late in the last loaded year, the 45-working-day legal due runs past the calendar: refused too.
        var runsOut = await analyst.PostAsJsonAsync("/api/definitions/simulate", new { text = PermitText, acceptedOn = "2027-12-20" });
        await Problem(runsOut, HttpStatusCode.BadRequest, "date-outside-calendar");

        var badDate = await analyst.PostAsJsonAsync("/api/definitions/simulate", new { text = PermitText, acceptedOn = "3 October" });
        await Problem(badDate, HttpStatusCode.BadRequest, "bad-date");

        // Simulating saves nothing: any signed-in user may (a window handler telling an applicant when to expect an answer).
        var handler = await Server.As(People.Window).PostAsJsonAsync("/api/definitions/simulate", new { text = PermitText, acceptedOn = "2026-10-03" });
        Assert.Equal(HttpStatusCode.OK, handler.StatusCode);
        var anonymous = await Server.As(null).PostAsJsonAsync("/api/definitions/simulate", new { text = PermitText, acceptedOn = "2026-10-03" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    // ---------- template preview ----------

    [Fact]
    public async Task A_template_preview_renders_on_sample_data_or_on_the_data_given()
    {
        var analyst = Server.As(People.Analyst);
        var sample = await Json(await analyst.PostAsJsonAsync("/api/definitions/templates/preview",
            new { text = PermitText, templateId = "not-accepted-notice" }), HttpStatusCode.OK);
        Assert.Equal("text/plain; charset=utf-8", (string?)sample["contentType"]);
        var body = (string)sample["body"]!;
        Assert.Contains("建筑工程施工许可证核发申请（项目：（项目名称））", body);
        Assert.Contains("县住房和城乡建设局", body);
        Assert.DoesNotContain("{{", body);

        var given = await Json(await analyst.PostAsJsonAsync("/api/definitions/templates/preview",
            new { text = PermitText, templateId = "not-accepted-notice", data = new { projectName = "城东小学教学楼", rejectReason = "不属于本机关职权范围" } }),
            HttpStatusCode.OK);
        Assert.Contains("（项目：城东小学教学楼）", (string)given["body"]!);
        Assert.Contains("理由：不属于本机关职权范围。", (string)given["body"]!);

        var unknown = await analyst.PostAsJsonAsync("/api/definitions/templates/preview", new { text = PermitText, templateId = "no-such" });
        var problem = await Problem(unknown, HttpStatusCode.BadRequest, "unknown-template");
        Assert.Contains("rejection-decision", (string?)problem["detail"]);

        var broken = await analyst.PostAsJsonAsync("/api/definitions/templates/preview",
            new { text = PermitText.Replace("{{applicant.name}}：\n      你（单位）于", "{{#if applicant.name}}：\n      你（单位）于"), templateId = "not-accepted-notice" });
        await Problem(broken, HttpStatusCode.BadRequest, "definition-invalid");
    }

    // ---------- directory ----------

    [Fact]
    public async Task The_directory_lists_the_departments_and_roles_of_the_catalog_and_the_sample_users()
    {
        var directory = await Json(await Server.As(People.Window).GetAsync("/api/directory"), HttpStatusCode.OK);
        var departments = directory["departments"]!.AsArray()
            .ToDictionary(d => (string)d!["name"]!, d => d!["roles"]!.AsArray().Select(r => (string)r!).ToList());
        Assert.Contains("综合窗口受理员", departments[People.Housing]);
        Assert.Contains("负责人", departments[People.Housing]);
        Assert.Contains("消防审查员", departments[People.Fire]);
        Assert.Contains("人防审核员", departments[People.CivilDefence]);
        Assert.Contains("县民政局", departments.Keys);                        // 实施主体 of JF00100101
        Assert.Contains("县政务服务管理局电子监察室", departments.Keys);      // a sample user's department only
        Assert.Equal(departments.Keys.Order(StringComparer.Ordinal), departments.Keys);
        Assert.Equal(departments[People.Housing].Order(StringComparer.Ordinal), departments[People.Housing]);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.As(null).GetAsync("/api/directory")).StatusCode);
    }

    // ---------- helpers ----------

    private async Task<JsonNode> SimulateAsync(string text, string acceptedOn, JsonObject? choices = null) =>
        await Json(await Server.As(People.Analyst).PostAsJsonAsync("/api/definitions/simulate",
            new JsonObject { ["text"] = text, ["acceptedOn"] = acceptedOn, ["choices"] = choices ?? [] }), HttpStatusCode.OK);

    /// <summary>nodeId → (startsAt, dueAt), in path order.</summary>
    private static Dictionary<string, (string?, string?)> Nodes(JsonNode plan) =>
        plan["nodes"]!.AsArray().ToDictionary(n => (string)n!["nodeId"]!, n => ((string?)n!["startsAt"], (string?)n["dueAt"]));
}

public sealed class SqliteDesignerScenarios(SqliteApiFixture fixture) : DesignerScenarios(fixture), IClassFixture<SqliteApiFixture>;

public sealed class PostgresDesignerScenarios(PostgresApiFixture fixture) : DesignerScenarios(fixture), IClassFixture<PostgresApiFixture>;
