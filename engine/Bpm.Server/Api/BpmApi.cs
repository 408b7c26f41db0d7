using Bpm.Engine.Ports;
using Bpm.Server.Hosting;
using Bpm.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bpm.Server.Api;

public sealed record DevTokenRequest(string User, int? Hours);
public sealed record DevTokenView(string Token, TokenUser User, DateTime ExpiresAt);

/// <summary>Maps the REST API under /api, plus /health and /ready.</summary>
public static class BpmApi
{
    public static void MapBpmApi(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        DefinitionEndpoints.Map(api);
        CaseEndpoints.Map(api);
        WorkItemEndpoints.Map(api);
        DiscretionEndpoints.Map(api);
        NotificationEndpoints.Map(api);
        SupervisionEndpoints.Map(api);
        OversightEndpoints.Map(api);
        ExchangeEndpoints.Map(api);
        DesignerEndpoints.Map(api);

        api.MapPost("/dev/token", DevTokenAsync).AllowAnonymous().ExcludeFromDescription();

        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).AllowAnonymous().WithSummary("Liveness: the process answers");
        app.MapGet("/ready", ReadyAsync).AllowAnonymous().WithSummary("Readiness: the database answers and the catalog is published");
    }

    private static async Task<IResult> ReadyAsync(IEngineStore store, CatalogPublisher catalog, ServerSettings settings, CancellationToken ct)
    {
        try
        {
            await using var session = await store.OpenAsync(ct);
            await session.FindDefinitionAsync(Guid.Empty, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Results.Json(new { status = "unavailable", database = e.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var waiting = settings.PublishCatalog && settings.CatalogDirectory is not null && !catalog.Done;
        return waiting
            ? Results.Json(new { status = "starting", catalog = "publishing" }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Ok(new { status = "ready", database = settings.Provider.ToString().ToLowerInvariant(), catalog = catalog.Published });
    }

    /// <summary>
    /// Development only: a token for one of the sample users, so the tour and the designer work without an identity
    /// provider. Off when an OIDC authority is configured or Bpm:Auth:DevelopmentTokens is false.
    /// </summary>
    private static async Task<IResult> DevTokenAsync(DevTokenRequest body, ServerSettings settings, TokenIssuer issuer, CancellationToken ct)
    {
        if (!settings.DevelopmentTokens || settings.UsersFile is null)
            throw ApiException.NotFound("dev-tokens-off", "development tokens are off on this server");
        TokenUser user;
        try
        {
            user = await SampleUsers.FindAsync(settings.UsersFile, body.User, ct);
        }
        catch (KeyNotFoundException e)
        {
            throw ApiException.NotFound("user-not-found", e.Message);
        }
        var lifetime = TimeSpan.FromHours(Math.Clamp(body.Hours ?? 8, 1, 24));
        return Results.Ok(new DevTokenView(issuer.Mint(user, lifetime), user, DateTime.UtcNow.Add(lifetime)));
    }
}
