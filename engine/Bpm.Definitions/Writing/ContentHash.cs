using System.Security.Cryptography;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Writing;

/// <summary>
/// The identity of a definition's meaning: SHA-256 over its canonical JSON without layout, so the YAML and
/// JSON forms of one definition, or two layouts of it, hash alike, and any change that matters does not.
/// </summary>
public static class ContentHash
{
    /// <summary>Lowercase hex SHA-256 of the UTF-8 bytes of <c>DefinitionWriter.ToJson(d, indented: false, includeLayout: false)</c>.</summary>
    public static string Of(ProcessDefinition d) =>
        Convert.ToHexStringLower(SHA256.HashData(DefinitionWriter.ToJsonUtf8(d, indented: false, includeLayout: false)));
}
