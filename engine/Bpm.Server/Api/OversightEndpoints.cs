using Bpm.Definitions.Model;
using Bpm.Engine;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Bpm.Server.Security;
using Bpm.Storage;
using Bpm.Storage.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Server.Api;

public sealed record OrderAnswerRequest(string Answer, string? Kind);
public sealed record OrderReturnRequest(string Reason, int? AnswerWithinWorkingDays);
public sealed record RatingRequest(string Stage, int Score, string? Text, string? Channel, string? QueryCode);
public sealed record RectifyRequest(string Rectification, string Revisit);
public sealed record ComplaintRequest(Guid? CaseId, string? Department, string Complainant, string? Contact, string Content);
public sealed record FeeRequest(string Name, decimal Amount, string Payer, string? Basis);

public sealed record SupervisionOrderView(
    Guid Id, Guid CaseId, string No, string Rule, Light Level, string Department, string Supervisor, string? NodeId, string Content,
    SupervisionStatus Status, DateTime IssuedAt, DateTime ResponseDue, DateTime? SignedAt, string? SignedBy, DateTime? AnsweredAt,
    string? AnswerKind, string? Answer, int Returns, DateTime? EscalatedAt, DateTime? ClosedAt, string? Conclusion, DateTime StatusAt, Guid? RuleHitId)
{
    public static SupervisionOrderView Of(SupervisionOrder o) => new(
        o.Id, o.CaseId, o.No, o.Rule, o.Level, o.Department, o.Supervisor, o.NodeId, o.Content, o.Status, o.IssuedAt, o.ResponseDue,
        o.SignedAt, o.SignedBy, o.AnsweredAt, o.AnswerKind, o.Answer, o.Returns, o.EscalatedAt, o.ClosedAt, o.Conclusion, o.StatusAt, o.RuleHitId);
}

public sealed record RuleHitView(Guid Id, Guid CaseId, string PowerCode, string Rule, string RuleName, Light Level, string? NodeId, string Department, string Detail, string Actor, DateTime At, Guid? OrderId);

public sealed record RatingView(
    Guid Id, Guid CaseId, RatingStage Stage, int Score, string? Text, string Channel, DateTime RatedAt, string Department,
    RectificationStatus Rectification, DateTime? RectifyDue, Light RectifyLight, DateTime? RectifiedAt, string? RectificationText, string? Revisit)
{
    public static RatingView Of(Rating r) => new(r.Id, r.CaseId, r.Stage, r.Score, r.Text, r.Channel, r.RatedAt, r.Department,
        r.Rectification, r.RectifyDue, r.RectifyLight, r.RectifiedAt, r.RectificationText, r.Revisit);
}

public sealed record ComplaintView(Guid Id, Guid? CaseId, string Department, string Complainant, string? Contact, string Content, string RoutedTo, DateTime ReceivedAt);

/// <summary>
/// 电子监察 oversight under /api/supervision: 督办 orders (list for supervisors and for the addressed department, sign,
/// answer, return, close), 预警纠错 rule hits, department scores, 好差评 ratings with their 差评整改 and complaints; and, on a
/// case, the applicant's rating and recorded fees. The node-timing analytics and the light board live elsewhere.
/// </summary>
public static class OversightEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var supervision = api.MapGroup("/supervision");
        supervision.MapGet("/orders", OrdersAsync).RequireAuthorization(BpmPolicies.CaseReader)
            .WithSummary("督办 orders, newest first: supervisors see all (?department=); a handler sees those addressed to their department. ?status=, ?caseId=");
        supervision.MapGet("/orders/{id:guid}", OrderAsync).RequireAuthorization(BpmPolicies.CaseReader);
        supervision.MapPost("/orders/{id:guid}/sign", (Guid id, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            OnOrderAsync(id, http, engine, store, (o, c) => new SignSupervision(o.CaseId, id, c.Actor), ct)).RequireAuthorization(BpmRoles.Handler)
            .WithSummary("签收: the addressed department signs for the order");
        supervision.MapPost("/orders/{id:guid}/answer", (Guid id, OrderAnswerRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            OnOrderAsync(id, http, engine, store, (o, c) => new AnswerSupervision(o.CaseId, id, c.Actor, body.Answer) { Kind = body.Kind ?? AnswerSupervision.Explanation }, ct))
            .RequireAuthorization(BpmRoles.Handler).WithSummary("反馈: the addressed department answers with 说明 (explanation) or 整改 (rectification)");
        supervision.MapPost("/orders/{id:guid}/return", (Guid id, OrderReturnRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            OnOrderAsync(id, http, engine, store, (o, c) => new ReturnSupervision(o.CaseId, id, c.Actor, body.Reason)
            {
                AnswerWithin = body.AnswerWithinWorkingDays is { } days ? new Duration(days, TimeUnit.WorkingDay) : null,
            }, ct)).RequireAuthorization(BpmRoles.Supervisor).WithSummary("退回重办: back to the department with a new deadline");
        supervision.MapPost("/orders/{id:guid}/close", (Guid id, CloseSupervisionRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            OnOrderAsync(id, http, engine, store, (o, c) => new CloseSupervision(o.CaseId, id, c.Actor, body.Conclusion), ct))
            .RequireAuthorization(BpmRoles.Supervisor).WithSummary("审核通过结案: the supervisor accepts and closes the order with a conclusion");

        supervision.MapGet("/rule-hits", RuleHitsAsync).RequireAuthorization(BpmRoles.Supervisor)
            .WithSummary("预警纠错 rule hits, newest first; ?rule=, ?department=, ?caseId=, ?from=&to= (UTC)");
        supervision.MapGet("/scores", ScoresAsync).RequireAuthorization(BpmPolicies.CaseReader)
            .WithSummary("Department scores of a quarter (?quarter=2026-Q4, default the current one; ?department=): points with the events behind each deduction, score and grade; a handler sees their own department's");
        supervision.MapGet("/ratings", RatingsAsync).RequireAuthorization(BpmPolicies.CaseReader)
            .WithSummary("好差评 ratings, newest first; ?bad=true for 差评 only, ?rectification=open|overdue|done; a handler sees their department's");
        supervision.MapPost("/ratings/{id:guid}/rectify", RectifyAsync).RequireAuthorization(BpmRoles.Handler)
            .WithSummary("差评整改: the department records what it rectified and the applicant's answer on the call back (回访)");
        supervision.MapPost("/complaints", ComplainAsync).RequireAuthorization(BpmPolicies.CaseReader)
            .WithSummary("投诉: record a complaint against a case or a department; it is routed to the supervising body");
        supervision.MapGet("/complaints", ComplaintsAsync).RequireAuthorization(BpmRoles.Supervisor).WithSummary("Complaints, newest first; ?department=");

        api.MapPost("/cases/{id:guid}/ratings", RateAsync).AllowAnonymous()
            .WithSummary("好差评: the applicant rates the case after 受理 or 办结 (stage accepted|completed, score 1–5), with the query code from the application");
        api.MapPost("/cases/{id:guid}/fees", (Guid id, FeeRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct) =>
            CaseEndpoints.RunOnCaseAsync(id, http, engine, store, c => new RecordFee(id, c.Actor, body.Name, body.Amount, body.Payer) { Basis = body.Basis }, ct))
            .RequireAuthorization(BpmRoles.Handler).WithSummary("收费: record a fee charged on the case (a charge the catalog does not allow is a 预警纠错 hit)");
    }

    // ---------- 督办 ----------

    private static async Task<PageView<SupervisionOrderView>> OrdersAsync(
        HttpContext http, EngineStore store, string? department, SupervisionStatus? status, Guid? caseId, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        await using var db = store.CreateContext();
        var orders = db.SupervisionOrders.AsNoTracking();
        if (!caller.Is(BpmRoles.Supervisor))
        {
            var mine = caller.Department is { Length: > 0 } d ? d : throw new ForbiddenException("no-department", "a handler token without a department");
            if (department is not null && !caller.Covers(department))
                throw new ForbiddenException("other-department", $"{mine} may not list the orders of {department}");
            orders = orders.Where(o => o.Department.StartsWith(mine));
        }
        if (department is not null) orders = orders.Where(o => o.Department == department);
        if (status is { } s) orders = orders.Where(o => o.Status == s);
        if (caseId is { } id) orders = orders.Where(o => o.CaseId == id);
        var (number, size) = Page<SupervisionOrderView>.Clamp(page, pageSize);
        var total = await orders.CountAsync(ct);
        var rows = await orders.OrderByDescending(o => o.IssuedAt).ThenByDescending(o => o.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return new PageView<SupervisionOrderView>(rows.Select(SupervisionOrderView.Of).ToList(), total, number, size);
    }

    private static async Task<SupervisionOrderView> OrderAsync(Guid id, HttpContext http, EngineStore store, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var order = await FindOrderAsync(db, id, Caller.From(http.User), ct);
        return SupervisionOrderView.Of(order);
    }

    /// <summary>The order, if the caller may see it: supervisors any, a handler one addressed to their department.</summary>
    private static async Task<SupervisionOrder> FindOrderAsync(BpmDbContext db, Guid id, Caller caller, CancellationToken ct)
    {
        var order = await db.SupervisionOrders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct)
            ?? throw ApiException.NotFound("order-not-found", $"no supervision order {id}");
        if (!caller.Is(BpmRoles.Supervisor) && !caller.Covers(order.Department))
            throw new ForbiddenException("other-department", $"supervision order {order.No} is addressed to {order.Department}");
        return order;
    }

    private static async Task<CommandResult> OnOrderAsync(
        Guid id, HttpContext http, CaseEngine engine, EngineStore store, Func<SupervisionOrder, Caller, CaseCommand> command, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        SupervisionOrder order;
        await using (var db = store.CreateContext())
            order = await FindOrderAsync(db, id, caller, ct);
        return await engine.ExecuteAsync(command(order, caller) with { IdempotencyKey = IdempotencyKey.Of(http, caller) }, ct);
    }

    // ---------- 预警纠错, scores ----------

    private static async Task<PageView<RuleHitView>> RuleHitsAsync(
        EngineStore store, CaseEngine engine, string? rule, string? department, Guid? caseId, DateTime? from, DateTime? to, int? page, int? pageSize, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var hits = db.RuleHits.AsNoTracking();
        if (rule is not null) hits = hits.Where(h => h.Rule == rule);
        if (department is not null) hits = hits.Where(h => h.Department == department);
        if (caseId is { } id) hits = hits.Where(h => h.CaseId == id);
        if (from is { } f) hits = hits.Where(h => h.At >= f.ToUniversalTime());
        if (to is { } t) hits = hits.Where(h => h.At < t.ToUniversalTime());
        var (number, size) = Page<RuleHitView>.Clamp(page, pageSize);
        var total = await hits.CountAsync(ct);
        var rows = await hits.OrderByDescending(h => h.At).ThenByDescending(h => h.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        var names = Policy(engine).RuleHits;
        return new PageView<RuleHitView>(rows.Select(h => new RuleHitView(
            h.Id, h.CaseId, h.PowerCode, h.Rule, names.GetValueOrDefault(h.Rule)?.Name ?? h.Rule, h.Level, h.NodeId, h.Department, h.Detail, h.Actor, h.At, h.OrderId)).ToList(),
            total, number, size);
    }

    private static async Task<IReadOnlyList<DepartmentScore>> ScoresAsync(
        HttpContext http, EngineStore store, CaseEngine engine, string? quarter, string? department, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.Is(BpmRoles.Supervisor))
        {
            var mine = caller.Department is { Length: > 0 } d ? d : throw new ForbiddenException("no-department", "a handler token without a department");
            if (department is not null && department != mine)
                throw new ForbiddenException("other-department", $"{mine} may read its own score, not that of {department}");
            department = mine;
        }
        Quarter wanted;
        if (quarter is null) wanted = Quarter.Of(TimeZoneInfo.ConvertTimeFromUtc(engine.Now(), CaseNumber.China));
        else if (!Quarter.TryParse(quarter, out wanted))
            throw ApiException.BadRequest("bad-quarter", $"quarter is written like 2026-Q4, not '{quarter}'");
        await using var db = store.CreateContext();
        return await DepartmentScores.QueryAsync(db, wanted, string.IsNullOrWhiteSpace(department) ? null : department, Policy(engine).Grades, ct);
    }

    private static SupervisionPolicy Policy(CaseEngine engine) => engine.Services.Time?.Policy ?? new SupervisionPolicy();

    // ---------- 好差评, complaints, fees ----------

    private static async Task<IResult> RateAsync(Guid id, RatingRequest body, HttpContext http, CaseEngine engine, EngineStore store, QueryCodes codes, CancellationToken ct)
    {
        var stage = body.Stage?.ToLowerInvariant() switch
        {
            "accepted" or "受理" => RatingStage.Accepted,
            "completed" or "办结" => RatingStage.Completed,
            _ => throw ApiException.BadRequest("bad-stage", "stage is accepted (after 受理) or completed (after 办结)"),
        };
        // The applicant proves who they are with the query code they got at application; a wrong code and an unknown
        // case get the same answer.
        Case? @case;
        await using (var db = store.CreateContext())
            @case = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (@case is null || !codes.Matches(id, body.QueryCode))
            throw ApiException.NotFound("case-not-found", "no case with this id and query code");
        var applicant = new Actor(@case.ApplicantId, @case.ApplicantName);
        var key = http.Request.Headers[IdempotencyKey.Header].ToString();
        await engine.ExecuteAsync(new RateCase(id, applicant, stage, body.Score, body.Text, body.Channel ?? "pc")
        {
            IdempotencyKey = string.IsNullOrWhiteSpace(key) ? null : $"rate:{id}:{key}",
        }, ct);
        await using var read = store.CreateContext();
        var rating = await read.Ratings.AsNoTracking().SingleAsync(r => r.CaseId == id && r.Stage == stage, ct);
        return Results.Created($"/api/supervision/ratings?caseId={id}", RatingView.Of(rating));
    }

    private static async Task<PageView<RatingView>> RatingsAsync(
        HttpContext http, EngineStore store, bool? bad, RectificationStatus? rectification, Guid? caseId, string? department, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        await using var db = store.CreateContext();
        var ratings = db.Ratings.AsNoTracking();
        if (!caller.Is(BpmRoles.Supervisor))
        {
            var mine = caller.Department is { Length: > 0 } d ? d : throw new ForbiddenException("no-department", "a handler token without a department");
            ratings = ratings.Where(r => r.Department.StartsWith(mine));
        }
        if (department is not null) ratings = ratings.Where(r => r.Department == department);
        if (bad == true) ratings = ratings.Where(r => r.Score <= 2);
        if (rectification is { } status) ratings = ratings.Where(r => r.Rectification == status);
        if (caseId is { } id) ratings = ratings.Where(r => r.CaseId == id);
        var (number, size) = Page<RatingView>.Clamp(page, pageSize);
        var total = await ratings.CountAsync(ct);
        var rows = await ratings.OrderByDescending(r => r.RatedAt).ThenByDescending(r => r.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return new PageView<RatingView>(rows.Select(RatingView.Of).ToList(), total, number, size);
    }

    private static async Task<RatingView> RectifyAsync(Guid id, RectifyRequest body, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        Rating rating;
        await using (var db = store.CreateContext())
            rating = await db.Ratings.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw ApiException.NotFound("rating-not-found", $"no rating {id}");
        await engine.ExecuteAsync(new RectifyRating(rating.CaseId, id, caller.Actor, body.Rectification, body.Revisit) { IdempotencyKey = IdempotencyKey.Of(http, caller) }, ct);
        await using var read = store.CreateContext();
        return RatingView.Of(await read.Ratings.AsNoTracking().SingleAsync(r => r.Id == id, ct));
    }

    private static async Task<IResult> ComplainAsync(ComplaintRequest body, HttpContext http, CaseEngine engine, EngineStore store, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (string.IsNullOrWhiteSpace(body.Complainant) || string.IsNullOrWhiteSpace(body.Content))
            throw ApiException.BadRequest("complaint-incomplete", "a complaint names the complainant and what it is about");
        if (body.CaseId is { } caseId)
        {
            await engine.ExecuteAsync(new FileComplaint(caseId, caller.Actor, body.Complainant, body.Content)
            {
                Contact = body.Contact, Department = body.Department, IdempotencyKey = IdempotencyKey.Of(http, caller),
            }, ct);
            await using var read = store.CreateContext();
            var filed = await read.Complaints.AsNoTracking().Where(c => c.CaseId == caseId).OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.Id).FirstAsync(ct);
            return Results.Created($"/api/supervision/complaints/{filed.Id}", ViewOf(filed));
        }
        if (string.IsNullOrWhiteSpace(body.Department))
            throw ApiException.BadRequest("complaint-incomplete", "a complaint is about a case (caseId) or a department (department)");
        // No case, so no case journal: the complaint and its routing notice are written together in one transaction.
        var supervisor = Policy(engine).Supervisor;
        var now = CaseEngine.Truncate(time.GetUtcNow().UtcDateTime);
        var complaint = new Complaint
        {
            Id = Guid.CreateVersion7(), Department = body.Department.Trim(), Complainant = body.Complainant.Trim(), Contact = body.Contact,
            Content = body.Content.Trim(), RoutedTo = supervisor, ReceivedBy = caller.Id, ReceivedAt = now,
        };
        await using var db = store.CreateContext();
        db.Complaints.Add(complaint);
        db.OutboxMessages.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(), CaseId = Guid.Empty, Kind = "complaint", Recipient = supervisor, Subject = "投诉转办",
            Body = $"{supervisor}：收到对{complaint.Department}的投诉（投诉人{complaint.Complainant}）：{complaint.Content}", CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        return Results.Created($"/api/supervision/complaints/{complaint.Id}", ViewOf(complaint));
    }

    private static async Task<PageView<ComplaintView>> ComplaintsAsync(EngineStore store, string? department, int? page, int? pageSize, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var complaints = db.Complaints.AsNoTracking();
        if (department is not null) complaints = complaints.Where(c => c.Department == department);
        var (number, size) = Page<ComplaintView>.Clamp(page, pageSize);
        var total = await complaints.CountAsync(ct);
        var rows = await complaints.OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return new PageView<ComplaintView>(rows.Select(ViewOf).ToList(), total, number, size);
    }

    private static ComplaintView ViewOf(Complaint c) => new(c.Id, c.CaseId, c.Department, c.Complainant, c.Contact, c.Content, c.RoutedTo, c.ReceivedAt);
}
