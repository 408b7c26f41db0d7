using System.Text.RegularExpressions;
using Bpm.Definitions.Diagnostics;
using Jint.Parser;

namespace Bpm.Definitions.Validation;

/// <summary>
/// Checks an ES5 condition or selector without running it: it must parse as a single expression, and the
/// <c>data.&lt;key&gt;</c> it reads should be declared by some form.
/// </summary>
public static partial class ExpressionCheck
{
    public static void Check(ValidationContext context, string expression, string path, string? nodeId)
    {
        try
        {
            // Parenthesised so a statement ('var x = 1', 'while(true){}') is not accepted as a condition.
            new JavaScriptParser().Parse("(" + expression + "\n)");
        }
        catch (ParserException e)
        {
            var lines = expression.Split('\n');
            var lineIndex = Math.Clamp(e.LineNumber - 1, 0, lines.Length - 1);
            var column = Math.Max(1, e.Column - (e.LineNumber == 1 ? 1 : 0));
            var at = context.Map.Locate(path, lineIndex, lines[lineIndex].TrimEnd('\r'));
            var position = at is { } p ? p with { Column = p.Column + column - 1 } : (Source.SourcePosition?)null;
            context.Report(Codes.ExpressionSyntax,
                $"'{expression}' is not a valid ES5 expression: {Clean(e.Description ?? e.Message)}", path, nodeId, position);
            return;
        }
        foreach (Match match in DataReference().Matches(expression))
        {
            var key = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
            if (!context.DataKeys.Contains(key))
                context.Report(Codes.UnknownDataField,
                    $"'{expression}' reads data.{key}, but no form declares a field with key '{key}'", path, nodeId,
                    context.Map.Locate(path, 0, match.Value));
        }
    }

    private static string Clean(string message) => message.StartsWith("Line ", StringComparison.Ordinal) && message.Contains(": ")
        ? message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..]
        : message;

    [GeneratedRegex(@"\bdata\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*['""]([^'""]+)['""]\s*\])")]
    private static partial Regex DataReference();
}
