using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>`bpm scores`: the departments' quarterly points, scores and grades (绩效评估), optionally with each deduction.</summary>
public static class ScoresCommand
{
    public const int Ok = 0, Usage = 2, Refused = 3, Unreachable = 4;

    public static Command Create()
    {
        var (server, token) = CliVerbs.ServerOptions();
        var quarter = new Option<string?>("--quarter", "-q") { Description = "The quarter, e.g. 2026-Q4 (default: the current one)" };
        var department = new Option<string?>("--department", "-d") { Description = "One department (listed even with no deductions)" };
        var details = new Option<bool>("--details") { Description = "List the events behind each deduction" };
        var command = new Command("scores", "Show the departments' quarterly supervision scores and grades") { server, token, quarter, department, details };
        command.Action = new UsageCheckedAction(async (parse, ct) =>
        {
            if (!ServerConnection.TryResolve(parse.GetValue(server), parse.GetValue(token), Environment.GetEnvironmentVariable, out var connection, out var error))
            {
                await Console.Error.WriteLineAsync($"scores: {error}");
                return Usage;
            }
            using var client = ServerClient.Create(connection!);
            return await RunAsync(client, parse.GetValue(quarter), parse.GetValue(department), parse.GetValue(details), CliVerbs.CreateConsole(), ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(ServerClient client, string? quarter, string? department, bool details, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var (scores, exit) = await ServerQuery.AskAsync("scores", () => client.ScoresAsync(quarter, department, cancellationToken), console);
        if (scores is null) return exit;
        if (scores.Count == 0)
        {
            console.MarkupLineInterpolated($"no deductions in {quarter ?? "this quarter"}: every department keeps its full score");
            return Ok;
        }
        var months = scores[0].Months?.Select(m => m.Period).ToList() ?? [];
        var table = new Table().Border(TableBorder.Rounded).AddColumn("department");
        foreach (var month in months) table.AddColumn(new TableColumn(month).RightAligned());
        table.AddColumn(new TableColumn("points").RightAligned()).AddColumn(new TableColumn("score").RightAligned()).AddColumn("grade");
        foreach (var s in scores)
        {
            var cells = new List<string> { Markup.Escape(s.Department) };
            cells.AddRange(months.Select(m => Number(s.Months?.FirstOrDefault(x => x.Period == m)?.Points ?? 0)));
            cells.Add(Number(s.Points));
            cells.Add(Number(s.Score));
            cells.Add(Markup.Escape(s.Grade));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.MarkupLineInterpolated($"{scores.Count} department(s), {scores[0].Quarter}");
        if (!details) return Ok;
        foreach (var s in scores.Where(s => s.Deductions is { Count: > 0 }))
        {
            console.MarkupLineInterpolated($"[bold]{s.Department}[/]");
            foreach (var d in s.Deductions!)
                console.MarkupLineInterpolated($"  {d.At:yyyy-MM-dd HH:mm}Z  {d.EventKind,-28} -{Number(d.Points),5}  case {d.CaseId}");
        }
        return Ok;
    }

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
