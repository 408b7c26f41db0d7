namespace Bpm.Engine.Time;

/// <summary>
/// Reads a calendars folder laid out as process-definitions/calendars: one sub-folder per region with a
/// calendar.yaml and a &lt;year&gt;.yaml per year. The only file access in the engine, used by hosts and tests.
/// </summary>
public static class CalendarFolder
{
    public static async Task<IReadOnlyDictionary<string, CalendarSource>> ReadAsync(string folder, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"calendar folder '{folder}' does not exist");
        var sources = new Dictionary<string, CalendarSource>(StringComparer.Ordinal);
        foreach (var regionFolder in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var calendarFile = Path.Combine(regionFolder, "calendar.yaml");
            if (!File.Exists(calendarFile)) continue;
            var years = new List<(string, string)>();
            foreach (var file in Directory.EnumerateFiles(regionFolder, "*.yaml").Order(StringComparer.Ordinal))
                if (int.TryParse(Path.GetFileNameWithoutExtension(file), out _))
                    years.Add((file, await File.ReadAllTextAsync(file, cancellationToken)));
            var region = Path.GetFileName(regionFolder);
            sources[region] = new CalendarSource(region, calendarFile, await File.ReadAllTextAsync(calendarFile, cancellationToken), years);
        }
        return sources;
    }

    public static async Task<WorkCalendar> LoadAsync(string folder, string region, CancellationToken cancellationToken = default) =>
        CalendarReader.Build(region, await ReadAsync(folder, cancellationToken));
}
