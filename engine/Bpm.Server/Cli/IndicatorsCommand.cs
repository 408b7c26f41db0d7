using System.CommandLine;
using System.Globalization;
using Bpm.Engine.Time;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>
/// `bpm indicators --verify`: the case-level indicators from the rollups next to the same figures replayed from the
/// journal, and every case whose row disagrees with its journal (GET /api/supervision/indicators/verify), from a server
/// (--server/--token) or straight from a database (--database). Exits 1 when there are differences, so a scheduled
/// check can alert on them.
/// </summary>
public static class IndicatorsCommand
{
    public const int Ok = 0, Differences = 1, Usage = 2, Refused = 3, Unreachable = 4;

    public sealed record Slice(string? Power, string? Department, string? From, string? To);

    public static Command Create()
    {
        var (server, token) = CliVerbs.ServerOptions();
        var database = GenerateCommand.DatabaseOption();
        database.Description = "Read this database directly instead of asking a server (connection string)";
        var power = new Option<string?>("--power", "-p") { Description = "Power code" };
        var department = new Option<string?>("--department") { Description = "Implementing department (and the units under it)" };
        var from = new Option<string?>("--from") { Description = "First date (yyyy-MM-dd): end date, or application for open cases" };
        var to = new Option<string?>("--to") { Description = "Last date (yyyy-MM-dd)" };
        var verify = new Option<bool>("--verify") { Description = "Recompute the indicators from the journal and list the cases that disagree (required for now)" };
        var command = new Command("indicators", "Case-level indicators (按时办结率, 提前办结率, 即办件当场办结率, 超期件数, 平均办理时长) checked against the journal")
        {
            server, token, database, power, department, from, to, verify,
        };
        command.Action = new UsageCheckedAction((parse, ct) => InvokeAsync(
            parse.GetValue(server), parse.GetValue(token), parse.GetValue(database), parse.GetValue(verify),
            new Slice(parse.GetValue(power), parse.GetValue(department), parse.GetValue(from), parse.GetValue(to)),
            CliVerbs.CreateConsole(), Environment.GetEnvironmentVariable, ct));
        return command;
    }

    public static async Task<int> InvokeAsync(
        string? server, string? token, string? database, bool verify, Slice slice, IAnsiConsole console, Func<string, string?> environment, CancellationToken ct)
    {
        if (!verify)
        {
            // The plain figures are `GET /api/supervision/indicators`; this verb exists for the comparison.
            console.MarkupLine("[red]indicators: give --verify (the plain indicators are GET /api/supervision/indicators)[/]");
            return Usage;
        }
        if (database is not null) return await FromDatabaseAsync(database, slice, console, ct);
        if (!ServerConnection.TryResolve(server, token, environment, out var connection, out var error))
        {
            console.MarkupLineInterpolated($"[red]indicators: {error}[/]");
            return Usage;
        }
        using var client = ServerClient.Create(connection!);
        var (verification, exit) = await ServerQuery.AskAsync("indicators", () => client.VerifyIndicatorsAsync(QueryString(slice), ct), console);
        return verification is null ? exit : Print(verification, console);
    }

    private static async Task<int> FromDatabaseAsync(string database, Slice slice, IAnsiConsole console, CancellationToken ct)
    {
        DateOnly? from = null, to = null;
        try
        {
            if (slice.From is not null) from = DateOnly.ParseExact(slice.From, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (slice.To is not null) to = DateOnly.ParseExact(slice.To, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        catch (FormatException e)
        {
            console.MarkupLineInterpolated($"[red]indicators: {e.Message}[/]");
            return Usage;
        }
        var settings = GenerateCommand.Settings(database);
        // Working time needs the calendar the engine ran on; without a catalog folder it stays unchecked.
        WorkCalendar? calendar = settings.CatalogDirectory is { } catalog
            ? await CalendarFolder.LoadAsync(Path.Combine(catalog, "calendars"), settings.CalendarRegion, ct)
            : null;
        await using var store = BpmStorage.Open(settings.Provider, settings.ConnectionString);
        await using var db = store.CreateContext();
        var verification = await JournalIndicators.VerifyAsync(db, new IndicatorFilter(slice.Power, slice.Department, from, to), DateTime.UtcNow, calendar, ct);
        return Print(verification, console);
    }

    private static string QueryString(Slice slice)
    {
        var pairs = new (string Key, string? Value)[] { ("power", slice.Power), ("department", slice.Department), ("from", slice.From), ("to", slice.To) };
        var given = pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join("&", given);
    }

    private static int Print(IndicatorVerification verification, IAnsiConsole console)
    {
        var (rollups, journal) = (verification.FromRollups, verification.FromJournal);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("indicator")
            .AddColumn(new TableColumn("rollups").RightAligned()).AddColumn(new TableColumn("journal").RightAligned());
        void Row(string name, string a, string b) => table.AddRow(Markup.Escape(name), a, a == b ? b : $"[red]{b}[/]");
        Row("cases", rollups.Cases.ToString("N0"), journal.Cases.ToString("N0"));
        Row("completed 办结", rollups.Completed.ToString("N0"), journal.Completed.ToString("N0"));
        Row("on time 按时办结率", Percent(rollups.OnTimeRate), Percent(journal.OnTimeRate));
        Row("early 提前办结率", Percent(rollups.EarlyRate), Percent(journal.EarlyRate));
        Row("on the spot 即办件当场办结率", Percent(rollups.InstantOnTheSpotRate), Percent(journal.InstantOnTheSpotRate));
        Row("overdue 超期件数", rollups.Overdue.ToString("N0"), journal.Overdue.ToString("N0"));
        Row("avg working days 平均办理时长", Number(rollups.AvgWorkingDays), Number(journal.AvgWorkingDays));
        console.Write(table);
        console.MarkupLineInterpolated($"{verification.Journaled:N0} case(s) replayed from their journal; {verification.Unjournaled:N0} without a journal (in the rollups only)");
        foreach (var d in verification.Differences)
            console.MarkupLineInterpolated($"[red]{d.CaseId} {d.Field}: stored {d.Rollup ?? "-"}, journal {d.Journal ?? "-"}[/]");
        console.MarkupLineInterpolated($"{verification.Differences.Count} difference(s)");
        return verification.Differences.Count == 0 ? Ok : Differences;
    }

    private static string Number(double? value) => value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-";
}
