namespace Bpm.Definitions.Source;

/// <summary>A 1-based line and column in the text a definition was read from.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>
/// A format-neutral tree of the document as written, with positions. YAML and JSON both read into it,
/// so binding, diagnostics and line/column reporting are written once.
/// </summary>
public abstract record SourceNode(SourcePosition Position);

public enum ScalarKind { Null, Bool, Number, String }

public sealed record SourceScalar(SourcePosition Position, ScalarKind Kind, string Text) : SourceNode(Position)
{
    public string Describe() => Kind switch
    {
        ScalarKind.Null => "nothing (null)",
        ScalarKind.Bool => $"a true/false value ({Text})",
        ScalarKind.Number => $"a number ({Text})",
        _ => "text",
    };
}

public sealed record SourceSequence(SourcePosition Position, IReadOnlyList<SourceNode> Items) : SourceNode(Position);

public sealed record SourceEntry(SourceScalar Key, SourceNode Value);

public sealed record SourceMapping(SourcePosition Position, IReadOnlyList<SourceEntry> Entries) : SourceNode(Position);

/// <summary>The text could not be read as YAML or JSON at all.</summary>
public sealed class SourceSyntaxException(string message, SourcePosition position) : Exception(message)
{
    public SourcePosition Position { get; } = position;
}
