using System.CommandLine;
using System.CommandLine.Invocation;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>The department-facing verbs beyond validate/schema: token, deploy, status, timing, indicators, rollups, generate, bench-supervision, scores, export. Each file adds its own.</summary>
public static class CliVerbs
{
    public static IEnumerable<Command> All()
    {
        yield return TokenCommand.Create();
        yield return DeployCommand.Create();
        yield return StatusCommand.Create();
        yield return TimingCommand.Create();
        yield return IndicatorsCommand.Create();
        yield return RollupsCommand.Create();
        yield return GenerateCommand.Create();
        yield return BenchSupervisionCommand.Create();
        yield return ScoresCommand.Create();
        yield return ExportCommand.Create();
    }

    /// <summary>
    /// --server and --token, shared by the verbs that talk to a running server. Left null when not given, so the
    /// environment (BPM_SERVER, BPM_TOKEN) is read when the verb runs rather than when the parser is built.
    /// </summary>
    public static (Option<string?> Server, Option<string?> Token) ServerOptions() => (
        new Option<string?>("--server", "-s") { Description = $"Server address (default: ${ServerConnection.ServerVariable} or {ServerConnection.DefaultServer})" },
        new Option<string?>("--token", "-t") { Description = $"Bearer token (default: ${ServerConnection.TokenVariable})" });

    /// <summary>
    /// The terminal; prompts are offered only when stdin is one (piped input cannot answer them). Output going to a
    /// file or a CI log gets no colour codes and no wrapping, so each diagnostic stays one greppable line.
    /// </summary>
    public static IAnsiConsole CreateConsole()
    {
        var piped = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Interactive = Console.IsInputRedirected ? InteractionSupport.No : InteractionSupport.Yes,
            Ansi = piped ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = piped ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (piped) console.Profile.Width = PipedWidth;
        return console;
    }

    private const int PipedWidth = 1000;
}

/// <summary>
/// Runs a verb, or, when its command line does not parse, prints why and exits 2 (usage), so scripts can tell a
/// wrong command line from a definition with errors (exit 1).
/// </summary>
public sealed class UsageCheckedAction(Func<ParseResult, CancellationToken, Task<int>> run) : AsynchronousCommandLineAction
{
    public const int Usage = 2;

    // The parser's default for errors exits 1; taking them over here lets the verb exit 2 instead.
    public override bool ClearsParseErrors => true;

    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        if (parseResult.Errors.Count == 0) return await run(parseResult, cancellationToken);
        var error = parseResult.InvocationConfiguration.Error;
        foreach (var e in parseResult.Errors) await error.WriteLineAsync(e.Message);
        await error.WriteLineAsync($"see: bpm {parseResult.CommandResult.Command.Name} --help");
        return Usage;
    }
}
