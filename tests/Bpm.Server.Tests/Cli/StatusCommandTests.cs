using System.Net;
using Bpm.Server.Cli;

namespace Bpm.Server.Tests.Cli;

public sealed class StatusCommandTests : IDisposable
{
    private readonly FakeBpmServer _server = new();

    public void Dispose() => _server.Dispose();

    private async Task<(int Exit, CliTestConsole Console)> Status()
    {
        var console = new CliTestConsole();
        using var client = ServerClient.Create(new ServerConnection(new Uri("http://bpm.test:5080"), "t0ken"), _server);
        return (await StatusCommand.RunAsync(client, console, CancellationToken.None), console);
    }

    private static object Power(string code, string name, params (int Version, string State)[] versions) => new
    {
        code, name, category = "行政许可", subject = "县住房和城乡建设局",
        versions = versions.Select(v => new { version = v.Version, state = v.State, publishedAt = "2025-03-01T08:00:00Z", contentHash = "sha256:" + v.Version }).ToArray(),
    };

    [Fact]
    public async Task Lists_every_power_with_its_versions_states_and_latest()
    {
        _server.OnPowers = (page, size) => (HttpStatusCode.OK, new
        {
            items = new[]
            {
                Power("XK00301001", "建筑工程施工许可证核发", (1, "abolished"), (2, "suspended"), (3, "published")),
                Power("CF00301012", "对未取得施工许可证擅自施工的行政处罚", (1, "published")),
            },
            total = 2, page, pageSize = size,
        });
        var (exit, console) = await Status();

        Assert.Equal(StatusCommand.Ok, exit);
        var request = Assert.Single(_server.Requests);
        Assert.Equal(("/api/powers?page=1&pageSize=100", "Bearer t0ken"), (request.PathAndQuery, request.Authorization));
        var permit = Assert.Single(console.Lines, l => l.Contains("XK00301001"));
        Assert.Contains("建筑工程施工许可证核发", permit);
        Assert.Contains("行政许可", permit);
        Assert.Contains("县住房和城乡建设局", permit);
        Assert.Contains("v1 abolished v2 suspended v3 published", permit);
        Assert.Contains("v3", permit.Split("published")[^1]);
        var penalty = Assert.Single(console.Lines, l => l.Contains("CF00301012"));
        Assert.Contains("v1 published", penalty);
        // Sorted by code.
        Assert.True(console.Output.IndexOf("CF00301012", StringComparison.Ordinal) < console.Output.IndexOf("XK00301001", StringComparison.Ordinal));
        Assert.Contains("2 power(s) on http://bpm.test:5080/", console.Output);
    }

    [Fact]
    public async Task Reads_every_page()
    {
        _server.OnPowers = (page, size) => (HttpStatusCode.OK, new
        {
            items = Enumerable.Range((page - 1) * size, Math.Max(0, Math.Min(size, 130 - (page - 1) * size)))
                .Select(i => Power($"QT{i:D8}", $"事项{i}", (1, "published"))).ToArray(),
            total = 130, page, pageSize = size,
        });
        var (exit, console) = await Status();
        Assert.Equal(StatusCommand.Ok, exit);
        Assert.Equal(["/api/powers?page=1&pageSize=100", "/api/powers?page=2&pageSize=100"], _server.Requests.Select(r => r.PathAndQuery));
        Assert.Contains("130 power(s)", console.Output);
        Assert.Contains(console.Lines, l => l.Contains("QT00000129"));
    }

    [Fact]
    public async Task An_empty_server_says_so()
    {
        var (exit, console) = await Status();
        Assert.Equal(StatusCommand.Ok, exit);
        Assert.Contains("no powers published", console.Output);
    }

    [Fact]
    public async Task Without_a_valid_token_it_exits_three()
    {
        _server.OnPowers = (_, _) => (HttpStatusCode.Unauthorized, "");
        var (exit, console) = await Status();
        Assert.Equal(StatusCommand.Refused, exit);
        Assert.Contains("401", console.Output);
        Assert.Contains("BPM_TOKEN", console.Output);
    }

    [Fact]
    public async Task A_closed_port_exits_four_and_a_bad_address_two()
    {
        var console = new CliTestConsole();
        var exit = await StatusCommand.InvokeAsync($"http://127.0.0.1:{FakeBpmServer.ClosedPort()}", null, console, _ => null, CancellationToken.None);
        Assert.Equal(StatusCommand.Unreachable, exit);
        Assert.Contains("cannot reach the server", console.Output);

        var bad = new CliTestConsole();
        Assert.Equal(StatusCommand.Usage, await StatusCommand.InvokeAsync("::", null, bad, _ => null, CancellationToken.None));
        Assert.Contains("is not a server address", bad.Output);
    }
}
