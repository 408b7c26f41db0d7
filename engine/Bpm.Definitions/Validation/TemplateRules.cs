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
            try
            {
                handlebars.Compile(template.Body);
            }
            catch (Exception e) when (e is HandlebarsException)
            {
                context.Report(Codes.TemplateSyntax, $"template '{template.Id}' is not valid Handlebars: {e.Message.TrimEnd('.')}", path + "/body");
                continue;
            }
            CheckPlaceholders(context, template.Body, path + "/body", template.Id);
        }
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
                    var line = body[..match.Index].Count(c => c == '\n');
                    context.Report(Codes.UnknownPlaceholder,
                        $"template '{templateId}' uses '{candidate}', which names no known field; use data.<form key> or one of {string.Join(", ", Scope.Keys)}",
                        path, null, context.Map.Locate(path, line, match.Value));
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

    [GeneratedRegex(@"\{\{\{?(.*?)\}?\}\}", RegexOptions.Singleline)]
    private static partial Regex Mustache();
}
