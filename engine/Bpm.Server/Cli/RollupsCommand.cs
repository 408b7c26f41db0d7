using System.CommandLine;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>
/// `bpm rollups rebuild`: recompute the supervision rollups (node_timing_histograms, case_indicator_rollups) from
/// node_visits and cases, for a database with history from before the Analytics migration or with lost rollups.
/// Run with the server stopped: see <see cref="RollupRebuild"/>.
/// </summary>
public static class RollupsCommand
{
    public const int Ok = 0, Usage = 2;

    public static Command Create()
    {
        var database = GenerateCommand.DatabaseOption();
        var batch = new Option<int>("--batch") { Description = "Cases per transaction", DefaultValueFactory = _ => RollupRebuild.DefaultBatchSize };
        var rebuild = new Command("rebuild", "Empty the supervision rollups and count every case and closed visit again, one transaction per batch of cases")
        {
            database, batch,
        };
        rebuild.Action = new UsageCheckedAction((parse, ct) =>
            RebuildAsync(parse.GetValue(database), parse.GetValue(batch), CliVerbs.CreateConsole(), ct));
        return new Command("rollups", "Supervision rollups (node timing histograms, case indicators)") { rebuild };
    }

    public static async Task<int> RebuildAsync(string? database, int batch, IAnsiConsole console, CancellationToken ct)
    {
        if (batch < 1)
        {
            console.MarkupLineInterpolated($"[red]rollups rebuild: --batch is at least 1, not {batch}[/]");
            return Usage;
        }
        var settings = GenerateCommand.Settings(database);
        await using var store = BpmStorage.Open(settings.Provider, settings.ConnectionString);
        await store.MigrateAsync(ct);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = await RollupRebuild.RunAsync(store, batch, null, ct);
        console.MarkupLineInterpolated(
            $"rebuilt from {report.Cases:N0} case(s) and {report.Visits:N0} closed visit(s) in {report.Batches} batch(es), {started.Elapsed.TotalSeconds:F1} s: {report.HistogramRows:N0} histogram row(s), {report.IndicatorRows:N0} indicator row(s)");
        return Ok;
    }
}
