using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Bpm.Definitions;
using Bpm.Engine;
using Bpm.Engine.Runtime;
using Bpm.Engine.Time;
using Bpm.Server.Analytics;
using Bpm.Server.Hosting;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>
/// `bpm generate`: fills a database with realistic case history for supervision (issue 6 part 8): migrates it,
/// publishes the catalog, then writes cases, node visits and their rollups (binary COPY on PostgreSQL).
/// </summary>
public static class GenerateCommand
{
    public const int Ok = 0, Usage = 2;

    public static Command Create()
    {
        var database = DatabaseOption();
        var cases = new Option<int>("--cases", "-n") { Description = "How many cases", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed and options give the same rows", DefaultValueFactory = _ => 1 };
        var from = new Option<string?>("--from") { Description = "First application date (default 2025-01-01, the calendar's first year)" };
        var to = new Option<string?>("--to") { Description = "Applications before this date; cases still running then stay open (default today, Beijing)" };
        var command = new Command("generate", "Fill a database with generated case history (cases, node visits, supervision rollups)")
        {
            database, cases, seed, from, to,
        };
        command.Action = new UsageCheckedAction((parse, ct) => InvokeAsync(
            parse.GetValue(database), parse.GetValue(cases), parse.GetValue(seed), parse.GetValue(from), parse.GetValue(to), CliVerbs.CreateConsole(), ct));
        return command;
    }

    /// <summary>--database, shared with the verbs that read the database directly.</summary>
    public static Option<string?> DatabaseOption() => new("--database", "-d")
    {
        Description = "Connection string (Npgsql for PostgreSQL, else an SQLite one); default $BPM_DATABASE, else data/bpm.db",
    };

    /// <summary>The settings the server would use for this database (provider, catalog and calendar folders).</summary>
    public static ServerSettings Settings(string? database)
    {
        var values = new Dictionary<string, string?>();
        if (database is not null) values["BPM_DATABASE"] = database;
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(values).Build();
        return ServerSettings.From(configuration);
    }

    public static async Task<int> InvokeAsync(string? database, int cases, int seed, string? from, string? to, IAnsiConsole console, CancellationToken ct)
    {
        if (cases < 1)
        {
            console.MarkupLine("[red]generate: --cases must be at least 1[/]");
            return Usage;
        }
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, CaseNumber.China));
        if (!TryDate(from, new DateOnly(2025, 1, 1), out var first) || !TryDate(to, today, out var last) || last <= first)
        {
            console.MarkupLine("[red]generate: --from and --to are dates (yyyy-MM-dd), --from before --to[/]");
            return Usage;
        }
        var settings = Settings(database);
        if (settings.CatalogDirectory is null)
        {
            console.MarkupLine("[red]generate: no process-definitions/ folder found (run from the repository)[/]");
            return Usage;
        }
        var clock = Stopwatch.StartNew();
        var calendar = await CalendarFolder.LoadAsync(Path.Combine(settings.CatalogDirectory, "calendars"), settings.CalendarRegion, ct);
        await using var store = BpmStorage.Open(settings.Provider, settings.ConnectionString);
        await store.MigrateAsync(ct);
        var engine = new CaseEngine(store, TimeProvider.System, new EngineOptions { Calendar = calendar });

        var powers = new List<(Bpm.Engine.State.DefinitionVersion, Bpm.Definitions.Model.ProcessDefinition)>();
        var definitions = new Dictionary<Guid, (string, bool)>();
        foreach (var file in DefinitionFiles.InFolder(settings.CatalogDirectory).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var text = await File.ReadAllTextAsync(file.Path, ct);
            var format = file.Format ?? DefinitionFormat.Yaml;
            var compiled = DefinitionCompiler.Compile(text, format);
            if (!compiled.Succeeded) continue;
            var published = await engine.Definitions.PublishAsync(text, format, "generate", ct);
            await using var db = store.CreateContext();
            var version = await db.DefinitionVersions.AsNoTracking().SingleAsync(d => d.Id == published.DefinitionVersionId, ct);
            powers.Add((version, compiled.Definition!));
            definitions[version.Id] = (version.Subject, TimingResolution.IsInstant(version));
        }
        console.MarkupLineInterpolated($"generate: {powers.Count} powers, {cases:N0} cases from {first:yyyy-MM-dd} to {last:yyyy-MM-dd} (seed {seed}) into {settings.Provider}");

        var now = DateTime.UtcNow < calendar.ToUtc(last.ToDateTime(TimeOnly.MinValue)) ? DateTime.UtcNow : calendar.ToUtc(last.ToDateTime(TimeOnly.MinValue));
        var generator = new HistoryGenerator(new GenerateOptions(cases, seed, first, last, now), calendar, powers);
        var writer = new HistoryWriter();
        await writer.WriteAsync(store, settings.ConnectionString, generator.Cases(), definitions,
            n => console.MarkupLineInterpolated($"  {n:N0} cases ({clock.Elapsed.TotalSeconds:F0} s)"), ct);
        console.MarkupLineInterpolated(
            $"generate: {writer.Cases:N0} cases, {writer.Visits:N0} node visits, {writer.TimingRows:N0} timing histogram rows in {clock.Elapsed.TotalSeconds:F1} s");
        return Ok;
    }

    private static bool TryDate(string? text, DateOnly fallback, out DateOnly date)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            date = fallback;
            return true;
        }
        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }
}
