using System.Text.RegularExpressions;
using Bpm.Definitions.Diagnostics;
using HandlebarsDotNet;

namespace Bpm.Definitions.Validation;

/// <summary>Document templates: Handlebars syntax and placeholders that name known fields.</summary>
public sealed partial class TemplateRules : IDefinitionRule
{
    /// <summary>What a template may read besides data.&lt;form key&gt; (process-definitions/README.md).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Scope = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["applicant"] = ["name", "idType", "idNumber", "contact", "phone", "address"],
        ["case"] = ["no", "queryCode", "appliedAt", "acceptedAt", "promisedDue", "legalDue", "decidedAt", "result"],
        ["power"] = ["code", "name", "category", "subject", "undertaker"],
        ["penalty"] = ["amount", "tier", "column", "grounds"],
        ["node"] = ["name", "department"],
        ["handler"] = ["name"],
        ["outcome"] = [],
        ["opinion"] = [],
        ["today"] = [],
        ["documentNo"] = [],
    };

    private static readonly HashSet<string> ContextChangingBlocks = ["each", "with"];
    private static readonly HashSet<string> Literals = ["true", "false", "null", "undefined", "else", "this"];

    public void Check(ValidationContext context)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var handlebars = Handlebars.Create();
        var templates = context.Definition.Templates;
        for (var i = 0; i < templates.Count; i++)
        {
            var template = templates[i];
            var path = $"/templates/{i}";
            if (!ids.Add(template.Id))
                context.Report(Codes.DuplicateTemplate, $"template id '{template.Id}' is already used; give each template its own id", path + "/id");
            if (SyntaxError(handlebars, template.Body) is { } error)
            {
                context.Report(Codes.TemplateSyntax, $"template '{template.Id}' is not valid Handlebars: {error.Message}", path + "/body", null,
                    context.Map.Within(path + "/body", template.Body, error.Index));
                continue;
            }
            CheckPlaceholders(context, template.Body, path + "/body", template.Id);
        }
    }

    /// <summary>
    /// What is wrong with a body and where. Handlebars.Net decides whether a template compiles, but it rarely
    /// says where it failed, so the common faults are located by a scan of the mustaches first.
    /// </summary>
    private static (string Message, int Index)? SyntaxError(IHandlebars handlebars, string body)
    {
        var located = Locate(body);
        if (located is { Fatal: true }) return (located.Value.Message, located.Value.Index);
        try
        {
            handlebars.Compile(body);
            return null;
        }
        catch (Exception e) // Handlebars.Net also throws InvalidOperationException on some malformed blocks
        {
            var at = OccurredAt().Match(e.Message);
            var message = (at.Success ? e.Message[..at.Index] : e.Message).ReplaceLineEndings(" ").Trim().TrimEnd('.');
            return (located?.Message ?? (message.Length == 0 ? "malformed template" : message), located?.Index ?? 0);
        }
    }

    /// <summary>The first unclosed {{, unmatched {{/block}}, block without argument, or partial; Fatal when we refuse it ourselves.</summary>
    private static (string Message, int Index, bool Fatal)? Locate(string body)
    {
        var open = new Stack<string>();
        for (var i = body.IndexOf("{{", StringComparison.Ordinal); i >= 0; i = body.IndexOf("{{", i + 2, StringComparison.Ordinal))
        {
            var close = body.IndexOf("}}", i + 2, StringComparison.Ordinal);
            var nextOpen = body.IndexOf("{{", i + 2, StringComparison.Ordinal);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close))
                return ("this {{ is never closed with }}", i, false);
            var inner = body[(i + 2)..close].Trim('{', '}', '~', ' ', '\t', '\r', '\n');
            if (inner.StartsWith('>')) return ("partials ({{> …}}) are not supported; write the text into the template", i, true);
            if (inner.StartsWith('#') || inner.StartsWith('^'))
            {
                var words = inner[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0) return ("a block needs a name, e.g. {{#if data.x}}", i, false);
                if (words.Length == 1 && words[0] is "if" or "unless" or "each" or "with")
                    return ($"{{{{#{words[0]}}}}} needs an argument, e.g. {{{{#{words[0]} data.x}}}}", i, false);
                open.Push(words[0]);
            }
            else if (inner.StartsWith('/'))
            {
                var name = inner[1..].Trim();
                if (open.Count == 0 || open.Peek() != name)
                    return (open.Count == 0 ? $"{{{{/{name}}}}} closes a block that was never opened" : $"{{{{/{name}}}}} closes {{{{#{open.Peek()}}}}}'s block with the wrong name", i, false);
                open.Pop();
            }
            i = close;
        }
        return open.Count > 0 ? ($"{{{{#{open.Peek()}}}}} is never closed with {{{{/{open.Peek()}}}}}", body.LastIndexOf("{{#" + open.Peek(), StringComparison.Ordinal), false) : null;
    }

    private static void CheckPlaceholders(ValidationContext context, string body, string path, string templateId)
    {
        var depth = 0; // inside {{#each}} / {{#with}} the context changes; their contents are not checked
        foreach (Match match in Mustache().Matches(body))
        {
            var inner = match.Groups[1].Value.Trim().Trim('~').Trim();
            if (inner.Length == 0 || inner[0] is '!' or '>') continue;
            if (inner[0] == '/')
            {
                if (ContextChangingBlocks.Contains(inner[1..].Trim())) depth = Math.Max(0, depth - 1);
                continue;
            }
            var words = inner.TrimStart('#', '^').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var isBlock = inner[0] is '#' or '^';
            var helper = words.Length > 1 || isBlock;
            var paths = helper ? words.Skip(1) : words;
            if (depth == 0)
                foreach (var candidate in paths)
                {
                    if (Known(context, candidate)) continue;
                    context.Report(Codes.UnknownPlaceholder,
                        $"template '{templateId}' uses '{candidate}', which names no known field; use data.<form key> or one of {string.Join(", ", Scope.Keys)}",
                        path, null, context.Map.Within(path, body, match.Index));
                }
            if (isBlock && ContextChangingBlocks.Contains(words[0])) depth++;
        }
    }

    private static bool Known(ValidationContext context, string candidate)
    {
        if (candidate.Length == 0 || candidate[0] is '"' or '\'' or '@' || char.IsDigit(candidate[0]) || candidate.Contains('=') ||
            Literals.Contains(candidate) || candidate.StartsWith("../", StringComparison.Ordinal))
            return true;
        var parts = candidate.Split('.');
        if (parts[0] == "data") return parts.Length >= 2 && context.DataKeys.Contains(parts[1]);
        if (!Scope.TryGetValue(parts[0], out var members)) return false;
        return parts.Length == 1 || members.Contains(parts[1]);
    }

    [GeneratedRegex(@"Occured at: ?(\d+):(\d+)")]
    private static partial Regex OccurredAt();

    [GeneratedRegex(@"\{\{\{?(.*?)\}?\}\}", RegexOptions.Singleline)]
    private static partial Regex Mustache();
}
