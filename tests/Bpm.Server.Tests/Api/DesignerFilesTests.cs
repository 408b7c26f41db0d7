using System.Net;

namespace Bpm.Server.Tests.Api;

/// <summary>
/// The built designer at /designer: its files as they are, and index.html for every client route (the app's router
/// reads the path), while a missing asset stays a 404 so a stale page does not load HTML as script.
/// </summary>
public sealed class DesignerFilesTests : IAsyncLifetime
{
    private readonly string _dist = Path.Combine(Path.GetTempPath(), $"bpm-designer-dist-{Guid.NewGuid():N}");
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_dist, "assets"));
        await File.WriteAllTextAsync(Path.Combine(_dist, "index.html"), "<!doctype html><title>设计器</title><script src=\"/designer/assets/app.js\"></script>");
        await File.WriteAllTextAsync(Path.Combine(_dist, "assets", "app.js"), "console.log('designer')");
        _server = await ApiServer.SqliteAsync(new Dictionary<string, string?> { ["Bpm:Designer"] = _dist, ["Bpm:PublishCatalog"] = "false" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dist, recursive: true);
    }

    [Theory]
    [InlineData("/designer/")]
    [InlineData("/designer/index.html")]
    [InlineData("/designer/powers/XK00301001/versions/1")]
    [InlineData("/designer/supervision/light-board")]
    public async Task Client_routes_get_the_app(string path)
    {
        var response = await _server.As(null).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>设计器</title>", await response.Content.ReadAsStringAsync());
        // index.html names the current build's assets: a browser must not keep an old one.
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString() ?? "");
    }

    [Fact]
    public async Task The_bare_path_redirects_to_the_app()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _server.Address };
        var response = await client.GetAsync("/designer");
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently or HttpStatusCode.Found, $"{response.StatusCode}");
        Assert.Equal("/designer/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Assets_are_served_and_a_missing_asset_is_a_404()
    {
        var client = _server.As(null);
        var script = await client.GetAsync("/designer/assets/app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("console.log('designer')", await script.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/designer/assets/gone-1234.js")).StatusCode);
    }
}
