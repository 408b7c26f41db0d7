using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpm.Engine.Tests;
using Bpm.Server.Cli;
using Bpm.Server.Tests.Cli;

namespace Bpm.Server.Tests.Api;

/// <summary>The departments' CLI verbs (token, deploy, status) against the real server.</summary>
public sealed class DeploymentCliScenarios(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bpm-deploy-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<string> TokenAsync(string sub, string department, string role)
    {
        var output = new StringWriter();
        var exit = await TokenCommand.RunAsync(new TokenCommand.TokenRequest(null, sub, sub, department, [role], 1, _folder, ApiServer.Key, null),
            output, new StringWriter(), CancellationToken.None);
        Assert.Equal(TokenCommand.Ok, exit);
        return output.ToString().Trim();
    }

    private ServerClient Client(string token) => ServerClient.Create(new ServerConnection(fixture.Server.Address, token));

    [Fact]
    public async Task Deploy_publishes_shows_unchanged_on_a_repeat_and_is_refused_for_another_department()
    {
        var code = TestDefinitions.NewCode();
        var file = Path.Combine(_folder, code + ".yaml");
        await File.WriteAllTextAsync(file, TestDefinitions.Joint(code));
        var deployer = await TokenAsync("gov-deployer", "测试县人民政府", "deployer");

        var console = new CliTestConsole();
        using (var client = Client(deployer))
            Assert.Equal(0, await DeployCommand.RunAsync(new DeployRequest([file], Yes: true), client, console, CancellationToken.None));
        Assert.Contains("new power", console.Output);

        var http = fixture.Server.As(People.Supervisor);
        var power = JsonNode.Parse(await http.GetStringAsync($"/api/powers/{code}"))!;
        Assert.Equal(1, (int)power["latestVersion"]!);

        var again = new CliTestConsole();
        using (var client = Client(deployer))
            Assert.Equal(0, await DeployCommand.RunAsync(new DeployRequest([file], Yes: true), client, again, CancellationToken.None));
        Assert.Contains("unchanged", again.Output);
        power = JsonNode.Parse(await http.GetStringAsync($"/api/powers/{code}"))!;
        Assert.Equal(1, (int)power["latestVersion"]!);

        // A changed definition from another department's deployer: refused (exit 3), nothing published.
        await File.WriteAllTextAsync(file, TestDefinitions.Joint(code, join: "any"));
        var other = new CliTestConsole();
        using (var client = Client(await TokenAsync("cd-deployer", "县人民防空办公室", "deployer")))
            Assert.Equal(3, await DeployCommand.RunAsync(new DeployRequest([file], Yes: true), client, other, CancellationToken.None));
        Assert.Contains("other-department", other.Output);
        power = JsonNode.Parse(await http.GetStringAsync($"/api/powers/{code}"))!;
        Assert.Equal(1, (int)power["latestVersion"]!);

        // Status lists it.
        var status = new CliTestConsole();
        using (var client = Client(deployer))
            Assert.Equal(0, await StatusCommand.RunAsync(client, status, CancellationToken.None));
        Assert.Contains(code, status.Output);
    }

    [Fact]
    public async Task A_minted_token_is_accepted_and_a_sample_user_needs_the_users_file()
    {
        var token = await TokenAsync("someone", "县人民防空办公室", "handler");
        var client = fixture.Server.As(null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.True((await client.GetAsync("/api/inbox")).IsSuccessStatusCode);

        var errors = new StringWriter();
        Assert.Equal(TokenCommand.Usage, await TokenCommand.RunAsync(
            new TokenCommand.TokenRequest(null, "x", null, null, ["wizard"], 1, _folder, ApiServer.Key, null), new StringWriter(), errors, CancellationToken.None));
        Assert.Contains("unknown role", errors.ToString());
    }
}
