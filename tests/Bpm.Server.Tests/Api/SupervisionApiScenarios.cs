using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpm.Server.Cli;
using Bpm.Server.Tests.Cli;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Bpm.Server.Tests.Api.ApiResponses;

namespace Bpm.Server.Tests.Api;

/// <summary>The supervision reads through HTTP: shapes the designer and supervisor pages rely on, department scoping, bad input.</summary>
public abstract class SupervisionApiScenarios(ApiFixture fixture)
{
    private const string Permit = "XK00301001";
    private ApiServer Server => fixture.Server;

    private async Task<string> AcceptedPermitAsync()
    {
        var window = Server.As(People.Window);
        var applied = await Json(await window.PostAsJsonAsync("/api/cases", new
        {
            powerCode = Permit,
            applicant = new { id = "91510000MA6CSUPV0X", name = "某某建设有限公司" },
            data = new { projectName = "县第二中学教学楼", area = 12000, contractPrice = 30_000_000, civilDefenceRequired = true },
        }), HttpStatusCode.Created);
        var caseId = (string)applied["case"]!["caseId"]!;
        var inbox = await Json(await window.GetAsync($"/api/inbox?power={Permit}&pageSize=200"), HttpStatusCode.OK);
        var accept = inbox["items"]!.AsArray().First(i => (string?)i!["caseId"] == caseId && (string?)i["nodeId"] == "accept")!;
        await Json(await window.PostAsync($"/api/work-items/{accept["id"]}/accept", null), HttpStatusCode.OK);
        return caseId;
    }

    [Fact]
    public async Task The_light_board_shows_each_open_step_and_a_handler_sees_only_their_department()
    {
        var caseId = await AcceptedPermitAsync();

        var board = await Json(await Server.As(People.Supervisor).GetAsync($"/api/supervision/light-board?power={Permit}&pageSize=200"), HttpStatusCode.OK);
        var mine = board["items"]!.AsArray().Where(i => (string?)i!["caseId"] == caseId).ToList();
        // After acceptance the joint review runs: its block and the three branches' first steps are open.
        Assert.Contains(mine, i => (string?)i!["nodeId"] == "fire-review" && (string?)i["department"] == People.Fire);
        Assert.Contains(mine, i => (string?)i!["nodeId"] == "civil-defence-review");
        Assert.All(mine, i =>
        {
            Assert.Equal("green", (string?)i!["light"]);
            Assert.False((bool)i["suspended"]!);
            Assert.Equal(Permit, (string?)i["powerCode"]);
            Assert.StartsWith(Permit + "-", (string?)i["caseNumber"]);
            Assert.NotNull((string?)i["powerName"]);
            Assert.NotNull((string?)i["nodeName"]);
        });
        var counts = board["counts"]!;
        Assert.True((long)counts["green"]! >= mine.Count);
        foreach (var light in new[] { "yellow", "red", "redCard", "suspended" }) Assert.NotNull(counts[light]);
        Assert.Equal((long)board["total"]!, new[] { "green", "yellow", "red", "redCard", "suspended" }.Sum(l => (long)counts[l]!));

        var fire = await Json(await Server.As(People.FireHandler).GetAsync($"/api/supervision/light-board?power={Permit}&pageSize=200"), HttpStatusCode.OK);
        Assert.NotEmpty(fire["items"]!.AsArray());
        Assert.All(fire["items"]!.AsArray(), i => Assert.StartsWith(People.Fire, (string?)i!["department"]));
        await Problem(await Server.As(People.FireHandler).GetAsync($"/api/supervision/light-board?department={People.CivilDefence}"),
            HttpStatusCode.Forbidden, "other-department");
        await Problem(await Server.As(People.Supervisor).GetAsync("/api/supervision/light-board?light=blue"), HttpStatusCode.BadRequest, "bad-light");
        Assert.Empty((await Json(await Server.As(People.Supervisor).GetAsync($"/api/supervision/light-board?power={Permit}&light=red-card"),
            HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task The_rollup_pump_counts_closed_steps_in_the_background_without_a_query_asking()
    {
        var store = Server.Services.GetRequiredService<EngineStore>();
        long Accepted(BpmDbContext db) => db.Set<NodeTimingHistogram>().AsNoTracking()
            .Where(r => r.PowerCode == Permit && r.NodeId == "accept" && r.Handler == TimingResolution.All && r.CaseOutcome == TimingResolution.All
                        && r.Period % 10000 == 0)
            .Sum(r => r.Visits);
        long before;
        await using (var db = store.CreateContext()) before = Accepted(db);

        await AcceptedPermitAsync(); // closes the acceptance step: one feed row, counted by the pump (every 500 ms)

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var db = store.CreateContext();
            if (await RollupFeed.BacklogAsync(db, CancellationToken.None) == 0 && Accepted(db) > before) break;
            Assert.True(DateTime.UtcNow < deadline, "the pump did not count the closed acceptance step within 20 s");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Node_timing_and_indicators_answer_in_the_agreed_shape_and_refuse_bad_input()
    {
        await AcceptedPermitAsync();
        var supervisor = Server.As(People.Supervisor);

        var timing = await Json(await supervisor.GetAsync($"/api/supervision/node-timing?power={Permit}"), HttpStatusCode.OK);
        Assert.Contains("nearest rank", (string?)timing["percentileMethod"]);
        var accept = timing["rows"]!.AsArray().Single(r => (string?)r!["nodeId"] == "accept")!;
        Assert.Equal(Permit, (string?)accept["powerCode"]);
        Assert.True((long)accept["completed"]! >= 1);
        foreach (var field in new[] { "nodeName", "visits", "open", "avgWorkingHours", "medianWorkingHours", "p90WorkingHours", "maxWorkingHours",
                     "avgWorkingDays", "medianWorkingDays", "p90WorkingDays", "maxWorkingDays", "onTimeRate", "earlyRate", "overdue" })
            Assert.True(accept.AsObject().ContainsKey(field), field);
        var open = timing["rows"]!.AsArray().Single(r => (string?)r!["nodeId"] == "fire-review")!;
        Assert.True((long)open["open"]! >= 1);
        Assert.Null(open["medianWorkingHours"]); // nothing completed there yet
        Assert.Null(open["onTimeRate"]);

        var byDepartment = await Json(await supervisor.GetAsync($"/api/supervision/node-timing?power={Permit}&groupBy=department"), HttpStatusCode.OK);
        Assert.Contains(byDepartment["rows"]!.AsArray(), r => (string?)r!["department"] == People.Fire);

        var indicators = await Json(await supervisor.GetAsync($"/api/supervision/indicators?power={Permit}&from=2020-01-01&to=2099-12-31"), HttpStatusCode.OK);
        Assert.True((long)indicators["cases"]! >= 1);
        foreach (var field in new[] { "completed", "onTimeRate", "earlyRate", "instantOnTheSpotRate", "overdue", "avgWorkingDays" })
            Assert.True(indicators.AsObject().ContainsKey(field), field);

        await Problem(await supervisor.GetAsync("/api/supervision/node-timing?groupBy=weekday"), HttpStatusCode.BadRequest, "bad-group");
        await Problem(await supervisor.GetAsync("/api/supervision/node-timing?from=21/11/2026"), HttpStatusCode.BadRequest, "bad-date");
        await Problem(await supervisor.GetAsync("/api/supervision/indicators?from=2026-02-01&to=2026-01-01"), HttpStatusCode.BadRequest, "bad-window");
        await Problem(await Server.As(People.Analyst).GetAsync("/api/supervision/indicators"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Verify_answers_the_rollup_and_journal_indicators_side_by_side_for_supervisors_only()
    {
        await AcceptedPermitAsync();
        var supervisor = Server.As(People.Supervisor);
        var query = $"power={Permit}&from=2020-01-01&to=2099-12-31";

        var verify = await Json(await supervisor.GetAsync($"/api/supervision/indicators/verify?{query}"), HttpStatusCode.OK);
        var indicators = await Json(await supervisor.GetAsync($"/api/supervision/indicators?{query}"), HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(indicators, verify["fromRollups"]), verify.ToJsonString());
        // Every case here was made by commands, so the journal tells the same story as the rows and the rollups.
        Assert.True(JsonNode.DeepEquals(verify["fromRollups"], verify["fromJournal"]), verify.ToJsonString());
        Assert.Empty(verify["differences"]!.AsArray());
        Assert.True((long)verify["journaled"]! >= 1);
        Assert.True((long)verify["fromJournal"]!["cases"]! >= 1);

        await Problem(await Server.As(People.FireHandler).GetAsync($"/api/supervision/indicators/verify?{query}"), HttpStatusCode.Forbidden);

        // `bpm indicators --verify` against the server: the same comparison as a table, exit 0 when nothing differs.
        var slice = new IndicatorsCommand.Slice(Permit, null, "2020-01-01", "2099-12-31");
        var console = new CliTestConsole();
        Assert.Equal(IndicatorsCommand.Ok, await IndicatorsCommand.InvokeAsync(Server.Address.ToString(), Server.Token(People.Supervisor), null, true,
            slice, console, _ => null, CancellationToken.None));
        Assert.Contains("按时办结率", console.Output);
        Assert.Contains("0 difference(s)", console.Output);
        Assert.Equal(IndicatorsCommand.Refused, await IndicatorsCommand.InvokeAsync(Server.Address.ToString(), Server.Token(People.FireHandler), null, true,
            slice, new CliTestConsole(), _ => null, CancellationToken.None));
        Assert.Equal(IndicatorsCommand.Usage, await IndicatorsCommand.InvokeAsync(Server.Address.ToString(), Server.Token(People.Supervisor), null, false,
            slice, new CliTestConsole(), _ => null, CancellationToken.None));
        await Problem(await supervisor.GetAsync("/api/supervision/indicators/verify?from=2026-02-01&to=2026-01-01"), HttpStatusCode.BadRequest, "bad-window");
        await Problem(await supervisor.GetAsync("/api/supervision/indicators/verify?to=yesterday"), HttpStatusCode.BadRequest, "bad-date");
    }
}

public sealed class SqliteSupervisionApiScenarios(SqliteApiFixture fixture) : SupervisionApiScenarios(fixture), IClassFixture<SqliteApiFixture>;

public sealed class PostgresSupervisionApiScenarios(PostgresApiFixture fixture) : SupervisionApiScenarios(fixture), IClassFixture<PostgresApiFixture>;
