using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Bpm.Server.Api;

/// <summary>Declares the bearer-token scheme in the OpenAPI document, so clients know how to authenticate.</summary>
internal sealed class BearerSecurityScheme : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "BpmServer API";
        document.Info.Description = "行政权力运行: definitions, cases, work items, discretion. Errors are RFC 7807 problem+json with a stable 'code'.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
            Description = "A JWT with claims sub, name, dept, role (analyst, deployer, handler, supervisor, administrator) and optional post",
        };
        return Task.CompletedTask;
    }
}
