namespace Bpm.Definitions;

/// <summary>The DSL's JSON Schema (draft 2020-12), kept in step with the binder's keys by a test.</summary>
public static class DefinitionSchema
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(DefinitionSchema).Assembly.GetManifestResourceStream("Bpm.Definitions.process-definition.schema.json")
            ?? throw new InvalidOperationException("the JSON Schema resource is missing from Bpm.Definitions");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string Json => Text.Value;
}
