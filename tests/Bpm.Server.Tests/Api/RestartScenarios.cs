using System.Net;
using System.Text.Json.Nodes;
using Bpm.Storage;

namespace Bpm.Server.Tests.Api;

/// <summary>A second start over the same data: what a fresh process reads must not depend on what the first one cached.</summary>
public sealed class RestartScenarios
{
    [Fact]
    public async Task The_directory_answers_after_a_restart_over_the_same_database()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bpm-api-{Guid.NewGuid():N}.db");
        var connection = $"Data Source={file}";
        // The first start publishes the catalog (and caches its compiled models); it keeps the file.
        await using (var first = await ApiServer.StartAsync(StorageProvider.Sqlite, connection, sqliteFile: null))
            Assert.Equal(HttpStatusCode.OK, (await first.As(People.Window).GetAsync("/api/directory")).StatusCode);

        // The second finds the catalog already published, so nothing is compiled until something asks; it deletes the file.
        await using var second = await ApiServer.StartAsync(StorageProvider.Sqlite, connection, sqliteFile: file);
        var response = await second.As(People.Window).GetAsync("/api/directory");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var departments = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["departments"]!.AsArray()
            .Select(d => (string)d!["name"]!).ToList();
        Assert.Contains("县人民防空办公室", departments);
    }
}
