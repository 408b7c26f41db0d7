using System.Globalization;
using Bpm.Definitions.Source;

namespace Bpm.Engine.Time;

/// <summary>A calendar data file that cannot be used, with where in it.</summary>
public sealed class CalendarFormatException(string file, SourcePosition? position, string message)
    : Exception($"{file}{(position is { } p ? $":{p.Line}:{p.Column}" : "")}: {message}")
{
    public string File { get; } = file;
    public SourcePosition? Position { get; } = position;
}

/// <summary>The text of one region's calendar: its calendar.yaml and its year files.</summary>
public sealed record CalendarSource(string Region, string CalendarFile, string CalendarText, IReadOnlyList<(string File, string Text)> Years);

/// <summary>
/// Reads process-definitions/calendars: a region's calendar.yaml (name, timeZone, officeHours, inherits) and one
/// file per year (holidays, workdays). A region that inherits merges its own years onto its parent's (rule 4).
/// Reads text only; finding the files is the caller's business.
/// </summary>
public static class CalendarReader
{
    /// <summary>Builds the calendar of <paramref name="region"/> from the sources of it and its ancestors.</summary>
    public static WorkCalendar Build(string region, IReadOnlyDictionary<string, CalendarSource> sources)
    {
        var chain = new List<(CalendarSource Source, SourceMapping Root)>();
        for (var current = region; current is not null;)
        {
            if (!sources.TryGetValue(current, out var source))
                throw new ArgumentException($"no calendar for region '{current}'{(current == region ? "" : $" (inherited by '{region}')")}");
            if (chain.Any(c => c.Source.Region == current)) throw new ArgumentException($"calendar regions inherit in a circle: {string.Join(" → ", chain.Select(c => c.Source.Region))} → {current}");
            var root = Mapping(source.CalendarFile, source.CalendarText);
            chain.Add((source, root));
            current = OptionalText(source.CalendarFile, root, "inherits");
        }
        var (own, ownRoot) = chain[0];
        string Setting(string key) => chain.Select(c => OptionalText(c.Source.CalendarFile, c.Root, key)).FirstOrDefault(v => v is not null)
            ?? throw new CalendarFormatException(own.CalendarFile, ownRoot.Position, $"'{key}' is missing (here or in an inherited calendar)");

        var zoneId = Setting("timeZone");
        TimeZoneInfo zone;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId); }
        catch (TimeZoneNotFoundException) { throw new CalendarFormatException(own.CalendarFile, null, $"unknown time zone '{zoneId}'"); }

        var hoursOwner = chain.First(c => Find(c.Root, "officeHours") is not null);
        var windows = ((SourceSequence)Find(hoursOwner.Root, "officeHours")!).Items
            .Select(item => Window(hoursOwner.Source.CalendarFile, item)).ToList();

        var years = new List<CalendarYear>();
        foreach (var (source, _) in chain)
            foreach (var (file, text) in source.Years)
                years.Add(Year(file, text, source.Region));
        return new WorkCalendar(region, Setting("name"), zone, windows, years);
    }

    public static CalendarYear Year(string file, string text, string expectedRegion)
    {
        var root = Mapping(file, text);
        var year = int.Parse(RequiredScalar(file, root, "year").Text, CultureInfo.InvariantCulture);
        var region = RequiredScalar(file, root, "region").Text;
        if (region != expectedRegion) throw new CalendarFormatException(file, Find(root, "region")!.Position, $"region '{region}' in a file of region '{expectedRegion}'");
        var holidays = Items(file, root, "holidays").Select(item =>
        {
            var map = AsMapping(file, item);
            var from = Date(file, RequiredScalar(file, map, "from"));
            var to = Date(file, RequiredScalar(file, map, "to"));
            if (to < from || from.Year != year || to.Year != year)
                throw new CalendarFormatException(file, map.Position, $"holiday {from:yyyy-MM-dd}–{to:yyyy-MM-dd} must run forwards within {year}");
            return new Holiday(RequiredScalar(file, map, "name").Text, from, to);
        }).ToList();
        var workdays = Items(file, root, "workdays").Select(item =>
        {
            var map = AsMapping(file, item);
            var date = Date(file, RequiredScalar(file, map, "date"));
            if (date.Year != year) throw new CalendarFormatException(file, map.Position, $"{date:yyyy-MM-dd} is not in {year}");
            return new MakeUpWorkday(date, OptionalText(file, map, "for"));
        }).ToList();
        return new CalendarYear(year, region, OptionalText(file, root, "source"), holidays, workdays);
    }

    private static OfficeWindow Window(string file, SourceNode node)
    {
        var map = AsMapping(file, node);
        var from = Time(file, RequiredScalar(file, map, "from"));
        var to = Time(file, RequiredScalar(file, map, "to"));
        if (to <= from) throw new CalendarFormatException(file, map.Position, $"office window {from:HH\\:mm}–{to:HH\\:mm} ends before it starts");
        return new OfficeWindow(from, to);
    }

    private static SourceMapping Mapping(string file, string text)
    {
        try
        {
            return YamlSourceReader.Read(text.TrimStart('\uFEFF')) as SourceMapping
                ?? throw new CalendarFormatException(file, new SourcePosition(1, 1), "expected a mapping of keys");
        }
        catch (SourceSyntaxException e)
        {
            throw new CalendarFormatException(file, e.Position, $"malformed YAML: {e.Message}");
        }
    }

    private static SourceNode? Find(SourceMapping map, string key) => map.Entries.FirstOrDefault(e => e.Key.Text == key)?.Value;

    private static SourceMapping AsMapping(string file, SourceNode node) =>
        node as SourceMapping ?? throw new CalendarFormatException(file, node.Position, "expected a mapping such as {name: …, from: …, to: …}");

    private static SourceScalar RequiredScalar(string file, SourceMapping map, string key) =>
        Find(map, key) switch
        {
            SourceScalar { Kind: not ScalarKind.Null } scalar => scalar,
            null => throw new CalendarFormatException(file, map.Position, $"'{key}' is missing"),
            var other => throw new CalendarFormatException(file, other.Position, $"'{key}' must be a single value"),
        };

    private static string? OptionalText(string file, SourceMapping map, string key) =>
        Find(map, key) is null or SourceScalar { Kind: ScalarKind.Null } ? null : RequiredScalar(file, map, key).Text;

    private static IReadOnlyList<SourceNode> Items(string file, SourceMapping map, string key) => Find(map, key) switch
    {
        null or SourceScalar { Kind: ScalarKind.Null } => [],
        SourceSequence sequence => sequence.Items,
        var other => throw new CalendarFormatException(file, other.Position, $"'{key}' must be a list"),
    };

    private static DateOnly Date(string file, SourceScalar scalar) =>
        DateOnly.TryParseExact(scalar.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new CalendarFormatException(file, scalar.Position, $"'{scalar.Text}' is not a date written yyyy-MM-dd");

    private static TimeOnly Time(string file, SourceScalar scalar) =>
        TimeOnly.TryParseExact(scalar.Text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new CalendarFormatException(file, scalar.Position, $"'{scalar.Text}' is not a time written HH:mm");
}
