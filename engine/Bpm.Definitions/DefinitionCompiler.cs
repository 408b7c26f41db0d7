using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;
using Bpm.Definitions.Reading;
using Bpm.Definitions.Source;
using Bpm.Definitions.Validation;

namespace Bpm.Definitions;

public enum DefinitionFormat { Yaml, Json }

/// <summary>The outcome of reading and checking one definition text.</summary>
public sealed record CompileResult(ProcessDefinition? Definition, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when there is a model and no errors (warnings allowed).</summary>
    public bool Succeeded => Definition is not null && !Diagnostics.Any(d => d.IsError);
    public int ErrorCount => Diagnostics.Count(d => d.IsError);
    public int WarningCount => Diagnostics.Count(d => !d.IsError);
}

/// <summary>Reads a definition like a compiler: syntax, then shape, then meaning, every finding with its position.</summary>
public static class DefinitionCompiler
{
    public static DefinitionFormat? FormatOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".yaml" or ".yml" => DefinitionFormat.Yaml,
        ".json" => DefinitionFormat.Json,
        _ => null,
    };

    /// <summary>Guesses the format of text with no file name (an upload): JSON starts with '{'.</summary>
    public static DefinitionFormat Sniff(string text) => text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{') ? DefinitionFormat.Json : DefinitionFormat.Yaml;

    public static CompileResult Compile(string text, DefinitionFormat format)
    {
        text = text.TrimStart('\uFEFF'); // a byte-order mark is not content
        SourceNode root;
        try
        {
            root = format == DefinitionFormat.Json ? JsonSourceReader.Read(text) : YamlSourceReader.Read(text);
        }
        catch (SourceSyntaxException e)
        {
            var kind = format == DefinitionFormat.Json ? "JSON" : "YAML";
            return new CompileResult(null, [new Diagnostic(Codes.Syntax.Code, Severity.Error, $"malformed {kind}: {e.Message}", "", e.Position)]);
        }

        var bound = DefinitionBinder.Bind(root);
        bound.Map.Attach(text);
        var diagnostics = new List<Diagnostic>(bound.Diagnostics);
        // Meaning is checked only on a complete model, so a missing value does not cascade into false findings.
        if (bound.Complete) diagnostics.AddRange(DefinitionValidator.Validate(bound.Definition, bound.Map));
        var ordered = diagnostics
            .OrderBy(d => d.Position?.Line ?? 0).ThenBy(d => d.Position?.Column ?? 0).ThenBy(d => d.Code, StringComparer.Ordinal)
            .ToList();
        return new CompileResult(bound.Complete ? bound.Definition : null, ordered);
    }
}
