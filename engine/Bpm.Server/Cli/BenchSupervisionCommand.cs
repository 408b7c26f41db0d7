using System.CommandLine;
using System.Diagnostics;
using Bpm.Engine.Runtime;
using Bpm.Engine.Time;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>
/// `bpm bench-supervision`: a fixed mix of 20 supervisor queries (node timing, indicators, light board) run against a
/// database, typically the one `bpm generate` filled; prints p50 / p95 / max latency per query and the database size.
/// The target on 2 cores and a million cases: every p95 under 100 ms, nothing over 300 ms.
/// </summary>
public static class BenchSupervisionCommand
{
    public const int Ok = 0, Usage = 2, Slow = 1;

    private sealed record Query(string Name, Func<BpmDbContext, CancellationToken, Task<int>> Run);

    public static Command Create()
    {
        var database = GenerateCommand.DatabaseOption();
        var runs = new Option<int>("--runs") { Description = "Timed runs per query (after 2 warm-up runs)", DefaultValueFactory = _ => 30 };
        var command = new Command("bench-supervision", "Time 20 supervisor queries (node timing, indicators, light board) against a database") { database, runs };
        command.Action = new UsageCheckedAction((parse, ct) => InvokeAsync(parse.GetValue(database), parse.GetValue(runs), CliVerbs.CreateConsole(), ct));
        return command;
    }

    public static async Task<int> InvokeAsync(string? database, int runs, IAnsiConsole console, CancellationToken ct)
    {
        if (runs < 1)
        {
            console.MarkupLine("[red]bench-supervision: --runs must be at least 1[/]");
            return Usage;
        }
        var settings = GenerateCommand.Settings(database);
        WorkCalendar? calendar = settings.CatalogDirectory is { } catalog
            ? await CalendarFolder.LoadAsync(Path.Combine(catalog, "calendars"), settings.CalendarRegion, ct)
            : null;
        await using var store = BpmStorage.Open(settings.Provider, settings.ConnectionString);
        var day = calendar?.WorkingDayLength ?? TimeSpan.FromHours(7);

        // The slice the queries ask about: the busiest power, its busiest node, department and handler, and the last day with data.
        string power, node, department, handler, subject;
        DateOnly last;
        await using (var db = store.CreateContext())
        {
            var rollups = db.Set<NodeTimingHistogram>().AsNoTracking();
            var lastDay = await rollups.Where(r => r.Period % 100 != 0).MaxAsync(r => (int?)r.Period, ct);
            if (lastDay is null)
            {
                console.MarkupLine("[red]bench-supervision: the database has no completed visits; fill it with `bpm generate` first[/]");
                return Usage;
            }
            last = new DateOnly(lastDay.Value / 10000, lastDay.Value / 100 % 100, lastDay.Value % 100);
            var yearAgo = TimingResolution.Day(last.AddDays(-365));
            var busiest = await rollups.Where(r => r.Period % 100 == 0 && r.Period % 10000 != 0 && r.Period >= yearAgo && r.Handler != "" && r.Handler != TimingResolution.All
                    && r.CaseOutcome == TimingResolution.All)
                .GroupBy(r => new { r.PowerCode, r.NodeId, r.Department, r.Handler }).Select(g => new { g.Key, Visits = g.Sum(r => r.Visits) })
                .OrderByDescending(g => g.Visits).FirstAsync(ct);
            (power, node, department, handler) = (busiest.Key.PowerCode, busiest.Key.NodeId, busiest.Key.Department, busiest.Key.Handler);
            // The implementing body (实施主体) of that power: a department with units under it.
            subject = await db.DefinitionVersions.AsNoTracking().Where(d => d.PowerCode == power).Select(d => d.Subject).FirstAsync(ct);
        }
        var now = DateTime.UtcNow;
        var year = (From: last.AddDays(-364), To: last);
        var month = (From: last.AddDays(-29), To: last);
        var quarter = (From: last.AddDays(-90), To: last);

        Query Timing(string name, NodeTimingFilter filter) =>
            new(name, async (db, t) => (await NodeTiming.QueryAsync(db, filter, now, day, t)).Rows.Count);
        Query Indicators(string name, IndicatorFilter filter) =>
            new(name, async (db, t) => (int)(await CaseIndicators.QueryAsync(db, filter, now, day, t)).Cases);
        Query Board(string name, LightBoardFilter filter) =>
            new(name, async (db, t) => (await LightBoard.QueryAsync(db, filter, now, calendar, t)).Total);

        var queries = new List<Query>
        {
            Timing("timing: whole catalog, a year, by node", new(From: year.From, To: year.To)),
            Timing("timing: whole catalog, all time, by node", new()),
            Timing("timing: whole catalog, a quarter, by department", new(From: quarter.From, To: quarter.To, GroupBy: TimingGroup.Department)),
            Timing("timing: one power, a year, by node", new(PowerCode: power, From: year.From, To: year.To)),
            Timing("timing: one power, all time, by handler", new(PowerCode: power, GroupBy: TimingGroup.Handler)),
            Timing("timing: one power and node, a year, by handler", new(PowerCode: power, NodeId: node, From: year.From, To: year.To, GroupBy: TimingGroup.Handler)),
            Timing("timing: one department, a year, by handler", new(Department: department, From: year.From, To: year.To, GroupBy: TimingGroup.Handler)),
            Timing("timing: department and units, a year, by department", new(Department: subject, From: year.From, To: year.To, GroupBy: TimingGroup.Department)),
            Timing("timing: whole catalog, 30 days, by node", new(From: month.From, To: month.To)),
            Timing("timing: one power, 30 days, by node", new(PowerCode: power, From: month.From, To: month.To)),
            Timing("timing: one handler, a year", new(Handler: handler, From: year.From, To: year.To)),
            Timing("timing: one power, version 1, a year", new(PowerCode: power, Version: 1, From: year.From, To: year.To)),
            Timing("timing: refused cases (不予), a year", new(Outcome: "不予", From: year.From, To: year.To)),
            Indicators("indicators: whole catalog, a year", new(From: year.From, To: year.To)),
            Indicators("indicators: one power, a year", new(PowerCode: power, From: year.From, To: year.To)),
            Indicators("indicators: one department, 30 days", new(Department: subject, From: month.From, To: month.To)),
            Indicators("indicators: whole catalog, all time", new()),
            Board("light board: counts and first page", new()),
            Board("light board: red cards, first page", new(Light: BoardLight.RedCard)),
            Board("light board: one department, page 2", new(Department: subject, Page: 2, PageSize: 50)),
        };

        console.MarkupLineInterpolated($"bench-supervision on {settings.Provider}: power {power}, node {node}, department {department} (under {subject}), handler {handler}, last day {last:yyyy-MM-dd}; {runs} runs per query");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("query").AddColumn(new TableColumn("rows").RightAligned())
            .AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned()).AddColumn(new TableColumn("max ms").RightAligned());
        var slow = false;
        for (var i = 0; i < queries.Count; i++)
        {
            var query = queries[i];
            var times = new List<double>();
            var rows = 0;
            for (var run = -2; run < runs; run++)
            {
                await using var db = store.CreateContext();
                var watch = Stopwatch.StartNew();
                rows = await query.Run(db, ct);
                watch.Stop();
                if (run >= 0) times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            var p50 = Rank(times, 0.5);
            var p95 = Rank(times, 0.95);
            var max = times[^1];
            slow |= p95 >= 100 || max > 300;
            table.AddRow((i + 1).ToString(), Markup.Escape(query.Name), rows.ToString("N0"), Cell(p50, 100), Cell(p95, 100), Cell(max, 300));
        }
        console.Write(table);
        console.MarkupLineInterpolated($"database size: {await SizeAsync(store, settings.ConnectionString, ct)}");
        console.MarkupLine(slow ? "[yellow]target missed: some p95 ≥ 100 ms or max > 300 ms[/]" : "[green]target met: every p95 < 100 ms, every max ≤ 300 ms[/]");
        return slow ? Slow : Ok;
    }

    private static double Rank(List<double> sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Cell(double ms, double limit) => ms >= limit ? $"[red]{ms:F1}[/]" : $"{ms:F1}";

    private static async Task<string> SizeAsync(EngineStore store, string connectionString, CancellationToken ct)
    {
        if (store.Provider == StorageProvider.Postgres)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT pg_size_pretty(pg_database_size(current_database())), (SELECT count(*) FROM cases), (SELECT count(*) FROM node_visits), " +
                "(SELECT count(*) FROM node_timing_histograms), pg_size_pretty(pg_total_relation_size('node_timing_histograms'))", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return $"{reader.GetString(0)} ({reader.GetInt64(1):N0} cases, {reader.GetInt64(2):N0} node visits, {reader.GetInt64(3):N0} histogram rows in {reader.GetString(4)})";
        }
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
        return File.Exists(file) ? $"{new FileInfo(file).Length / 1024d / 1024:F1} MiB" : "unknown";
    }
}
