using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace Bpm.Server.Hosting;

/// <summary>Serves the built designer (designer/dist) at /designer, falling back to its index.html for client routes.</summary>
public static class DesignerFiles
{
    public static void Map(WebApplication app, ServerSettings settings)
    {
        if (settings.DesignerDirectory is { } dist && File.Exists(Path.Combine(dist, "index.html")))
        {
            var files = new PhysicalFileProvider(dist);
            app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = "/designer", FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { RequestPath = "/designer", FileProvider = files });
            app.MapFallbackToFile("/designer/{*path}", "index.html", new StaticFileOptions { FileProvider = files }).AllowAnonymous();
        }
        else
        {
            app.MapGet("/designer", () => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Designer not built",
                detail: "build it with `npm --prefix designer ci && npm --prefix designer run build`, then restart the server",
                extensions: new Dictionary<string, object?> { ["code"] = "designer-not-built" })).AllowAnonymous().ExcludeFromDescription();
        }
    }
}
