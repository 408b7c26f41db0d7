using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Bpm.Server.Hosting;

/// <summary>
/// Serves the built designer (designer/dist) at /designer: its files as they are, index.html for every client route
/// (the app's router reads the path), and a 404 for a file that is not there, so a page from an older build never
/// gets HTML where it asked for a script. index.html is never cached (it names the current build's assets); the
/// hashed assets are cached for good.
/// </summary>
public static class DesignerFiles
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void Map(WebApplication app, ServerSettings settings)
    {
        if (settings.DesignerDirectory is { } dist && File.Exists(Path.Combine(dist, "index.html")))
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(dist));
            // Routing ignores a trailing slash: /designer goes to /designer/ so the app's relative URLs resolve, /designer/ is the app.
            app.MapGet("/designer", (HttpContext http) => http.Request.Path.Value!.EndsWith('/') ? Serve(files, "", http) : Results.Redirect("/designer/"))
                .AllowAnonymous().ExcludeFromDescription();
            app.MapMethods("/designer/{**path}", [HttpMethods.Get, HttpMethods.Head], (string? path, HttpContext http) => Serve(files, path ?? "", http))
                .AllowAnonymous().ExcludeFromDescription();
        }
        else
        {
            app.MapGet("/designer/{**path}", () => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Designer not built",
                detail: "build it with `npm --prefix designer ci && npm --prefix designer run build` (or start the server with `dotnet run --project engine/Bpm.Server`, which does), then restart the server",
                extensions: new Dictionary<string, object?> { ["code"] = "designer-not-built" })).AllowAnonymous().ExcludeFromDescription();
        }
    }

    private static IResult Serve(PhysicalFileProvider files, string path, HttpContext http)
    {
        if (path.Length > 0 && files.GetFileInfo(path) is { Exists: true, IsDirectory: false, PhysicalPath: { } physical })
        {
            var immutable = path.StartsWith("assets/", StringComparison.Ordinal);
            http.Response.Headers.CacheControl = immutable ? "public, max-age=31536000, immutable" : "no-cache";
            var type = ContentTypes.TryGetContentType(path, out var known) ? known : "application/octet-stream";
            return Results.File(physical, type, lastModified: File.GetLastWriteTimeUtc(physical), enableRangeProcessing: true);
        }
        // A file name the app would ask for (a script, a style sheet, an image …) that the build does not have.
        if (path.StartsWith("assets/", StringComparison.Ordinal) || ContentTypes.TryGetContentType(path, out _))
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"the designer build has no file '{path}'",
                extensions: new Dictionary<string, object?> { ["code"] = "not-found" });
        http.Response.Headers.CacheControl = "no-cache";
        var index = files.GetFileInfo("index.html");
        return Results.File(index.PhysicalPath!, "text/html; charset=utf-8");
    }
}
