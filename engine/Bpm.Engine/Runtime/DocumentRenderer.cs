using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Bpm.Definitions.Model;
using HandlebarsDotNet;

namespace Bpm.Engine.Runtime;

/// <summary>
/// Renders a definition's document templates (Handlebars) with the fields process-definitions/README.md lists:
/// applicant, case, power, node, handler, outcome, opinion, today, documentNo and data.
/// </summary>
public sealed class DocumentRenderer
{
    private readonly IHandlebars _handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
    private readonly ConcurrentDictionary<(Guid Version, string Template), HandlebarsTemplate<object, object>> _compiled = new();
    private readonly ConcurrentDictionary<string, HandlebarsTemplate<object, object>> _configured = new(StringComparer.Ordinal);

    /// <summary>Renders a configured template (a notice of the supervision policy), compiled once per key.</summary>
    public string RenderText(string key, string body, IReadOnlyDictionary<string, object?> model) =>
        _configured.GetOrAdd(key, _ => _handlebars.Compile(body))(model);

    /// <summary>Renders a body once without caching it: a designer's preview of a template still being written.</summary>
    public string RenderOnce(string body, IReadOnlyDictionary<string, object?> model) => _handlebars.Compile(body)(model);

    public string Render(Guid definitionVersionId, DocumentTemplate template, IReadOnlyDictionary<string, object?> model)
    {
        var compiled = _compiled.GetOrAdd((definitionVersionId, template.Id), _ => _handlebars.Compile(template.Body));
        return compiled(model);
    }

    /// <summary>Turns a JSON object into dictionaries and lists Handlebars can walk.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetDecimal(out var d) ? d.ToString(CultureInfo.InvariantCulture) : element.GetRawText(),
        JsonValueKind.True => "是",
        JsonValueKind.False => "否",
        _ => null,
    };
}
