using Bpm.Definitions.Source;

namespace Bpm.Definitions.Diagnostics;

public enum Severity { Error, Warning }

/// <summary>
/// One finding about a definition. <see cref="Path"/> is a JSON pointer into the document
/// (e.g. <c>/nodes/2/limit</c>) so the designer can place it on the node or field; <see cref="Position"/>
/// is where that is in the text it was read from.
/// </summary>
public sealed record Diagnostic(string Code, Severity Severity, string Message, string Path, SourcePosition? Position, string? NodeId = null)
{
    public bool IsError => Severity == Severity.Error;

    /// <summary>Compiler style: <c>file:line:col: error BPM0012: message</c>.</summary>
    public string Format(string file) =>
        $"{file}:{Position?.Line ?? 1}:{Position?.Column ?? 1}: {(IsError ? "error" : "warning")} {Code}: {Message.ReplaceLineEndings(" ")}";
}

/// <summary>A stable diagnostic code and what it means.</summary>
public sealed record DiagnosticCode(string Code, Severity Severity, string Title);
