using Bpm.Engine;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Server.Security;
using Bpm.Storage;
using Bpm.Storage.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Server.Api;

public sealed record WebhookRequest(string? Url, string? Secret, string? Department, IReadOnlyList<string>? Kinds);

/// <summary>A subscription as the API shows it: never its secret. Counts are its deliveries by status.</summary>
public sealed record WebhookView(
    Guid Id, string Url, string? Department, IReadOnlyList<string>? Kinds, bool Active, string CreatedBy, DateTime CreatedAt,
    int Pending, int Delivered, int DeadLettered);

public sealed record DeliveryView(
    Guid Id, Guid SubscriptionId, Guid OutboxMessageId, string Kind, Guid CaseId, DeliveryStatus Status, int Attempts,
    DateTime NextAttemptAt, int? LastStatusCode, string? LastError, DateTime? DeliveredAt, DateTime CreatedAt);

public sealed record AttemptView(int Attempt, DateTime At, int? StatusCode, string? Error, long DurationMs);

public sealed record DeliveryDetail(DeliveryView Delivery, IReadOnlyList<AttemptView> Attempts);

public sealed record MessageView(
    Guid Id, Guid CaseId, string Department, string Kind, string Subject, string Body, DateTime CreatedAt, bool Read, DateTime? ReadAt);

/// <summary>A page of the in-app list, with how many of the list's messages the caller has not read.</summary>
public sealed record MessagePageView(IReadOnlyList<MessageView> Items, int Total, int Page, int PageSize, int Unread);

public sealed record ReadView(Guid Id, bool Read, DateTime ReadAt);

/// <summary>
/// Notification delivery: administrators manage webhook subscriptions and watch their deliveries; every signed-in
/// user reads the in-app messages of their own department (or of a unit below it, as <see cref="Caller.Covers"/>
/// says; supervisors read any department's) with their own read flags.
/// </summary>
public static class NotificationEndpoints
{
    private const int MinSecretLength = 16;
    private const int MaxSecretLength = 256;
    private const int MaxUrlLength = 2048;
    private const int MaxKindLength = 64;
    private const int MaxKinds = 50;

    public static void Map(RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").RequireAuthorization(BpmRoles.Administrator);
        webhooks.MapPost("", CreateAsync)
            .WithSummary("Subscribe a webhook: notices (optionally of one department, of some kinds) are POSTed to it, signed with HMAC-SHA256");
        webhooks.MapGet("", ListAsync).WithSummary("Webhook subscriptions, newest first, with their deliveries counted by status");
        webhooks.MapGet("/{id:guid}", GetAsync);
        webhooks.MapDelete("/{id:guid}", DeactivateAsync)
            .WithSummary("Deactivate a subscription: no new deliveries; its pending deliveries are dead-lettered");
        webhooks.MapGet("/{id:guid}/deliveries", DeliveriesAsync)
            .WithSummary("A subscription's deliveries, newest first (?status=pending|delivered|dead-lettered): attempts and the last error");
        webhooks.MapGet("/deliveries/{id:guid}", DeliveryAsync).WithSummary("One delivery with each of its attempts");
        webhooks.MapPost("/deliveries/{id:guid}/retry", RetryAsync)
            .WithSummary("Send a dead-lettered delivery again: pending, due now, with a fresh attempt budget");

        var messages = api.MapGroup("/messages").RequireAuthorization();
        messages.MapGet("", MessagesAsync)
            .WithSummary("站内消息: the caller's department's messages, newest first, with the caller's read flag (?unread=true, ?department=)");
        messages.MapPost("/{id:guid}/read", MarkReadAsync).WithSummary("Mark a message read for the caller (repeating it changes nothing)");
    }

    // ---------- webhooks ----------

    private static async Task<IResult> CreateAsync(WebhookRequest? body, HttpContext http, EngineStore store, TimeProvider time, CancellationToken ct)
    {
        if (body is null) throw ApiException.BadRequest("missing-body", "give the webhook as JSON: {url, secret, department?, kinds?}");
        var url = body.Url?.Trim();
        if (string.IsNullOrEmpty(url) || url.Length > MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            throw ApiException.BadRequest("invalid-url", $"url must be an absolute http or https URL of at most {MaxUrlLength} characters");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw ApiException.BadRequest("invalid-url", "url must not carry credentials; the signature authenticates the POST");
        if (body.Secret is not { } secret || secret.Length < MinSecretLength || secret.Length > MaxSecretLength || string.IsNullOrWhiteSpace(secret))
            throw ApiException.BadRequest("invalid-secret", $"secret must be {MinSecretLength} to {MaxSecretLength} characters");
        var department = string.IsNullOrWhiteSpace(body.Department) ? null : body.Department.Trim();
        if (department is { Length: > 256 }) throw ApiException.BadRequest("invalid-department", "department is at most 256 characters");
        var kinds = body.Kinds?.Select(k => k?.Trim() ?? "").ToList();
        if (kinds is not null)
        {
            if (kinds.Count > MaxKinds || kinds.Any(k => k.Length == 0 || k.Length > MaxKindLength || k.Contains(',')))
                throw ApiException.BadRequest("invalid-kinds", $"kinds is a list of at most {MaxKinds} notice kinds (e.g. case-overdue), each 1 to {MaxKindLength} characters without commas");
            kinds = kinds.Distinct(StringComparer.Ordinal).ToList();
        }

        var subscription = new WebhookSubscription
        {
            Id = Guid.CreateVersion7(), Url = uri.AbsoluteUri, Secret = secret, Department = department,
            Kinds = kinds is { Count: > 0 } ? string.Join(',', kinds) : null, Active = true,
            CreatedBy = Caller.From(http.User).Id, CreatedAt = CaseEngine.Truncate(time.GetUtcNow().UtcDateTime),
        };
        await using var db = store.CreateContext();
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        return Results.Created($"/api/webhooks/{subscription.Id}", ViewOf(subscription, []));
    }

    private static async Task<IReadOnlyList<WebhookView>> ListAsync(EngineStore store, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).ToListAsync(ct);
        var counts = await CountsAsync(db, null, ct);
        return subscriptions.Select(s => ViewOf(s, counts.Where(c => c.Subscription == s.Id).ToList())).ToList();
    }

    private static async Task<WebhookView> GetAsync(Guid id, EngineStore store, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var subscription = await FindAsync(db, id, ct);
        return ViewOf(subscription, await CountsAsync(db, id, ct));
    }

    private static async Task<IResult> DeactivateAsync(Guid id, EngineStore store, TimeProvider time, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        await FindAsync(db, id, ct);
        var now = CaseEngine.Truncate(time.GetUtcNow().UtcDateTime);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.WebhookSubscriptions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Active, false), ct);
        // Pending deliveries have nowhere to go now; one in flight finishes its attempt (the dispatcher's record of it
        // no longer matches and is dropped) and the row stays dead-lettered.
        await db.WebhookDeliveries.Where(d => d.SubscriptionId == id && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.DeadLettered)
                .SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.LastError, "the subscription was deactivated"), ct);
        await transaction.CommitAsync(ct);
        return Results.NoContent();
    }

    private static async Task<PageView<DeliveryView>> DeliveriesAsync(
        Guid id, string? status, int? page, int? pageSize, EngineStore store, CancellationToken ct)
    {
        DeliveryStatus? wanted = null;
        if (status is not null)
            wanted = Enum.TryParse<DeliveryStatus>(status.Replace("-", ""), ignoreCase: true, out var parsed) && !int.TryParse(status, out _)
                ? parsed
                : throw ApiException.BadRequest("invalid-status", "status is one of pending, delivered, dead-lettered");
        await using var db = store.CreateContext();
        await FindAsync(db, id, ct);
        var (number, size) = Page<DeliveryView>.Clamp(page, pageSize);
        var deliveries = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id);
        if (wanted is { } only) deliveries = deliveries.Where(d => d.Status == only);
        var total = await deliveries.CountAsync(ct);
        var rows = await DeliveryRows(db, deliveries.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip((number - 1) * size).Take(size))
            .ToListAsync(ct);
        return new PageView<DeliveryView>(rows, total, number, size);
    }

    private static async Task<DeliveryDetail> DeliveryAsync(Guid id, EngineStore store, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var delivery = await DeliveryRows(db, db.WebhookDeliveries.AsNoTracking().Where(d => d.Id == id)).FirstOrDefaultAsync(ct)
            ?? throw ApiException.NotFound("delivery-not-found", $"no webhook delivery {id}");
        var attempts = await db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == id).OrderBy(a => a.At).ThenBy(a => a.Id)
            .Select(a => new AttemptView(a.Attempt, a.At, a.StatusCode, a.Error, a.DurationMs)).ToListAsync(ct);
        return new DeliveryDetail(delivery, attempts);
    }

    private static async Task<DeliveryView> RetryAsync(Guid id, EngineStore store, TimeProvider time, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var delivery = await DeliveryRows(db, db.WebhookDeliveries.AsNoTracking().Where(d => d.Id == id)).FirstOrDefaultAsync(ct)
            ?? throw ApiException.NotFound("delivery-not-found", $"no webhook delivery {id}");
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == delivery.SubscriptionId && s.Active, ct))
            throw new ApiException(StatusCodes.Status409Conflict, "subscription-inactive", "the delivery's subscription was deactivated; subscribe the webhook again");
        var now = CaseEngine.Truncate(time.GetUtcNow().UtcDateTime);
        var retried = await db.WebhookDeliveries.Where(d => d.Id == id && d.Status == DeliveryStatus.DeadLettered)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Pending)
                .SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.NextAttemptAt, now), ct);
        if (retried == 0)
            throw new ApiException(StatusCodes.Status409Conflict, "not-dead-lettered", $"delivery {id} is {KebabCase(delivery.Status)}; only a dead-lettered delivery is retried by hand");
        // As the retry left it (the dispatcher may be sending it already).
        return delivery with { Status = DeliveryStatus.Pending, Attempts = 0, NextAttemptAt = now };
    }

    private static async Task<WebhookSubscription> FindAsync(BpmDbContext db, Guid id, CancellationToken ct) =>
        await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct)
        ?? throw ApiException.NotFound("webhook-not-found", $"no webhook subscription {id}");

    private sealed record StatusCount(Guid Subscription, DeliveryStatus Status, int Count);

    private static async Task<List<StatusCount>> CountsAsync(BpmDbContext db, Guid? subscription, CancellationToken ct)
    {
        var deliveries = db.WebhookDeliveries.AsNoTracking();
        if (subscription is { } id) deliveries = deliveries.Where(d => d.SubscriptionId == id);
        return await deliveries.GroupBy(d => new { d.SubscriptionId, d.Status })
            .Select(g => new StatusCount(g.Key.SubscriptionId, g.Key.Status, g.Count())).ToListAsync(ct);
    }

    private static WebhookView ViewOf(WebhookSubscription s, IReadOnlyCollection<StatusCount> counts)
    {
        int Count(DeliveryStatus status) => counts.Where(c => c.Status == status).Sum(c => c.Count);
        return new WebhookView(s.Id, s.Url, s.Department, s.KindList, s.Active, s.CreatedBy, s.CreatedAt,
            Count(DeliveryStatus.Pending), Count(DeliveryStatus.Delivered), Count(DeliveryStatus.DeadLettered));
    }

    private static IQueryable<DeliveryView> DeliveryRows(BpmDbContext db, IQueryable<WebhookDelivery> deliveries) =>
        from d in deliveries
        join m in db.OutboxMessages.AsNoTracking() on d.OutboxMessageId equals m.Id
        select new DeliveryView(d.Id, d.SubscriptionId, d.OutboxMessageId, m.Kind, m.CaseId, d.Status, d.Attempts, d.NextAttemptAt,
            d.LastStatusCode, d.LastError, d.DeliveredAt, d.CreatedAt);

    private static string KebabCase(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Delivered => "delivered",
        _ => "dead-lettered",
    };

    // ---------- in-app messages ----------

    private static async Task<MessagePageView> MessagesAsync(
        HttpContext http, EngineStore store, bool? unread, string? department, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (department is not null)
        {
            if (!caller.Covers(department) && !caller.Is(BpmRoles.Supervisor))
                throw new ForbiddenException("other-department", $"{caller.Department} may not read the messages of {department}");
        }
        else if (caller.Department is { Length: > 0 } own) department = own;
        else if (!caller.IsAdministrator)
            throw new ForbiddenException("no-department", "messages are addressed to departments; this token names none (ask with ?department=)");
        // An administrator without a department and without ?department= reads every department's messages.

        var userId = caller.Id;
        var (number, size) = Page<MessageView>.Clamp(page, pageSize);
        await using var db = store.CreateContext();
        var all = db.UserMessages.AsNoTracking();
        if (department is not null) all = all.Where(m => m.Department == department);
        var notRead = all.Where(m => !db.MessageReads.Any(r => r.MessageId == m.Id && r.UserId == userId));
        var list = unread == true ? notRead : all;
        var total = await list.CountAsync(ct);
        var unreadCount = unread == true ? total : await notRead.CountAsync(ct);
        var rows = await list
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Skip((number - 1) * size).Take(size)
            .Select(m => new
            {
                Message = m,
                ReadAt = db.MessageReads.Where(r => r.MessageId == m.Id && r.UserId == userId).Select(r => (DateTime?)r.ReadAt).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new MessageView(r.Message.Id, r.Message.CaseId, r.Message.Department, r.Message.Kind, r.Message.Subject,
            r.Message.Body, r.Message.CreatedAt, r.ReadAt is not null, r.ReadAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null)).ToList();
        return new MessagePageView(items, total, number, size, unreadCount);
    }

    private static async Task<ReadView> MarkReadAsync(Guid id, HttpContext http, EngineStore store, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        await using var db = store.CreateContext();
        var message = await db.UserMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct)
            ?? throw new NotFoundException("message", $"no message {id}");
        if (!caller.Covers(message.Department) && !caller.Is(BpmRoles.Supervisor))
            throw new ForbiddenException("other-department", $"the message is addressed to {message.Department}, not {caller.Department}");
        if (await db.MessageReads.AsNoTracking().FirstOrDefaultAsync(r => r.MessageId == id && r.UserId == caller.Id, ct) is { } earlier)
            return new ReadView(id, true, earlier.ReadAt);
        var read = new MessageRead { MessageId = id, UserId = caller.Id, ReadAt = CaseEngine.Truncate(time.GetUtcNow().UtcDateTime) };
        db.MessageReads.Add(read);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same user marked it at the same moment from elsewhere: it is read, with that request's time.
            db.ChangeTracker.Clear();
            if (await db.MessageReads.AsNoTracking().FirstOrDefaultAsync(r => r.MessageId == id && r.UserId == caller.Id, ct) is { } other)
                return new ReadView(id, true, other.ReadAt);
            throw;
        }
        return new ReadView(id, true, read.ReadAt);
    }
}
