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

public sealed record ApplyRequest(string PowerCode, int? Version, ApplicantView Applicant, JsonObject? Data);
public sealed record ReasonRequest(string Reason);
public sealed record SupplementRequest(JsonObject Data);
public sealed record EndProcedureRequest(string Result);
public sealed record ExtensionRequest(string Approver, string Reason, decimal Value, string Unit = "工作日");
public sealed record AnswerRequest(string Answer, string? Kind = null);
public sealed record SupervisionRequest(string Department, string Content, string? NodeId, int? AnswerWithinWorkingDays);
public sealed record CloseSupervisionRequest(string Conclusion);

/// <summary>Cases (办件): apply, read, list, withdraw, terminate, supplements, special procedures, extensions, 督办 answers, journal.</summary>
public static class CaseEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/cases", ApplyAsync).RequireAuthorization(BpmRoles.Handler)
            .WithSummary("申请: register an application on the newest published version (or a named one)");
        api.MapGet("/cases", ListAsync).RequireAuthorization(BpmPolicies.CaseReader)
            .WithSummary("Cases, newest first; filters power, department, status, light, applicant");
        api.MapGet("/cases/{id:guid}", GetAsync).RequireAuthorization(BpmPolicies.CaseReader);
        api.MapGet("/cases/{id:guid}/journal/verify", VerifyAsync).RequireAuthorization(BpmPolicies.CaseReader);
        api.MapPost("/cases/{id:guid}/withdraw", WithdrawAsync).RequireAuthorization(BpmRoles.Handler)
            .WithSummary("撤回: the applicant's withdrawal, registered by a handler of a department the case reached");
        api.MapPost("/cases/{id:guid}/terminate", (Guid id, ReasonRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            RunOnCaseAsync(id, http, engine, store, c => new Terminate(id, c.Actor, body.Reason), ct)).RequireAuthorization(BpmRoles.Administrator);
        api.MapPost("/cases/{id:guid}/supplement", (Guid id, SupplementRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            RunOnCaseAsync(id, http, engine, store, c => new SubmitSupplement(id, c.Actor, body.Data), ct)).RequireAuthorization(BpmRoles.Handler)
            .WithSummary("补正: the applicant's supplemented materials arrive");
        api.MapPost("/cases/{id:guid}/special-procedures/{procedureId:guid}/end", (Guid id, Guid procedureId, EndProcedureRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            RunOnCaseAsync(id, http, engine, store, c => new EndSpecialProcedure(id, procedureId, c.Actor, body.Result), ct)).RequireAuthorization(BpmRoles.Handler)
            .WithSummary("End a special procedure (听证、专家评审 …): the clock runs again, due times shift by the time it stood still");
        api.MapPost("/cases/{id:guid}/extensions", (Guid id, ExtensionRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            RunOnCaseAsync(id, http, engine, store, c => new Extend(id, c.Actor, body.Approver, body.Reason, DurationOf(body)), ct)).RequireAuthorization(BpmRoles.Handler)
            .WithSummary("延长审批: extend the due date once, with the approver's approval on record");
        api.MapPost("/cases/{id:guid}/supervision-orders/{orderId:guid}/answer", (Guid id, Guid orderId, AnswerRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            RunOnCaseAsync(id, http, engine, store, c => new AnswerSupervision(id, orderId, c.Actor, body.Answer) { Kind = body.Kind ?? AnswerSupervision.Explanation }, ct)).RequireAuthorization(BpmRoles.Handler)
            .WithSummary("Answer a 督办 addressed to the caller's department");
        api.MapPost("/cases/{id:guid}/supervision-orders", (Guid id, SupervisionRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            RunOnCaseAsync(id, http, engine, store, c => new IssueSupervision(id, c.Actor, body.Department, body.Content)
            {
                NodeId = body.NodeId,
                AnswerWithin = body.AnswerWithinWorkingDays is { } days ? new Duration(days, TimeUnit.WorkingDay) : null,
            }, ct)).RequireAuthorization(BpmRoles.Supervisor)
            .WithSummary("督办: a supervisor opens a supervision order on a case, addressed to a department, with a response deadline");
        api.MapPost("/cases/{id:guid}/supervision-orders/{orderId:guid}/close", (Guid id, Guid orderId, CloseSupervisionRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            RunOnCaseAsync(id, http, engine, store, c => new CloseSupervision(id, orderId, c.Actor, body.Conclusion), ct)).RequireAuthorization(BpmRoles.Supervisor)
            .WithSummary("办结销号: a supervisor closes an open supervision order with its conclusion");
    }

    private static async Task<IResult> ApplyAsync(ApplyRequest body, HttpContext http, CaseEngine engine, QueryCodes codes, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.PowerCode)) throw ApiException.BadRequest("missing-power", "name the power to apply for (powerCode)");
        if (body.Applicant is null || string.IsNullOrWhiteSpace(body.Applicant.Id))
            throw ApiException.BadRequest("missing-applicant", "give the applicant's id (证件号码 or 统一社会信用代码) and name");
        var caller = Caller.From(http.User);
        var applicant = new Actor(body.Applicant.Id, string.IsNullOrWhiteSpace(body.Applicant.Name) ? body.Applicant.Id : body.Applicant.Name);
        var command = new Apply(body.PowerCode, applicant, body.Data ?? new JsonObject()) { Version = body.Version, IdempotencyKey = IdempotencyKey.Of(http, caller) };
        var result = await engine.ExecuteAsync(command, ct);
        return Results.Created($"/api/cases/{result.CaseId}", new ApplicationView(result, codes.For(result.CaseId)));
    }

    private static async Task<PageView<CaseRow>> ListAsync(
        HttpContext http, EngineStore store, string? power, string? department, CaseStatus? status, Light? light, string? applicant,
        int? page, int? pageSize, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.Is(BpmRoles.Supervisor))
        {
            // A handler lists their own department's cases only, whatever they ask for.
            if (department is not null && !caller.Covers(department))
                throw new ForbiddenException("other-department", $"{caller.Department} may not list the cases of {department}");
            department ??= caller.Department ?? throw new ForbiddenException("no-department", "a handler token without a department");
        }
        await using var db = store.CreateContext();
        var cases = await CaseList.QueryAsync(db, new CaseFilter(power, department, status, light, applicant, page, pageSize), ct);
        return new PageView<CaseRow>(cases.Items.Select(CaseRow.Of).ToList(), cases.Total, cases.Number, cases.Size);
    }

    private static async Task<CaseView> GetAsync(Guid id, bool? journal, HttpContext http, EngineStore store, CancellationToken ct)
    {
        await using var session = await store.OpenAsync(ct);
        var (snapshot, visits) = await CaseAccess.ReadAsync(session, id, Caller.From(http.User), ct);
        var entries = journal == false ? null : await session.LoadJournalAsync(id, ct);
        return CaseView.Of(snapshot, visits, entries);
    }

    private static async Task<Bpm.Engine.Journal.JournalVerification> VerifyAsync(Guid id, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct)
    {
        await CaseAccess.RequireAsync(store, id, Caller.From(http.User), ct);
        return await engine.VerifyJournalAsync(id, ct);
    }

    /// <summary>
    /// Withdrawal is the applicant's act: the handler registers it on their behalf, so the engine sees the applicant
    /// (and the journal names the handler who registered it).
    /// </summary>
    private static async Task<CommandResult> WithdrawAsync(Guid id, ReasonRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        Case @case;
        await using (var session = await store.OpenAsync(ct))
            @case = (await CaseAccess.ReadAsync(session, id, caller, ct)).Snapshot.Case;
        var applicant = new Actor(@case.ApplicantId, $"{@case.ApplicantName}（{caller.Name} 代为登记）");
        return await engine.ExecuteAsync(new Withdraw(id, applicant, body.Reason) { IdempotencyKey = IdempotencyKey.Of(http, caller) }, ct);
    }

    internal static async Task<CommandResult> RunOnCaseAsync(
        Guid id, HttpContext http, CaseEngine engine, EngineStore store, Func<Caller, CaseCommand> command, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        await CaseAccess.RequireAsync(store, id, caller, ct);
        return await engine.ExecuteAsync(command(caller) with { IdempotencyKey = IdempotencyKey.Of(http, caller) }, ct);
    }

    private static Duration DurationOf(ExtensionRequest body) =>
        Vocabulary.TimeUnits.TryParse(body.Unit, out var unit) && body.Value > 0
            ? new Duration(body.Value, unit)
            : throw ApiException.BadRequest("bad-duration", $"an extension is a positive value in {string.Join(" / ", Vocabulary.TimeUnits.All)}");
}

/// <summary>The Idempotency-Key header, scoped to the caller so two users' keys never collide.</summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    private const int MaxLength = 64;

    public static string? Of(HttpContext http, Caller caller)
    {
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrWhiteSpace(key)) return null;
        if (key.Length > MaxLength) throw ApiException.BadRequest("bad-idempotency-key", $"an Idempotency-Key has at most {MaxLength} characters");
        return $"{caller.Id}:{key}";
    }
}
