using System.Text.Json.Nodes;
using Bpm.Engine;
using Bpm.Engine.Discretion;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Bpm.Server.Api;

public sealed record AssessRequest(string PowerCode, int? Version, string Violation, JsonObject? Facts, DateOnly? ViolationDate);

/// <summary>行政处罚裁量基准: which tier and band the facts of a violation fall in, on the table in force that day.</summary>
public static class DiscretionEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/discretion/assess", AssessAsync).RequireAuthorization(BpmPolicies.CaseReader)
            .WithSummary("Given a penalty power, a violation and the facts, return the tier and band (and the statutory range)");

    private static async Task<Assessment> AssessAsync(AssessRequest body, CaseEngine engine, IEngineStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.PowerCode) || string.IsNullOrWhiteSpace(body.Violation))
            throw ApiException.BadRequest("missing-field", "give powerCode and violation (the table's id or its violation text)");
        await using var session = await store.OpenAsync(ct);
        var version = body.Version is { } v
            ? await session.FindDefinitionAsync(body.PowerCode, v, ct)
            : await session.FindLatestDefinitionAsync(body.PowerCode, ct);
        if (version is null) throw new NotFoundException("power", $"no version of power {body.PowerCode} is published");
        var definition = engine.Library.Get(version).Definition;
        var date = body.ViolationDate ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(engine.Now(), CaseNumber.China));
        return engine.Services.Discretion.Assess(definition,
            new AssessmentRequest(body.PowerCode, body.Violation, body.Facts ?? new JsonObject(), date) { Version = version.Version });
    }
}
