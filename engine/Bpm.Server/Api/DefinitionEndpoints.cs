using System.Text.Json;
using Bpm.Definitions;
using Bpm.Definitions.Diffing;
using Bpm.Definitions.Model;
using Bpm.Definitions.Writing;
using Bpm.Engine;
using Bpm.Engine.Ports;
using Bpm.Engine.State;
using Bpm.Server.Security;
using Bpm.Storage;
using Bpm.Storage.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bpm.Server.Api;

public sealed record ValidationView(bool Valid, string? PowerCode, IReadOnlyList<DiagnosticView> Diagnostics);

public sealed record DraftView(
    Guid Id, string PowerCode, string Subject, bool Valid, int Errors, int Warnings, IReadOnlyList<DiagnosticView> Diagnostics,
    int? PublishedVersion, bool Unchanged, IReadOnlyList<DefinitionChange> Changes, string CreatedBy, DateTime CreatedAt,
    int? DraftPublishedAs);

public sealed record PublishView(string PowerCode, int Version, string ContentHash, DefinitionState State, bool Created, IReadOnlyList<DiagnosticView> Warnings);

public sealed record VersionView(int Version, DefinitionState State, string ContentHash, DateTime PublishedAt, string PublishedBy, DateTime StateChangedAt);

public sealed record PowerView(string Code, string Name, string Category, string Subject, int LatestVersion, IReadOnlyList<VersionView> Versions)
{
    public static PowerView Of(PowerVersions p) => new(p.Code, p.Name, p.Category, p.Subject, p.Latest.Version,
        p.Versions.Select(v => new VersionView(v.Version, v.State, v.ContentHash, v.PublishedAt, v.PublishedBy, v.StateChangedAt)).ToList());
}

public sealed record PageView<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public sealed record DiffView(string PowerCode, int From, int To, IReadOnlyList<DefinitionChange> Changes);

/// <summary>
/// Definitions: validate, keep drafts, publish (own department only), move versions through their lifecycle, list,
/// fetch and compare versions.
/// </summary>
public static class DefinitionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/definitions/validate", ValidateAsync).RequireAuthorization(BpmPolicies.DefinitionReader)
            .WithSummary("Validate a definition (YAML or JSON body) without saving it");
        api.MapPost("/definitions/drafts", SaveDraftAsync).RequireAuthorization(BpmPolicies.DefinitionAuthor)
            .WithSummary("Upload a draft; returns its diagnostics and its changes against the published version");
        api.MapGet("/definitions/drafts/{id:guid}", GetDraftAsync).RequireAuthorization(BpmPolicies.DefinitionAuthor);
        api.MapGet("/definitions/drafts/{id:guid}/text", GetDraftTextAsync).RequireAuthorization(BpmPolicies.DefinitionAuthor);
        api.MapPost("/definitions/drafts/{id:guid}/publish", PublishDraftAsync).RequireAuthorization(BpmRoles.Deployer)
            .WithSummary("Publish a draft as the power's next version (a no-op when its meaning is unchanged)");
        api.MapGet("/powers", ListPowersAsync).RequireAuthorization(BpmPolicies.DefinitionReader);
        api.MapGet("/powers/{code}", GetPowerAsync).RequireAuthorization(BpmPolicies.DefinitionReader);
        api.MapGet("/powers/{code}/versions/{version:int}", GetVersionAsync).RequireAuthorization(BpmPolicies.DefinitionReader)
            .WithSummary("One version's definition (?format=yaml|json), layout included");
        api.MapGet("/powers/{code}/diff", DiffAsync).RequireAuthorization(BpmPolicies.DefinitionReader)
            .WithSummary("Nodes, flows, limits and discretion tiers added, removed or changed between two versions (?from=&to=)");
        api.MapPost("/powers/{code}/versions/{version:int}/suspend", (string code, int version, HttpContext http, CaseEngine engine, IEngineStore store, CancellationToken ct) =>
            MoveAsync(code, version, http, engine, store, engine.Definitions.SuspendAsync, ct)).RequireAuthorization(BpmRoles.Deployer);
        api.MapPost("/powers/{code}/versions/{version:int}/resume", (string code, int version, HttpContext http, CaseEngine engine, IEngineStore store, CancellationToken ct) =>
            MoveAsync(code, version, http, engine, store, engine.Definitions.ResumeAsync, ct)).RequireAuthorization(BpmRoles.Deployer);
        api.MapPost("/powers/{code}/versions/{version:int}/abolish", (string code, int version, HttpContext http, CaseEngine engine, IEngineStore store, CancellationToken ct) =>
            MoveAsync(code, version, http, engine, store, engine.Definitions.AbolishAsync, ct)).RequireAuthorization(BpmRoles.Deployer);
    }

    private static async Task<ValidationView> ValidateAsync(HttpRequest request, CancellationToken ct)
    {
        var (text, format) = await RequestText.ReadDefinitionAsync(request, ct);
        var compiled = DefinitionCompiler.Compile(text, format);
        return new ValidationView(compiled.Succeeded, compiled.Definition?.Power.Code, compiled.Diagnostics.Select(DiagnosticView.Of).ToList());
    }

    private static async Task<IResult> SaveDraftAsync(HttpRequest request, HttpContext http, CaseEngine engine, CancellationToken ct)
    {
        var (text, format) = await RequestText.ReadDefinitionAsync(request, ct);
        var saved = await engine.Definitions.SaveDraftAsync(text, format, Caller.From(http.User).Id, ct);
        var view = DraftViewOf(saved.Draft, saved.Compiled, saved.Published, engine);
        return Results.Created($"/api/definitions/drafts/{saved.Draft.Id}", view);
    }

    private static async Task<DraftView> GetDraftAsync(Guid id, CaseEngine engine, IEngineStore store, CancellationToken ct)
    {
        var draft = await engine.Definitions.FindDraftAsync(id, ct);
        var compiled = DefinitionCompiler.Compile(draft.Text, FormatOf(draft));
        await using var session = await store.OpenAsync(ct);
        return DraftViewOf(draft, compiled, await session.FindLatestDefinitionAsync(draft.PowerCode, ct), engine);
    }

    private static async Task<IResult> GetDraftTextAsync(Guid id, CaseEngine engine, CancellationToken ct)
    {
        var draft = await engine.Definitions.FindDraftAsync(id, ct);
        return Results.Text(draft.Text, draft.Format == "json" ? "application/json" : "application/yaml");
    }

    private static async Task<PublishView> PublishDraftAsync(Guid id, HttpContext http, CaseEngine engine, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var draft = await engine.Definitions.FindDraftAsync(id, ct);
        RequireDeployerOf(caller, draft.Subject, draft.PowerCode);
        var result = await engine.Definitions.PublishDraftAsync(id, caller.Id, ct);
        return new PublishView(result.PowerCode, result.Version, result.ContentHash, result.State, result.Created, result.Warnings.Select(DiagnosticView.Of).ToList());
    }

    private static async Task<PageView<PowerView>> ListPowersAsync(
        EngineStore store, string? department, string? category, string? q, int? page, int? pageSize, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var powers = await PowerList.QueryAsync(db, new PowerFilter(department, category, q, true, page, pageSize), ct);
        return new PageView<PowerView>(powers.Items.Select(PowerView.Of).ToList(), powers.Total, powers.Number, powers.Size);
    }

    private static async Task<PowerView> GetPowerAsync(string code, EngineStore store, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var powers = await PowerList.QueryAsync(db, new PowerFilter(Keyword: code, PageSize: Page<PowerVersions>.MaxSize), ct);
        var power = powers.Items.FirstOrDefault(p => p.Code == code) ?? throw ApiException.NotFound("power-not-found", $"no power {code} is published");
        return PowerView.Of(power);
    }

    private static async Task<IResult> GetVersionAsync(string code, int version, string? format, CaseEngine engine, IEngineStore store, CancellationToken ct)
    {
        var (_, definition) = await LoadAsync(code, version, engine, store, ct);
        return format?.ToLowerInvariant() switch
        {
            null or "" or "yaml" => Results.Text(DefinitionWriter.ToYaml(definition), "application/yaml; charset=utf-8"),
            "json" => Results.Text(DefinitionWriter.ToJson(definition), "application/json; charset=utf-8"),
            _ => throw ApiException.BadRequest("bad-format", $"format '{format}' is neither yaml nor json"),
        };
    }

    private static async Task<DiffView> DiffAsync(string code, int? from, int? to, CaseEngine engine, IEngineStore store, CancellationToken ct)
    {
        if (from is null || to is null) throw ApiException.BadRequest("missing-versions", "give both versions: ?from=1&to=2");
        var (_, before) = await LoadAsync(code, from.Value, engine, store, ct);
        var (_, after) = await LoadAsync(code, to.Value, engine, store, ct);
        return new DiffView(code, from.Value, to.Value, DefinitionDiff.Compare(before, after).Changes);
    }

    private static async Task<VersionView> MoveAsync(string code, int version, HttpContext http, CaseEngine engine, IEngineStore store,
        Func<string, int, CancellationToken, Task<DefinitionVersion>> move, CancellationToken ct)
    {
        var (stored, _) = await LoadAsync(code, version, engine, store, ct);
        RequireDeployerOf(Caller.From(http.User), stored.Subject, code);
        var moved = await move(code, version, ct);
        return new VersionView(moved.Version, moved.State, moved.ContentHash, moved.PublishedAt, moved.PublishedBy, moved.StateChangedAt);
    }

    /// <summary>A stored version and its definition with the layout put back (the stored semantics leave it out).</summary>
    public static async Task<(DefinitionVersion Version, ProcessDefinition Definition)> LoadAsync(
        string code, int version, CaseEngine engine, IEngineStore store, CancellationToken ct)
    {
        await using var session = await store.OpenAsync(ct);
        var stored = await session.FindDefinitionAsync(code, version, ct)
            ?? throw new Bpm.Engine.Runtime.NotFoundException("definition", $"power {code} has no version {version}");
        var definition = engine.Library.Get(stored).Definition;
        return (stored, definition with { Layout = LayoutOf(stored.Layout) });
    }

    private static ValueList<NodePosition> LayoutOf(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ValueList.Of(doc.RootElement.EnumerateObject()
            .Select(p => new NodePosition(p.Name, p.Value.GetProperty("x").GetDouble(), p.Value.GetProperty("y").GetDouble())).ToArray());
    }

    private static void RequireDeployerOf(Caller caller, string subject, string powerCode)
    {
        if (!caller.Covers(subject))
            throw ApiException.Forbidden("other-department",
                $"{powerCode} is implemented by {(subject.Length > 0 ? subject : "another department")}; {caller.Department ?? "a caller without a department"} may not deploy it");
    }

    private static DefinitionFormat FormatOf(DefinitionDraft draft) => draft.Format == "json" ? DefinitionFormat.Json : DefinitionFormat.Yaml;

    private static DraftView DraftViewOf(DefinitionDraft draft, CompileResult compiled, DefinitionVersion? published, CaseEngine engine)
    {
        var changes = DefinitionChanges.None;
        var unchanged = false;
        if (published is not null && compiled.Definition is { } definition)
        {
            unchanged = published.ContentHash == ContentHash.Of(definition);
            changes = DefinitionDiff.Compare(engine.Library.Get(published).Definition, definition with { Layout = ValueList<NodePosition>.Empty });
        }
        return new DraftView(draft.Id, draft.PowerCode, draft.Subject, compiled.Succeeded, draft.Errors, draft.Warnings,
            compiled.Diagnostics.Select(DiagnosticView.Of).ToList(), published?.Version, unchanged, changes.Changes,
            draft.CreatedBy, draft.CreatedAt, draft.PublishedVersion);
    }
}
