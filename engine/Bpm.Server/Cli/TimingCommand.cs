using System.CommandLine;
using System.Globalization;
using Bpm.Engine.Time;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>
/// `bpm timing`: the node-timing table supervisors read (GET /api/supervision/node-timing), from a running server
/// (--server/--token, as `status`) or straight from a database (--database), e.g. one `bpm generate` filled.
/// </summary>
public static class TimingCommand
{
    public const int Ok = 0, Usage = 2, Refused = 3, Unreachable = 4;

    public sealed record Slice(string? Power, int? Version, string? Node, string? Department, string? Handler, string? Outcome, string? From, string? To, string? GroupBy);

    public static Command Create()
    {
        var (server, token) = CliVerbs.ServerOptions();
        var database = GenerateCommand.DatabaseOption();
        database.Description = "Read this database directly instead of asking a server (connection string)";
        var power = new Option<string?>("--power", "-p") { Description = "Power code" };
        var version = new Option<int?>("--version") { Description = "Definition version" };
        var node = new Option<string?>("--node") { Description = "Node id" };
        var department = new Option<string?>("--department") { Description = "Department (and the units under it)" };
        var handler = new Option<string?>("--handler") { Description = "Handler (user id)" };
        var outcome = new Option<string?>("--outcome") { Description = "Case result (准予, 不予 …)" };
        var from = new Option<string?>("--from") { Description = "First date (yyyy-MM-dd): completion, or entry for open visits" };
        var to = new Option<string?>("--to") { Description = "Last date (yyyy-MM-dd)" };
        var groupBy = new Option<string?>("--group-by", "-g") { Description = "node (default), department or handler" };
        var command = new Command("timing", "Node-level timing: visits, working-time percentiles, on-time and early rates, overdue")
        {
            server, token, database, power, version, node, department, handler, outcome, from, to, groupBy,
        };
        command.Action = new UsageCheckedAction((parse, ct) => InvokeAsync(
            parse.GetValue(server), parse.GetValue(token), parse.GetValue(database),
            new Slice(parse.GetValue(power), parse.GetValue(version), parse.GetValue(node), parse.GetValue(department), parse.GetValue(handler),
                parse.GetValue(outcome), parse.GetValue(from), parse.GetValue(to), parse.GetValue(groupBy)),
            CliVerbs.CreateConsole(), Environment.GetEnvironmentVariable, ct));
        return command;
    }

    public static async Task<int> InvokeAsync(
        string? server, string? token, string? database, Slice slice, IAnsiConsole console, Func<string, string?> environment, CancellationToken ct)
    {
        if (database is not null) return await FromDatabaseAsync(database, slice, console, ct);
        if (!ServerConnection.TryResolve(server, token, environment, out var connection, out var error))
        {
            console.MarkupLineInterpolated($"[red]timing: {error}[/]");
            return Usage;
        }
        using var client = ServerClient.Create(connection!);
        var (report, exit) = await ServerQuery.AskAsync("timing", () => client.NodeTimingAsync(QueryString(slice), ct), console);
        if (report is null) return exit;
        Print(report, slice, console);
        return Ok;
    }

    private static async Task<int> FromDatabaseAsync(string database, Slice slice, IAnsiConsole console, CancellationToken ct)
    {
        TimingGroup group;
        DateOnly? from = null, to = null;
        try
        {
            group = slice.GroupBy?.ToLowerInvariant() switch
            {
                null or "node" => TimingGroup.Node,
                "department" => TimingGroup.Department,
                "handler" => TimingGroup.Handler,
                _ => throw new FormatException($"--group-by is node, department or handler, not '{slice.GroupBy}'"),
            };
            if (slice.From is not null) from = DateOnly.ParseExact(slice.From, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (slice.To is not null) to = DateOnly.ParseExact(slice.To, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        catch (FormatException e)
        {
            console.MarkupLineInterpolated($"[red]timing: {e.Message}[/]");
            return Usage;
        }
        var settings = GenerateCommand.Settings(database);
        var day = settings.CatalogDirectory is { } catalog
            ? (await CalendarFolder.LoadAsync(Path.Combine(catalog, "calendars"), settings.CalendarRegion, ct)).WorkingDayLength
            : TimeSpan.FromHours(7);
        await using var store = BpmStorage.Open(settings.Provider, settings.ConnectionString);
        await using var db = store.CreateContext();
        var report = await NodeTiming.QueryAsync(db,
            new NodeTimingFilter(slice.Power, slice.Version, slice.Node, slice.Department, slice.Handler, slice.Outcome, from, to, group),
            DateTime.UtcNow, day, ct);
        Print(report, slice, console);
        return Ok;
    }

    private static string QueryString(Slice slice)
    {
        var pairs = new (string Key, string? Value)[]
        {
            ("power", slice.Power), ("version", slice.Version?.ToString(CultureInfo.InvariantCulture)), ("node", slice.Node),
            ("department", slice.Department), ("handler", slice.Handler), ("outcome", slice.Outcome), ("from", slice.From), ("to", slice.To),
            ("groupBy", slice.GroupBy),
        };
        var given = pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join("&", given);
    }

    private static void Print(NodeTimingReport report, Slice slice, IAnsiConsole console)
    {
        var by = slice.GroupBy?.ToLowerInvariant();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("power").AddColumn("node");
        if (by is "department" or "handler") table.AddColumn(by);
        foreach (var name in new[] { "visits", "done", "open", "avg h", "median h", "p90 h", "max h", "p90 wd", "on time", "early", "overdue" })
            table.AddColumn(new TableColumn(name).RightAligned());
        foreach (var row in report.Rows)
        {
            var cells = new List<string> { Markup.Escape(row.PowerCode), Markup.Escape($"{row.NodeName} ({row.NodeId})") };
            if (by == "department") cells.Add(Markup.Escape(row.Department ?? "-"));
            if (by == "handler") cells.Add(Markup.Escape(row.Handler ?? "-"));
            cells.AddRange([
                row.Visits.ToString("N0"), row.Completed.ToString("N0"), row.Open.ToString("N0"),
                Number(row.AvgWorkingHours), Number(row.MedianWorkingHours), Number(row.P90WorkingHours), Number(row.MaxWorkingHours),
                Number(row.P90WorkingDays), Percent(row.OnTimeRate), Percent(row.EarlyRate),
                row.Overdue > 0 ? $"[red]{row.Overdue:N0}[/]" : "0",
            ]);
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.MarkupLineInterpolated($"{report.Rows.Count} row(s); percentiles: {report.PercentileMethod}");
    }

    private static string Number(double? value) => value is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "-";
}
