using System.Text.RegularExpressions;
using Bpm.Definitions.Diagnostics;
using Jint.Parser;
using Jint.Parser.Ast;

namespace Bpm.Definitions.Validation;

/// <summary>
/// Checks an ES5 condition or selector without running it: it must parse as exactly one expression, and the
/// <c>data.&lt;key&gt;</c> it reads should be declared by some form.
/// </summary>
public static partial class ExpressionCheck
{
    public static void Check(ValidationContext context, string expression, string path, string? nodeId)
    {
        string? problem = null;
        var index = expression.Length;
        try
        {
            var program = new JavaScriptParser().Parse(expression);
            if (program.Body.Count != 1 || program.Body.First() is not ExpressionStatement)
                (problem, index) = ("write a single expression such as data.area >= 20000, not statements", 0);
        }
        catch (ParserException e)
        {
            problem = Clean(e.Description ?? e.Message);
            index = IndexOf(expression, e.LineNumber, e.Column);
        }
        if (problem is not null)
        {
            context.Report(Codes.ExpressionSyntax,
                $"'{OneLine(expression)}' is not a valid ES5 expression: {problem}", path, nodeId, context.Map.Within(path, expression, index));
            return;
        }
        foreach (Match match in DataReference().Matches(expression))
        {
            var key = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
            if (!context.DataKeys.Contains(key))
                context.Report(Codes.UnknownDataField,
                    $"'{OneLine(expression)}' reads data.{key}, but no form declares a field with key '{key}'", path, nodeId,
                    context.Map.Within(path, expression, match.Index));
        }
    }

    /// <summary>The character index of a 1-based line and column the parser reported.</summary>
    private static int IndexOf(string text, int line, int column)
    {
        var start = 0;
        for (var l = 1; l < line && start < text.Length; l++)
        {
            var next = text.IndexOf('\n', start);
            if (next < 0) break;
            start = next + 1;
        }
        return Math.Clamp(start + column - 1, 0, text.Length);
    }

    internal static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string Clean(string message) => message.StartsWith("Line ", StringComparison.Ordinal) && message.Contains(": ")
        ? message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..]
        : message;

    [GeneratedRegex(@"\bdata\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*['""]([^'""]+)['""]\s*\])")]
    private static partial Regex DataReference();
}
