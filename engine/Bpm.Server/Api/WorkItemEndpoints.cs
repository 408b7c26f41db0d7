using System.Text.Json.Nodes;
using Bpm.Definitions.Model;
using Bpm.Engine;
using Bpm.Engine.Commands;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Server.Security;
using Bpm.Storage;
using Bpm.Storage.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bpm.Server.Api;

public sealed record InboxItemView(
    Guid Id, Guid CaseId, string CaseNo, string PowerCode, string NodeId, string NodeName, string Department, string Role,
    string? Assignee, WorkItemStatus Status, DateTime CreatedAt, DateTime? DueAt, Light Light, ApplicantView Applicant);

public sealed record FormFieldView(string Key, string Label, string Type, bool Required);

/// <summary>One work item with what its handler needs to decide: the step's outcomes and form, and the case's data.</summary>
public sealed record WorkItemDetail(
    Guid Id, Guid CaseId, string CaseNo, string PowerCode, int Version, string NodeId, string NodeName, string Department, string Role,
    string? Assignee, WorkItemStatus Status, DateTime CreatedAt, IReadOnlyList<string> Outcomes, IReadOnlyList<FormFieldView> Form,
    JsonNode? CaseData, string? Outcome, string? Opinion, string? CompletedBy, DateTime? CompletedAt);

public sealed record CompleteRequest(string Outcome, string? Opinion, JsonObject? Form);
public sealed record SendBackRequest(string ToNodeId, string Opinion);
public sealed record SupplementNoticeRequest(IReadOnlyList<string> Materials);
public sealed record SpecialProcedureRequest(string Kind, string Approver, string Reason);

/// <summary>Work items (待办): the department's inbox and each step's actions. The engine refuses another department's item.</summary>
public static class WorkItemEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/inbox", InboxAsync).RequireAuthorization(BpmRoles.Handler)
            .WithSummary("The caller's department's open work items (narrowed to their posts), soonest due first");
        api.MapGet("/work-items/{id:guid}", GetAsync).RequireAuthorization(BpmPolicies.CaseReader);
        Command("claim", (id, c, _) => new Claim(id, c.Actor));
        CommandWithBody<CompleteRequest>("complete", (id, c, b) => new Complete(id, c.Actor, b.Outcome) { Opinion = b.Opinion, Form = b.Form });
        CommandWithBody<SendBackRequest>("send-back", (id, c, b) => new SendBack(id, c.Actor, b.ToNodeId, b.Opinion));
        Command("accept", (id, c, _) => new Accept(id, c.Actor));
        CommandWithBody<ReasonRequest>("reject-acceptance", (id, c, b) => new RejectAcceptance(id, c.Actor, b.Reason));
        CommandWithBody<SupplementNoticeRequest>("request-supplement", (id, c, b) => new RequestSupplement(id, c.Actor, b.Materials));
        Command("take-back", (id, c, _) => new TakeBack(id, c.Actor));
        CommandWithBody<SpecialProcedureRequest>("special-procedures", (id, c, b) => new StartSpecialProcedure(id, c.Actor, b.Kind, b.Approver, b.Reason));

        void Command(string action, Func<Guid, Caller, object?, CaseCommand> make) =>
            api.MapPost($"/work-items/{{id:guid}}/{action}", (Guid id, HttpContext http, CaseEngine engine, CancellationToken ct) =>
                RunAsync(http, engine, make(id, Caller.From(http.User), null), ct)).RequireAuthorization(BpmRoles.Handler);

        void CommandWithBody<TBody>(string action, Func<Guid, Caller, TBody, CaseCommand> make) =>
            api.MapPost($"/work-items/{{id:guid}}/{action}", (Guid id, TBody body, HttpContext http, CaseEngine engine, CancellationToken ct) =>
                RunAsync(http, engine, make(id, Caller.From(http.User), body ?? throw ApiException.BadRequest("missing-body", $"{action} needs a JSON body")), ct))
                .RequireAuthorization(BpmRoles.Handler);
    }

    private static Task<CommandResult> RunAsync(HttpContext http, CaseEngine engine, CaseCommand command, CancellationToken ct) =>
        engine.ExecuteAsync(command with { IdempotencyKey = IdempotencyKey.Of(http, Caller.From(http.User)) }, ct);

    private static async Task<PageView<InboxItemView>> InboxAsync(
        HttpContext http, EngineStore store, string? power, string? node, bool? mine, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var department = caller.Department ?? throw ApiException.BadRequest("no-department", "the inbox belongs to a department; this token names none");
        await using var db = store.CreateContext();
        var rows = await Inbox.QueryAsync(db, new InboxFilter(department, caller.Id, caller.Posts, power, node, mine ?? false, page, pageSize), ct);
        return new PageView<InboxItemView>(rows.Items.Select(r => new InboxItemView(
            r.Item.Id, r.Case.Id, CaseNumber.Of(r.Case), r.Case.PowerCode, r.Item.NodeId, r.Item.NodeName, r.Item.Department, r.Item.Role,
            r.Item.Assignee, r.Item.Status, r.Item.CreatedAt, r.DueAt, r.Light, new ApplicantView(r.Case.ApplicantId, r.Case.ApplicantName))).ToList(),
            rows.Total, rows.Number, rows.Size);
    }

    private static async Task<WorkItemDetail> GetAsync(Guid id, HttpContext http, CaseEngine engine, IEngineStore store, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        await using var session = await store.OpenAsync(ct);
        var item = await session.FindWorkItemAsync(id, ct) ?? throw new NotFoundException("work-item", $"work item {id} does not exist");
        if (!caller.Is(BpmRoles.Supervisor) && !caller.Covers(item.Department))
            throw new ForbiddenException("other-department", $"work item '{item.NodeName}' belongs to {item.Department}, not {caller.Department}");
        var snapshot = await session.LoadCaseAsync(item.CaseId, ct) ?? throw new NotFoundException("case", $"case {item.CaseId} does not exist");
        var model = await engine.Library.GetAsync(session, snapshot.Case.DefinitionVersionId, ct);
        var task = model.Place(item.NodeId).Node as TaskNode;
        return new WorkItemDetail(item.Id, item.CaseId, CaseNumber.Of(snapshot.Case), snapshot.Case.PowerCode, snapshot.Case.Version,
            item.NodeId, item.NodeName, item.Department, item.Role, item.Assignee, item.Status, item.CreatedAt,
            task?.Outcomes.Select(o => o.Name).ToList() ?? [],
            task?.Form.Select(f => new FormFieldView(f.Key, f.Label, Vocabulary.FieldTypes[f.Type], f.Required)).ToList() ?? [],
            JsonNode.Parse(snapshot.Case.Data), item.Outcome, item.Opinion, item.CompletedBy, item.CompletedAt);
    }
}
