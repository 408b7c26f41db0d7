using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpm.Server.Hosting;

namespace Bpm.Server.Tests.Api;

/// <summary>
/// The designer's typed API client is generated from a committed copy of the server's OpenAPI document
/// (designer/src/api/openapi.json). When an endpoint changes and the copy does not, the designer would compile
/// against an API that no longer exists, so this test fails on any difference and says how to refresh the copy.
/// </summary>
public sealed class OpenApiSnapshotTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    public const string RefreshHint =
        "refresh it with `BPM_UPDATE_OPENAPI=1 dotnet test tests/Bpm.Server.Tests --filter FullyQualifiedName~OpenApiSnapshot`, " +
        "then `npm --prefix designer run gen:api`, and commit both files";

    private static readonly JsonSerializerOptions Written = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task The_committed_openapi_snapshot_matches_the_live_document()
    {
        var live = Normalize(JsonNode.Parse(await fixture.Server.As(null).GetStringAsync("/openapi/v1.json"))!);
        // The designer's calls depend on these three carrying schemas: the document must describe their responses.
        foreach (var (path, schema) in new[] { ("/api/definitions/simulate", "SimulationView"), ("/api/definitions/templates/preview", "TemplatePreviewView"), ("/api/directory", "DirectoryView") })
        {
            Assert.True(live["paths"]?[path] is not null, $"the OpenAPI document lacks {path}");
            Assert.True(live["components"]?["schemas"]?[schema] is not null, $"the OpenAPI document lacks the schema {schema}");
        }

        var file = Path.Combine(RepositoryRoot.Find()!, "designer", "src", "api", "openapi.json");
        if (Environment.GetEnvironmentVariable("BPM_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(file, live.ToJsonString(Written) + "\n");
            return;
        }
        Assert.True(File.Exists(file), $"{file} is missing; {RefreshHint}");
        var committed = Normalize(JsonNode.Parse(await File.ReadAllTextAsync(file))!);
        Assert.True(JsonNode.DeepEquals(committed, live),
            $"designer/src/api/openapi.json differs from the server's /openapi/v1.json ({FirstDifference(committed, live, "")}); {RefreshHint}");
    }

    /// <summary>The document without its servers list: the address is the test server's random port.</summary>
    private static JsonNode Normalize(JsonNode document)
    {
        document.AsObject().Remove("servers");
        return document;
    }

    /// <summary>The JSON pointer of the first place two documents differ, so the failure says what changed.</summary>
    private static string FirstDifference(JsonNode? a, JsonNode? b, string at)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)))
                if (!JsonNode.DeepEquals(oa[key], ob[key])) return FirstDifference(oa[key], ob[key], $"{at}/{key.Replace("~", "~0").Replace("/", "~1")}");
        }
        else if (a is JsonArray aa && b is JsonArray ab && aa.Count == ab.Count)
        {
            for (var i = 0; i < aa.Count; i++)
                if (!JsonNode.DeepEquals(aa[i], ab[i])) return FirstDifference(aa[i], ab[i], $"{at}/{i}");
        }
        return $"first difference at {(at.Length == 0 ? "/" : at)}: committed {(a is null ? "nothing" : "a value")}, live {(b is null ? "nothing" : "a value")}";
    }
}
