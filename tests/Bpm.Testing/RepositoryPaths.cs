namespace Bpm.Testing;

/// <summary>Paths inside the repository, found from the test binary's folder so tests run from anywhere.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BpmServer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"BpmServer.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    public static string ProcessDefinitions => Path.Combine(Root, "process-definitions");

    /// <summary>The catalog's definition files (not the calendars).</summary>
    public static IReadOnlyList<string> CatalogFiles() => Directory.EnumerateFiles(ProcessDefinitions)
        .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToList();
}
