using System.Text.Json;
using Bpm.Definitions.Model;
using Bpm.Definitions.Reading;

namespace Bpm.Definitions.Tests;

/// <summary>
/// The JSON Schema is written by hand (for its bilingual descriptions) and kept in step with the binder here.
/// That every catalog file validates against it is checked by an independent validator (ajv, tests/schema).
/// </summary>
public sealed class SchemaTests
{
    private static readonly JsonDocument Schema = JsonDocument.Parse(DefinitionSchema.Json);
    private static JsonElement Defs => Schema.RootElement.GetProperty("$defs");

    public static TheoryData<string> ObjectDefinitions() => new(DslKeys.ByDefinition.Keys);

    [Theory]
    [MemberData(nameof(ObjectDefinitions))]
    public void Each_object_lists_exactly_the_keys_the_binder_accepts(string definition)
    {
        Assert.True(Defs.TryGetProperty(definition, out var def), $"$defs/{definition} is missing from the schema");
        var properties = def.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(DslKeys.Of(definition).Order().ToArray(), properties);
        Assert.False(def.GetProperty("additionalProperties").GetBoolean());
        foreach (var property in def.GetProperty("properties").EnumerateObject())
            Assert.True(property.Value.TryGetProperty("description", out _) || property.Value.TryGetProperty("$ref", out _),
                $"$defs/{definition}/properties/{property.Name} has no description");
    }

    public static TheoryData<string, string[]> Vocabularies() => new()
    {
        { "category", Vocabulary.Categories.All.ToArray() },
        { "handling", Vocabulary.HandlingKinds.All.ToArray() },
        { "kind", Vocabulary.NodeKinds.All.ToArray() },
        { "join", Vocabulary.JoinModes.All.ToArray() },
        { "risk", Vocabulary.RiskLevels.All.ToArray() },
        { "result", Vocabulary.EndResults.All.ToArray() },
        { "verdict", Vocabulary.Verdicts.All.ToArray() },
        { "effect", Vocabulary.ProcedureEffects.All.ToArray() },
        { "level", Vocabulary.TierLevels.All.ToArray() },
        { "action", Vocabulary.ServiceActions.All.ToArray() },
        { "type", Vocabulary.FieldTypes.All.ToArray() },
        { "unit", Vocabulary.BandUnits.All.ToArray() },
        { "on", Vocabulary.EscalationEvents.All.ToArray() },
    };

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void Each_closed_word_list_appears_as_an_enum_in_the_schema(string property, string[] words)
    {
        var enums = new List<string[]>();
        Collect(Schema.RootElement, enums);
        Assert.Contains(enums, e => e.Order().SequenceEqual(words.Order()));
        Assert.NotEmpty(property);
    }

    [Fact]
    public void Durations_in_the_schema_accept_exactly_the_binders_units()
    {
        var json = DefinitionSchema.Json;
        foreach (var unit in Vocabulary.TimeUnits.All) Assert.Contains(unit, json);
    }

    private static void Collect(JsonElement element, List<string[]> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "enum" && property.Value.ValueKind == JsonValueKind.Array)
                        into.Add(property.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray());
                    Collect(property.Value, into);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Collect(item, into);
                break;
        }
    }
}
