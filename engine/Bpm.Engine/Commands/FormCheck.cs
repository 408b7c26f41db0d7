using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;

namespace Bpm.Engine.Commands;

/// <summary>
/// Checks what a handler submits against the node's form: types always; required fields when the outcome
/// approves (a rejection or a supplement request must be possible precisely when something is missing).
/// </summary>
public static class FormCheck
{
    public static void Check(IReadOnlyList<FormField> form, JsonObject submitted, JsonObject caseData, bool approving)
    {
        var problems = new List<string>();
        var fields = form.ToDictionary(f => f.Key, StringComparer.Ordinal);
        foreach (var (key, value) in submitted)
        {
            if (!fields.TryGetValue(key, out var field))
            {
                problems.Add($"'{key}' is not a field of this step (fields: {string.Join(", ", form.Select(f => f.Key))})");
                continue;
            }
            if (value is not null && TypeProblem(field, value) is { } problem) problems.Add(problem);
        }
        if (approving)
            foreach (var field in form.Where(f => f.Required))
                if ((submitted[field.Key] ?? caseData[field.Key]) is null)
                    problems.Add($"'{field.Key}' ({field.Label}) is required");
        if (problems.Count > 0) throw new CommandRejectedException("form-invalid", "the form is not complete: " + string.Join("; ", problems));
    }

    private static string? TypeProblem(FormField field, JsonNode value)
    {
        var kind = value.GetValueKind();
        var ok = field.Type switch
        {
            FieldType.Number or FieldType.Money => kind == JsonValueKind.Number,
            FieldType.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            FieldType.Date => kind == JsonValueKind.String && DateOnly.TryParseExact(value.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            FieldType.Choice => kind == JsonValueKind.String && field.Options.Contains(value.GetValue<string>()),
            _ => kind == JsonValueKind.String,
        };
        if (ok) return null;
        var expected = field.Type switch
        {
            FieldType.Number or FieldType.Money => "a number",
            FieldType.Boolean => "true or false",
            FieldType.Date => "a date written yyyy-MM-dd",
            FieldType.Choice => "one of " + string.Join(", ", field.Options),
            _ => "text",
        };
        return $"'{field.Key}' ({field.Label}) must be {expected}";
    }
}
