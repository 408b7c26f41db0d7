using Bpm.Definitions;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>A definition file, with the name to print for it (as the user wrote it, or folder/name).</summary>
public sealed record DefinitionFile(string Path, string Display)
{
    public DefinitionFormat? Format => DefinitionCompiler.FormatOf(Path);
    public bool IsJson => Format == DefinitionFormat.Json;
}

/// <summary>What the command line's files and folders name: the files, and each input that names nothing.</summary>
public sealed record DefinitionFileList(IReadOnlyList<DefinitionFile> Files, IReadOnlyList<string> Missing);

/// <summary>Turns files and folders into definition files, one way for every verb (and the catalog at start-up).</summary>
public static class DefinitionFiles
{
    /// <summary>The definition files directly inside a folder, in ordinal order.</summary>
    public static IEnumerable<DefinitionFile> InFolder(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(f => DefinitionCompiler.FormatOf(f) is not null)
            .Order(StringComparer.Ordinal)
            .Select(f => new DefinitionFile(f, System.IO.Path.Combine(folder, System.IO.Path.GetFileName(f))));

    /// <summary>
    /// Files as given (whatever their extension: the caller decides what an unsupported one means) and the definition
    /// files directly inside each folder, each once; inputs that are neither are listed as missing.
    /// </summary>
    public static DefinitionFileList Find(IReadOnlyList<string> inputs)
    {
        var files = new List<DefinitionFile>();
        var missing = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input)) files.AddRange(InFolder(input));
            else if (File.Exists(input)) files.Add(new DefinitionFile(input, input));
            else missing.Add(input);
        }
        return new DefinitionFileList(files.DistinctBy(f => System.IO.Path.GetFullPath(f.Path)).ToList(), missing);
    }

    /// <summary>
    /// For deploy: the definition files named, or null after saying why when anything given is missing, not a
    /// definition, or nothing is left — deploying part of what was meant is worse than deploying nothing.
    /// </summary>
    public static IReadOnlyList<DefinitionFile>? Expand(IReadOnlyList<string> inputs, IAnsiConsole console)
    {
        var found = Find(inputs);
        var wrong = 0;
        foreach (var input in found.Missing)
        {
            console.MarkupLineInterpolated($"[red]{input}: error: {(input.StartsWith('-') ? "unknown option" : "no such file or folder")}[/]");
            wrong++;
        }
        foreach (var file in found.Files.Where(f => f.Format is null))
        {
            console.MarkupLineInterpolated($"[red]{file.Display}: error: not a definition (.yaml, .yml or .json)[/]");
            wrong++;
        }
        if (wrong > 0) return null;
        if (found.Files.Count == 0)
        {
            console.MarkupLine(inputs.Count == 0
                ? "[red]deploy: give one or more .yaml/.yml/.json files or folders[/]"
                : "[red]deploy: no .yaml/.yml/.json definitions in the folders given[/]");
            return null;
        }
        return found.Files;
    }
}
