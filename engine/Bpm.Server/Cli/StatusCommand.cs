using System.CommandLine;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>`bpm status`: the powers the server holds, each with its versions and their states.</summary>
public static class StatusCommand
{
    public const int Ok = 0, Usage = 2, Refused = 3, Unreachable = 4;

    public static Command Create()
    {
        var (server, token) = CliVerbs.ServerOptions();
        var command = new Command("status", "List the published powers with their versions and states") { server, token };
        command.Action = new UsageCheckedAction((parse, ct) => InvokeAsync(
            parse.GetValue(server), parse.GetValue(token), CliVerbs.CreateConsole(), Environment.GetEnvironmentVariable, ct));
        return command;
    }

    public static async Task<int> InvokeAsync(
        string? server, string? token, IAnsiConsole console, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (!ServerConnection.TryResolve(server, token, environment, out var connection, out var error))
        {
            console.MarkupLineInterpolated($"[red]status: {error}[/]");
            return Usage;
        }
        using var client = ServerClient.Create(connection!);
        return await RunAsync(client, console, cancellationToken);
    }

    public static async Task<int> RunAsync(ServerClient client, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var (listed, exit) = await ServerQuery.AskAsync("status", () => client.ListAllPowersAsync(cancellationToken), console);
        if (listed is null) return exit;

        var powers = listed.OrderBy(p => p.Code, StringComparer.Ordinal).ToList();
        if (powers.Count == 0)
        {
            console.MarkupLineInterpolated($"no powers published on {client.Server}");
            return Ok;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("code").AddColumn("name").AddColumn("category").AddColumn("subject").AddColumn("versions").AddColumn(new TableColumn("latest").RightAligned());
        foreach (var power in powers)
        {
            var versions = (power.Versions ?? []).OrderBy(v => v.Version).ToList();
            var latest = power.LatestVersion ?? (versions.Count > 0 ? versions[^1].Version : null);
            table.AddRow(
                Markup.Escape(power.Code),
                Markup.Escape(power.Name),
                Markup.Escape(power.Category ?? ""),
                Markup.Escape(power.Subject ?? ""),
                string.Join(" ", versions.Select(Version)),
                latest is { } n ? $"v{n}" : "-");
        }
        console.Write(table);
        console.MarkupLineInterpolated($"{powers.Count} power(s) on {client.Server}");
        return Ok;
    }

    private static string Version(PowerVersionReply v)
    {
        var color = v.State.ToLowerInvariant() switch
        {
            "published" => "green",
            "suspended" => "yellow",
            "abolished" => "grey",
            _ => "default",
        };
        return $"[{color}]v{v.Version} {Markup.Escape(v.State.ToLowerInvariant())}[/]";
    }
}
