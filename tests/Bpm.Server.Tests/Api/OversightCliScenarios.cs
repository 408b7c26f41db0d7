using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bpm.Server.Cli;
using Bpm.Server.Security;
using Bpm.Server.Tests.Cli;

namespace Bpm.Server.Tests.Api;

/// <summary>`bpm scores` and `bpm export` against the real server.</summary>
public sealed class OversightCliScenarios(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private const string Market = "县市场监督管理局";
    private static readonly TokenUser MarketHandler = People.HandlerOf(Market, "cli");

    private ServerClient Client(TokenUser user) => ServerClient.Create(new ServerConnection(fixture.Server.Address, fixture.Server.Token(user)));

    /// <summary>A 即办件 decided at once, with a fee charged on the free power: one rule hit, 3 points for the market bureau.</summary>
    private async Task<string> CaseWithFeeAsync()
    {
        var http = fixture.Server.As(MarketHandler);
        var applied = JsonNode.Parse(await (await http.PostAsJsonAsync("/api/cases", new
        {
            powerCode = "XK00211002", applicant = new { id = "92330100MA2CLI001X", name = "某某面馆" },
        })).Content.ReadAsStringAsync())!;
        var caseId = (string)applied["case"]!["caseId"]!;
        var decided = await http.PostAsJsonAsync($"/api/work-items/{applied["case"]!["openWorkItems"]![0]!["id"]}/complete", new
        {
            outcome = "准予", opinion = "准予注销",
            form = new { operatorName = "某某面馆", creditCode = "92330100MA2CLI001X", licenceNo = "JY13301000000002", businessAddress = "县城关镇2号", cancelReason = "终止食品经营活动" },
        });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var fee = await http.PostAsJsonAsync($"/api/cases/{caseId}/fees", new { name = "工本费", amount = 20, payer = "某某面馆" });
        Assert.Equal(HttpStatusCode.OK, fee.StatusCode);
        return caseId;
    }

    [Fact]
    public async Task Scores_lists_the_department_with_its_grade_and_the_deductions_behind_it()
    {
        var caseId = await CaseWithFeeAsync();
        var console = new CliTestConsole();
        using (var client = Client(People.Supervisor))
            Assert.Equal(ScoresCommand.Ok, await ScoresCommand.RunAsync(client, null, Market, details: true, console, CancellationToken.None));
        Assert.Contains(Market, console.Output);
        Assert.Contains("fee-on-free-power", console.Output);
        Assert.Contains(caseId, console.Output);
        Assert.Matches("优秀|良好|合格|不合格", console.Output);

        var refused = new CliTestConsole();
        using (var client = Client(People.Supervisor))
            Assert.Equal(ScoresCommand.Usage, await ScoresCommand.RunAsync(client, "2026-Q9", null, false, refused, CancellationToken.None));
        Assert.Contains("bad-quarter", refused.Output);
        // A department reads its own score, not another's.
        var own = new CliTestConsole();
        using (var client = Client(MarketHandler))
            Assert.Equal(ScoresCommand.Ok, await ScoresCommand.RunAsync(client, null, null, false, own, CancellationToken.None));
        Assert.Contains(Market, own.Output);
        var other = new CliTestConsole();
        using (var client = Client(MarketHandler))
            Assert.Equal(ScoresCommand.Refused, await ScoresCommand.RunAsync(client, null, People.Housing, false, other, CancellationToken.None));
        Assert.Contains("other-department", other.Output);
    }

    [Fact]
    public async Task Export_streams_a_dataset_as_csv_and_reports_refusals()
    {
        var caseId = await CaseWithFeeAsync();
        using var output = new MemoryStream();
        var errors = new StringWriter();
        using (var client = Client(People.Supervisor))
            Assert.Equal(ExportCommand.Ok, await ExportCommand.RunAsync(client, "事项办结", [("caseId", caseId), ("format", "csv")], output, errors, CancellationToken.None));
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("办件编号,办理人,办结时间,结果证照名称,结果证照编号,办件结果描述,证照有效期限,发证单位,盖章单位,是否快递,是否收费", lines[0]);
        Assert.EndsWith(",1", Assert.Single(lines[1..])); // 是否收费: the fee on record

        using (var client = Client(People.Supervisor))
            Assert.Equal(ExportCommand.Usage, await ExportCommand.RunAsync(client, "application", [("format", "csv")], Stream.Null, errors, CancellationToken.None));
        Assert.Contains("window-required", errors.ToString());
        using (var client = Client(MarketHandler))
            Assert.Equal(ExportCommand.Refused, await ExportCommand.RunAsync(client, "application", [("caseId", caseId)], Stream.Null, errors, CancellationToken.None));
        using (var client = ServerClient.Create(new ServerConnection(new Uri("http://127.0.0.1:1"), "x")))
            Assert.Equal(ExportCommand.Unreachable, await ExportCommand.RunAsync(client, "application", [("caseId", caseId)], Stream.Null, errors, CancellationToken.None));
    }
}
