using Bpm.Definitions;

namespace Bpm.Server.Cli;

/// <summary>`bpm schema`: prints the DSL's JSON Schema (for editors and the designer).</summary>
public static class SchemaCommand
{
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(DefinitionSchema.Json.AsMemory(), cancellationToken);
        return 0;
    }
}
