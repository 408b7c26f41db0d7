using System.Globalization;
using System.Text.Json;
using Bpm.Definitions;
using Bpm.Definitions.Model;
using Bpm.Engine;
using Bpm.Engine.Runtime;
using Bpm.Engine.Time;
using Bpm.Server.Hosting;
using Bpm.Server.Security;
using Bpm.Storage;
using Bpm.Storage.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bpm.Server.Api;

public sealed record SimulationRequest(string? Text, string? AcceptedOn, Dictionary<string, string>? Choices);

/// <summary>A time limit as the designer shows it: the DSL's value and unit word (工作日, 自然日, 小时) and both as text.</summary>
public sealed record LimitView(decimal Value, string Unit, string Text)
{
    public static LimitView? Of(Duration? limit) => limit is null ? null : new(limit.Value, Vocabulary.TimeUnits[limit.Unit], limit.ToString());
}

/// <summary>A node's simulated start and due moment, in the calendar's local time with its offset (+08:00).</summary>
public sealed record SimulatedNodeView(string NodeId, string Name, DateTimeOffset StartsAt, DateTimeOffset DueAt, LimitView? Limit, string? Branch);

public sealed record SimulationProblemView(string Code, string Message, string? NodeId);

public sealed record SimulationView(
    DateOnly AcceptedOn, DateTimeOffset PromisedDue, DateTimeOffset LegalDue, LimitView PromisedLimit, LimitView LegalLimit,
    IReadOnlyList<SimulatedNodeView> Nodes, DateTimeOffset PathEnd, bool PathExceedsPromised, bool PathExceedsLegal,
    IReadOnlyList<SimulationProblemView> Problems);

public sealed record TemplatePreviewRequest(string? Text, string? TemplateId, JsonElement? Data);

public sealed record TemplatePreviewView(string ContentType, string Body);

public sealed record DirectoryDepartmentView(string Name, IReadOnlyList<string> Roles);

public sealed record DirectoryView(IReadOnlyList<DirectoryDepartmentView> Departments);

/// <summary>
/// What the designer asks of the server besides definitions: deadline simulation on the server's working-day
/// calendar, template previews rendered by the engine's own Handlebars, and the departments and roles to pick from.
/// </summary>
public static class DesignerEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/definitions/simulate", Simulate).RequireAuthorization(BpmPolicies.DefinitionReader)
            .WithSummary("Deadlines of one path through a definition for a case accepted on a given day (working-day calendar)")
            .Produces<SimulationView>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPost("/definitions/templates/preview", PreviewTemplate).RequireAuthorization(BpmPolicies.DefinitionReader)
            .WithSummary("Render one of a definition's document templates on sample data (or the data given)")
            .Produces<TemplatePreviewView>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/directory", DirectoryAsync).RequireAuthorization(BpmPolicies.DefinitionReader)
            .WithSummary("Departments and their roles (岗位), from the published catalog and the sample users");
    }

    private static SimulationView Simulate(SimulationRequest body, CaseEngine engine)
    {
        var definition = Compile(body.Text);
        if (string.IsNullOrWhiteSpace(body.AcceptedOn))
            throw ApiException.BadRequest("accepted-on-required", "give the acceptance date as acceptedOn: \"2026-09-30\"");
        if (!DateOnly.TryParseExact(body.AcceptedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var acceptedOn))
            throw ApiException.BadRequest("bad-date", $"acceptedOn '{body.AcceptedOn}' is not a date like 2026-09-30");
        var time = engine.Services.Time
            ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "no-calendar", "this server runs without a working-day calendar");
        DeadlinePlan plan;
        try
        {
            plan = new DeadlineSimulation(time).Run(definition, acceptedOn, body.Choices ?? []);
        }
        catch (CalendarRangeException e)
        {
            throw ApiException.BadRequest("date-outside-calendar", e.Message);
        }
        var calendar = time.Calendar;
        return new SimulationView(plan.AcceptedOn, Local(plan.PromisedDue), Local(plan.LegalDue), LimitView.Of(plan.Promised)!, LimitView.Of(plan.Legal)!,
            plan.Nodes.Select(n => new SimulatedNodeView(n.NodeId, n.Name, Local(n.StartsAt), Local(n.DueAt), LimitView.Of(n.Limit), n.Branch)).ToList(),
            Local(plan.PathEnd), plan.ExceedsPromised, plan.ExceedsLegal,
            plan.Problems.Select(p => new SimulationProblemView(p.Code, p.Message, p.NodeId)).ToList());

        DateTimeOffset Local(DateTime utc) => new(calendar.ToLocal(utc), calendar.TimeZone.GetUtcOffset(utc));
    }

    private static TemplatePreviewView PreviewTemplate(TemplatePreviewRequest body, CaseEngine engine)
    {
        var definition = Compile(body.Text);
        if (string.IsNullOrWhiteSpace(body.TemplateId))
            throw ApiException.BadRequest("template-id-required", "name the template to preview as templateId");
        var template = definition.Templates.FirstOrDefault(t => t.Id == body.TemplateId)
            ?? throw ApiException.BadRequest("unknown-template",
                $"the definition has no template '{body.TemplateId}'; it has: {string.Join(", ", definition.Templates.Select(t => t.Id))}");
        IReadOnlyDictionary<string, object?>? data = null;
        if (body.Data is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given)
            data = given.ValueKind == JsonValueKind.Object
                ? (Dictionary<string, object?>)DocumentRenderer.FromJson(given)!
                : throw ApiException.BadRequest("bad-data", "data must be a JSON object of form field values");
        var model = DocumentPreview.SampleModel(definition, engine.Now(), data);
        try
        {
            return new TemplatePreviewView("text/plain; charset=utf-8", engine.Services.Documents.RenderOnce(template.Body, model));
        }
        catch (Exception e) when (e is HandlebarsDotNet.HandlebarsException or FormatException or InvalidOperationException)
        {
            throw ApiException.BadRequest("template-failed", $"template '{template.Id}' could not be rendered: {e.Message}");
        }
    }

    /// <summary>Every department named by a published power (实施主体, joint departments, steps, leads) or a sample user, with the roles it has.</summary>
    private static async Task<DirectoryView> DirectoryAsync(EngineStore store, CaseEngine engine, ServerSettings settings, CancellationToken ct)
    {
        var roles = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        SortedSet<string> Department(string name) => roles.TryGetValue(name, out var set) ? set : roles[name] = new SortedSet<string>(StringComparer.Ordinal);

        // The power list carries versions without their definition text, so each model comes through the library
        // (cached, or read and compiled once), never compiled from the list's rows.
        await using (var db = store.CreateContext())
        await using (var session = await store.OpenAsync(ct))
        {
            for (var page = 1; ; page++)
            {
                var powers = await PowerList.QueryAsync(db, new PowerFilter(IncludeAbolished: false, Page: page, PageSize: Page<PowerVersions>.MaxSize), ct);
                foreach (var power in powers.Items)
                {
                    var definition = (await engine.Library.GetAsync(session, power.Latest.Id, ct)).Definition;
                    Department(definition.Power.Subject);
                    foreach (var joint in definition.Power.JointDepartments) Department(joint);
                    foreach (var node in definition.Nodes) Collect(node);
                }
                if (powers.Items.Count == 0 || page * powers.Size >= powers.Total) break;
            }
        }
        if (settings.UsersFile is { } users)
            foreach (var user in await SampleUsers.ReadAsync(users, ct))
                if (user.Department is { Length: > 0 } department)
                {
                    var set = Department(department);
                    foreach (var post in user.Posts ?? []) set.Add(post);
                }
        return new DirectoryView(roles.Where(r => r.Key.Length > 0).Select(r => new DirectoryDepartmentView(r.Key, r.Value.ToList())).ToList());

        void Collect(Node node)
        {
            switch (node)
            {
                case TaskNode task:
                    Department(task.Department).Add(task.Role);
                    break;
                case ParallelNode block:
                    Department(block.Lead);
                    foreach (var inner in block.Branches.SelectMany(b => b.Nodes)) Collect(inner);
                    break;
            }
        }
    }

    /// <summary>The definition in the body's text, or a 400 carrying the validator's diagnostics (definition-invalid).</summary>
    private static ProcessDefinition Compile(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw ApiException.BadRequest("text-required", "send the definition's YAML or JSON as text");
        var compiled = DefinitionCompiler.Compile(text, DefinitionCompiler.Sniff(text));
        return compiled.Succeeded ? compiled.Definition! : throw new DefinitionRejectedException(compiled.Diagnostics);
    }
}
