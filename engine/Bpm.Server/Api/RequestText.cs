using Bpm.Definitions;
using Microsoft.AspNetCore.Http;

namespace Bpm.Server.Api;

/// <summary>A definition sent as the request body (YAML or JSON text), read within the server's body limit.</summary>
public static class RequestText
{
    public static async Task<(string Text, DefinitionFormat Format)> ReadDefinitionAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text)) throw ApiException.BadRequest("empty-body", "send the definition's YAML or JSON text as the request body");
        var type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var format = type switch
        {
            "application/json" or "text/json" => DefinitionFormat.Json,
            "application/yaml" or "application/x-yaml" or "text/yaml" or "text/x-yaml" => DefinitionFormat.Yaml,
            null or "" or "text/plain" or "application/octet-stream" => DefinitionCompiler.Sniff(text),
            _ => throw new ApiException(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                $"'{type}' is not a definition format; send application/yaml or application/json"),
        };
        return (text, format);
    }
}
