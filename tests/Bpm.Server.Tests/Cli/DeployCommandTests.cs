using System.CommandLine;
using System.Net;
using Bpm.Server.Cli;
using Bpm.Testing;

namespace Bpm.Server.Tests.Cli;

public sealed class DeployCommandTests : IDisposable
{
    private const string Permit = "XK00301001-construction-permit.yaml";
    private const string Penalty = "CF00301012-unlicensed-construction-penalty.yaml";

    private readonly string _dir = Directory.CreateTempSubdirectory("bpm-deploy-").FullName;
    private readonly FakeBpmServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Copy(string catalogFile, string? name = null)
    {
        var path = Path.Combine(_dir, name ?? catalogFile);
        File.Copy(Path.Combine(RepositoryPaths.ProcessDefinitions, catalogFile), path);
        return path;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private ServerClient Client(string server = "http://bpm.test:5080", string? token = "t0ken") =>
        ServerClient.Create(new ServerConnection(new Uri(server), token), _server);

    private async Task<(int Exit, CliTestConsole Console)> Deploy(string[] inputs, bool yes = false, bool interactive = false, string typed = "")
    {
        var console = new CliTestConsole(interactive, typed);
        using var client = Client();
        var exit = await DeployCommand.RunAsync(new DeployRequest(inputs, yes), client, console, CancellationToken.None);
        Assert.Equal(0, console.UnreadKeys);
        return (exit, console);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    // ---- usage ----

    [Fact]
    public async Task No_files_is_a_usage_error_and_nothing_is_sent()
    {
        var (exit, console) = await Deploy([]);
        Assert.Equal(DeployCommand.Usage, exit);
        Assert.Contains("give one or more .yaml/.yml/.json files or folders", console.Output);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_missing_file_stops_everything_before_the_server_is_asked()
    {
        var present = Copy(Permit);
        var (exit, console) = await Deploy([present, Path.Combine(_dir, "absent.yaml")], yes: true);
        Assert.Equal(DeployCommand.Usage, exit);
        Assert.Contains("absent.yaml: error: no such file or folder", console.Output);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_file_that_is_not_a_definition_and_an_unknown_option_are_usage_errors()
    {
        var notes = Write("notes.txt", "hello");
        var (exit, console) = await Deploy([notes, "--bogus"]);
        Assert.Equal(DeployCommand.Usage, exit);
        Assert.Contains("notes.txt: error: not a definition (.yaml, .yml or .json)", console.Output);
        Assert.Contains("--bogus: error: unknown option", console.Output);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_folder_without_definitions_is_a_usage_error()
    {
        Write("empty/readme.md", "# nothing here");
        var (exit, console) = await Deploy([Path.Combine(_dir, "empty")]);
        Assert.Equal(DeployCommand.Usage, exit);
        Assert.Contains("no .yaml/.yml/.json definitions in the folders given", console.Output);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://bpm.test")]
    [InlineData("localhost:5080")]
    [InlineData("/api")]
    public async Task A_bad_server_address_is_a_usage_error(string server)
    {
        var console = new CliTestConsole();
        var exit = await DeployCommand.InvokeAsync([Copy(Permit)], server, "t", yes: true, console, Environment(), CancellationToken.None);
        Assert.Equal(DeployCommand.Usage, exit);
        Assert.Contains("is not a server address", console.Output);
    }

    [Fact]
    public async Task A_bad_address_in_BPM_SERVER_is_a_usage_error_too()
    {
        var console = new CliTestConsole();
        var exit = await DeployCommand.InvokeAsync([Copy(Permit)], null, null, yes: true, console, Environment(("BPM_SERVER", "nonsense")), CancellationToken.None);
        Assert.Equal(DeployCommand.Usage, exit);
        Assert.Contains("'nonsense' is not a server address", console.Output);
    }

    [Fact]
    public void Server_and_token_come_from_the_options_then_the_environment_then_the_default()
    {
        Assert.True(ServerConnection.TryResolve(null, null, Environment(), out var plain, out _));
        Assert.Equal((new Uri("http://localhost:5080"), (string?)null), (plain!.Server, plain.Token));

        var env = Environment(("BPM_SERVER", "https://bpm.example.gov.cn/"), ("BPM_TOKEN", "from-env"));
        Assert.True(ServerConnection.TryResolve(null, null, env, out var fromEnv, out _));
        Assert.Equal((new Uri("https://bpm.example.gov.cn/"), "from-env"), (fromEnv!.Server, fromEnv.Token));

        Assert.True(ServerConnection.TryResolve("http://10.0.0.5:8080", "from-flag", env, out var fromFlags, out _));
        Assert.Equal((new Uri("http://10.0.0.5:8080"), "from-flag"), (fromFlags!.Server, fromFlags.Token));

        // A blank value (BPM_TOKEN= in a script) counts as not given.
        Assert.True(ServerConnection.TryResolve(" ", "", Environment(("BPM_TOKEN", "  ")), out var blank, out _));
        Assert.Equal((new Uri("http://localhost:5080"), (string?)null), (blank!.Server, blank.Token));
    }

    [Fact]
    public async Task The_verb_turns_a_command_line_that_does_not_parse_into_exit_two()
    {
        var root = new RootCommand("test");
        foreach (var verb in CliVerbs.All()) root.Subcommands.Add(verb);
        Assert.Contains(root.Subcommands, c => c.Name == "deploy");
        Assert.Contains(root.Subcommands, c => c.Name == "status");

        var error = new StringWriter();
        var exit = await root.Parse(["deploy", Copy(Permit), "--server"]).InvokeAsync(new InvocationConfiguration { Error = error, Output = new StringWriter() });
        Assert.Equal(DeployCommand.Usage, exit);
        Assert.Contains("--server", error.ToString());

        var statusExit = await root.Parse(["status", "--token"]).InvokeAsync(new InvocationConfiguration { Error = new StringWriter(), Output = new StringWriter() });
        Assert.Equal(StatusCommand.Usage, statusExit);
    }

    // ---- the server cannot be reached ----

    [Fact]
    public async Task A_closed_port_means_the_server_cannot_be_reached()
    {
        var console = new CliTestConsole();
        var server = $"http://127.0.0.1:{FakeBpmServer.ClosedPort()}";
        var exit = await DeployCommand.InvokeAsync([Copy(Permit), Copy(Penalty)], server, "t", yes: true, console, Environment(), CancellationToken.None);
        Assert.Equal(DeployCommand.Unreachable, exit);
        Assert.Contains($"cannot reach the server at {server}/", console.Output);
        Assert.Contains("connection refused", console.Output);
    }

    // ---- folders ----

    [Fact]
    public async Task A_folder_stands_for_the_definition_files_directly_inside_it_in_name_order()
    {
        var folder = Path.Combine(_dir, "catalog");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(RepositoryPaths.ProcessDefinitions, Penalty), Path.Combine(folder, "b-penalty.yml"));
        File.Copy(Path.Combine(RepositoryPaths.ProcessDefinitions, Permit), Path.Combine(folder, "a-permit.yaml"));
        Write("catalog/c-other.json", """{"power": {"code": "QT00101001"}}""");
        Write("catalog/notes.txt", "not a definition");
        File.Copy(Path.Combine(RepositoryPaths.ProcessDefinitions, Permit), Path.Combine(folder, "nested-is-ignored.yaml.bak"));
        Write("catalog/sub/d.yaml", "power: {code: XK99999999}");
        var permitAgain = Path.Combine(folder, "a-permit.yaml");

        var (exit, console) = await Deploy([folder, permitAgain], yes: true);

        Assert.Equal(DeployCommand.Ok, exit);
        var uploads = _server.Uploads.ToList();
        Assert.Equal(3, uploads.Count); // the file named again is sent once
        Assert.Equal(["application/yaml", "application/yaml", "application/json"], uploads.Select(u => u.ContentType));
        Assert.Contains("XK00301001", uploads[0].Body);
        Assert.Contains("CF00301012", uploads[1].Body);
        Assert.Equal(3, _server.Publishes.Count());
        Assert.Contains($"{Path.Combine(folder, "a-permit.yaml")}: published XK00301001 version 1", console.Output);
        Assert.Contains("3 file(s): 3 published, 0 unchanged", console.Output);
    }

    // ---- confirming ----

    [Fact]
    public async Task Without_a_terminal_and_without_yes_nothing_is_published_and_it_says_so()
    {
        _server.Published["XK00301001"] = 2;
        var (exit, console) = await Deploy([Copy(Permit)]);

        Assert.Equal(DeployCommand.Usage, exit);
        Assert.Single(_server.Uploads);
        Assert.Empty(_server.Publishes);
        // The findings and the changes are still shown: a dry run.
        Assert.Contains("promised time limit (承诺时限): 10 工作日 → 8 工作日", console.Output);
        Assert.Contains("not published: stdin is not a terminal", console.Output);
        Assert.Contains("run again with --yes", console.Output);
        Assert.Contains("1 awaiting --yes", console.Output);
    }

    [Fact]
    public async Task With_yes_each_valid_draft_is_published_with_the_token()
    {
        _server.Published["XK00301001"] = 2;
        var (exit, console) = await Deploy([Copy(Permit)], yes: true);

        Assert.Equal(DeployCommand.Ok, exit);
        Assert.All(_server.Requests, r => Assert.Equal("Bearer t0ken", r.Authorization));
        var upload = Assert.Single(_server.Uploads);
        Assert.Equal((HttpMethod.Post, "/api/definitions/drafts", "application/yaml"), (upload.Method, upload.PathAndQuery, upload.ContentType));
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryPaths.ProcessDefinitions, Permit)), upload.Body);
        var publish = Assert.Single(_server.Publishes);
        Assert.Equal("", publish.Body);
        Assert.Contains(": published XK00301001 version 3", console.Output);
    }

    [Fact]
    public async Task At_a_terminal_the_user_confirms_or_declines_each_power()
    {
        _server.Published["XK00301001"] = 2;
        _server.Published["CF00301012"] = 1;
        var (exit, console) = await Deploy([Copy(Permit), Copy(Penalty)], interactive: true, typed: "y\nn\n");

        Assert.Equal(DeployCommand.Ok, exit);
        Assert.Contains("Publish XK00301001 as version 3?", console.Output);
        Assert.Contains("Publish CF00301012 as version 2?", console.Output);
        Assert.Single(_server.Publishes);
        Assert.Contains("published XK00301001 version 3", console.Output);
        Assert.Contains("CF00301012: not published (declined)", console.Output);
        Assert.Contains("2 file(s): 1 published, 0 unchanged, 1 declined", console.Output);
    }

    // ---- what the draft says ----

    [Fact]
    public async Task The_diff_against_the_published_version_is_shown_as_a_table()
    {
        _server.Published["XK00301001"] = 2;
        var (_, console) = await Deploy([Copy(Permit)], yes: true);

        Assert.Contains("XK00301001 against published version 2: 3 change(s)", console.Output);
        var rows = console.Lines;
        Assert.Contains(rows, l => l.Contains('~') && l.Contains("limits") && l.Contains("promised") && l.Contains("10 工作日 → 8 工作日"));
        Assert.Contains(rows, l => l.Contains('+') && l.Contains("node") && l.Contains("cooling"));
        Assert.Contains(rows, l => l.Contains('-') && l.Contains("flow") && l.Contains("certify→granted"));
        // Warnings the draft carries are printed like a compiler's.
        Assert.Contains($"{Path.Combine(_dir, Permit)}:3:5: warning BPM0212: a warning the draft may carry", console.Output);
    }

    [Fact]
    public async Task A_power_never_published_is_a_new_power()
    {
        var (exit, console) = await Deploy([Copy(Permit)], yes: true);
        Assert.Equal(DeployCommand.Ok, exit);
        Assert.Contains("XK00301001 new power (will be version 1)", console.Output);
        Assert.Contains("published XK00301001 version 1", console.Output);
    }

    [Fact]
    public async Task An_unchanged_draft_is_not_published_and_exits_zero()
    {
        _server.OnDraft = (_, code) => (HttpStatusCode.Created, new
        {
            id = Guid.NewGuid(), powerCode = code, valid = true, diagnostics = Array.Empty<object>(),
            publishedVersion = 4, unchanged = true, changes = Array.Empty<object>(),
        });
        var (exit, console) = await Deploy([Copy(Permit)], yes: true);
        Assert.Equal(DeployCommand.Ok, exit);
        Assert.Empty(_server.Publishes);
        Assert.Contains("XK00301001 unchanged (same content as published version 4)", console.Output);
        Assert.Contains("1 file(s): 0 published, 1 unchanged", console.Output);
    }

    [Fact]
    public async Task A_draft_with_errors_exits_one_and_the_other_files_are_still_deployed()
    {
        _server.OnDraft = (_, code) => code != "CF00301012" ? null : (HttpStatusCode.Created, new
        {
            id = Guid.NewGuid(), powerCode = code, valid = false,
            diagnostics = new object[]
            {
                new { code = "BPM0301", severity = "error", message = "two nodes are called 'register'", path = "nodes[3]", line = 24, column = 9 },
                new { code = "BPM0311", severity = "warning", message = "the same flow is written twice", path = "flows[2]", line = 80, column = 5 },
            },
            publishedVersion = 1, unchanged = false, changes = Array.Empty<object>(),
        });
        var permit = Copy(Permit);
        var penalty = Copy(Penalty);
        var (exit, console) = await Deploy([penalty, permit], yes: true);

        Assert.Equal(DeployCommand.HasErrors, exit);
        Assert.Contains($"{penalty}:24:9: error BPM0301: two nodes are called 'register'", console.Output);
        Assert.Contains($"{penalty}:80:5: warning BPM0311: the same flow is written twice", console.Output);
        Assert.Contains("CF00301012 has 1 error(s); not published", console.Output);
        var publish = Assert.Single(_server.Publishes);
        Assert.Contains($"{permit}: published XK00301001 version 1", console.Output);
        Assert.Contains("2 file(s): 1 published, 0 unchanged, 1 with errors", console.Output);
    }

    [Fact]
    public async Task Text_the_server_cannot_read_as_a_definition_exits_one_with_its_findings()
    {
        var broken = Write("broken.yaml", "power:\n  code: [XK00211001\n  name: x\n");
        _server.OnDraft = (_, _) => (HttpStatusCode.BadRequest, FakeBpmServer.Problem(400, "definition-invalid", "The definition has errors", "1 error",
            [new { code = "BPM0001", severity = "error", message = "malformed YAML: unclosed flow sequence", path = "", line = 3, column = 3 }]));
        var (exit, console) = await Deploy([broken], yes: true);
        Assert.Equal(DeployCommand.HasErrors, exit);
        Assert.Contains($"{broken}:3:3: error BPM0001: malformed YAML: unclosed flow sequence", console.Output);
        Assert.Empty(_server.Publishes);
    }

    // ---- refusals ----

    [Fact]
    public async Task A_missing_or_bad_token_exits_three_once_and_sends_nothing_more()
    {
        _server.OnDraft = (_, _) => (HttpStatusCode.Unauthorized, "");
        var (exit, console) = await Deploy([Copy(Permit), Copy(Penalty)], yes: true);

        Assert.Equal(DeployCommand.Refused, exit);
        Assert.Single(_server.Uploads);
        Assert.Contains("the server refused: 401 Unauthorized", console.Output);
        Assert.Contains("pass --token or set BPM_TOKEN", console.Output);
        Assert.Contains("not sent", console.Output);
    }

    [Fact]
    public async Task Another_departments_power_is_refused_at_publish_with_the_problem_shown()
    {
        _server.OnPublish = code => code != "CF00301012" ? null : (HttpStatusCode.Forbidden, FakeBpmServer.Problem(403, "other-department", "Not allowed",
            "CF00301012 is implemented by 县住房和城乡建设局; 县人民防空办公室 may not deploy it"));
        var (exit, console) = await Deploy([Copy(Permit), Copy(Penalty)], yes: true);

        Assert.Equal(DeployCommand.Refused, exit);
        Assert.Equal(2, _server.Publishes.Count());
        Assert.Contains("the server refused: 403 Not allowed (other-department)", console.Output);
        Assert.Contains("县人民防空办公室 may not deploy it", console.Output);
        Assert.Contains("published XK00301001 version 1", console.Output);
    }

    [Fact]
    public async Task A_conflict_exits_three()
    {
        _server.OnDraft = (_, _) => (HttpStatusCode.Conflict, FakeBpmServer.Problem(409, "concurrency-conflict", "Someone else changed this at the same time", "retry"));
        var (exit, console) = await Deploy([Copy(Permit)], yes: true);
        Assert.Equal(DeployCommand.Refused, exit);
        Assert.Contains("409 Someone else changed this at the same time (concurrency-conflict)", console.Output);
    }

    [Fact]
    public async Task A_draft_that_fails_at_publish_shows_the_findings_and_exits_one()
    {
        _server.OnPublish = _ => (HttpStatusCode.BadRequest, FakeBpmServer.Problem(400, "definition-invalid", "The definition has errors", "the draft has 1 error",
            [new { code = "BPM0601", severity = "error", message = "tiers overlap", path = "discretion[0]", line = 290, column = 7 }]));
        var permit = Copy(Permit);
        var (exit, console) = await Deploy([permit], yes: true);
        Assert.Equal(DeployCommand.HasErrors, exit);
        Assert.Contains($"{permit}:290:7: error BPM0601: tiers overlap", console.Output);
        Assert.Contains("not published: the draft has 1 error", console.Output);
    }

    [Fact]
    public async Task Something_that_is_not_a_BpmServer_is_a_refusal_not_a_crash()
    {
        _server.OnDraft = (_, _) => (HttpStatusCode.OK, "<html>welcome to nginx</html>");
        var (exit, console) = await Deploy([Copy(Permit)], yes: true);
        Assert.Equal(DeployCommand.Refused, exit);
        Assert.Contains("is this a BpmServer?", console.Output);
    }

    [Fact]
    public async Task A_server_under_a_path_prefix_is_addressed_below_it()
    {
        var console = new CliTestConsole();
        using var client = ServerClient.Create(new ServerConnection(new Uri("https://gov.example/bpm"), "t"), _server);
        var exit = await DeployCommand.RunAsync(new DeployRequest([Copy(Permit)], Yes: true), client, console, CancellationToken.None);
        Assert.Equal(DeployCommand.Ok, exit);
        Assert.Equal("/bpm/api/definitions/drafts", _server.Uploads.Single().PathAndQuery);
        Assert.EndsWith("/publish", _server.Publishes.Single().PathAndQuery);
        Assert.StartsWith("/bpm/api/definitions/drafts/", _server.Publishes.Single().PathAndQuery);
    }
}
