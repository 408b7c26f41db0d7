using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Bpm.Engine;
using Bpm.Engine.State;
using Bpm.Server.Api;
using Bpm.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bpm.Server.Notifications;

/// <summary>
/// What one pass of the sender did: POSTs attempted and how they ended (a failure that used up the attempts counts as
/// dead-lettered, not failed). <see cref="DeadLettered"/> also counts deliveries dropped unsent because their
/// subscription was deactivated.
/// </summary>
public sealed record SendSummary(int Attempted, int Delivered, int Failed, int DeadLettered)
{
    public static readonly SendSummary None = new(0, 0, 0, 0);
}

/// <summary>The payload of a webhook POST (camelCase JSON).</summary>
public sealed record WebhookPayload(Guid Id, string Kind, Guid CaseId, string Recipient, string Subject, string Body, DateTime CreatedAt);

/// <summary>
/// Delivers the engine's outbox, outside any engine command: a webhook that is down or slow costs this background
/// service time, never a command. Two loops run side by side:
/// <list type="bullet">
/// <item><b>Fan-out.</b> Each outbox message not yet dispatched (<c>sent_at IS NULL</c>) becomes, in one transaction
/// with setting its <c>sent_at</c>, one in-app message for the department it is addressed to and one delivery per
/// matching active webhook subscription. The <c>UPDATE … WHERE sent_at IS NULL</c> is the claim: of several
/// dispatchers (several server processes) exactly one fans a message out; the unique indexes back that up.</item>
/// <item><b>Sending.</b> Each due delivery (<c>status = 'Pending' AND next_attempt_at &lt;= now</c>) is claimed with an
/// optimistic <c>UPDATE … WHERE next_attempt_at = @seen AND attempts = @seen</c> that moves <c>next_attempt_at</c> to
/// the end of a lease, POSTed (signed, with a short timeout) and its outcome written back under the same check:
/// a 2xx delivers it, anything else schedules the next attempt with exponential backoff and jitter, and the last
/// allowed failure dead-letters it. Every attempt is kept in <c>webhook_attempts</c>. A process that dies mid-send
/// leaves the delivery to be sent again once the lease ends: at least once, never twice at the same time.</item>
/// </list>
/// Times come from the <see cref="TimeProvider"/> (tests move a manual clock); the pause between passes is real time.
/// </summary>
public sealed class NotificationDispatcher(
    EngineStore store, IHttpClientFactory httpClients, NotificationOptions options, TimeProvider time, ILogger<NotificationDispatcher> logger)
    : BackgroundService
{
    /// <summary>The named client the POSTs go through (configured by <see cref="NotificationServiceCollectionExtensions.AddNotifications"/>).</summary>
    public const string HttpClientName = "bpm-webhooks";

    private const int MaxErrorLength = 1000;

    public NotificationOptions Options => options;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(LoopAsync("fan-out", FanOutAsync, stoppingToken), LoopAsync("send", async ct => (await SendDueAsync(ct)).Attempted, stoppingToken));

    private async Task LoopAsync(string name, Func<CancellationToken, Task<int>> pass, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var done = 0;
            try
            {
                done = await pass(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "notifications: the {Pass} pass failed; trying again in {Interval}", name, options.Interval);
            }
            // A full batch means there is more waiting: carry on at once.
            if (done >= options.BatchSize) continue;
            try
            {
                await Task.Delay(options.Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Both passes once, fan-out first (what the hosted loops do continuously); for tests and tools.</summary>
    public async Task<SendSummary> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await FanOutAsync(cancellationToken);
        return await SendDueAsync(cancellationToken);
    }

    private DateTime Now() => CaseEngine.Truncate(time.GetUtcNow().UtcDateTime);

    // ---------- fan-out ----------

    /// <summary>Fans out up to one batch of undispatched outbox messages, oldest first; returns how many this call did.</summary>
    public async Task<int> FanOutAsync(CancellationToken cancellationToken = default)
    {
        await using var db = store.CreateContext();
        var batch = options.BatchSize;
        var pending = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.SentAt == null)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .Take(batch)
            .ToListAsync(cancellationToken);
        if (pending.Count == 0) return 0;
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Active).ToListAsync(cancellationToken);

        var now = Now();
        var done = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var message in pending)
        {
            // The claim: rows are taken in one order (created_at, id) by every dispatcher, so they queue, not deadlock.
            DateTime? dispatched = now;
            var claimed = await db.OutboxMessages
                .Where(m => m.Id == message.Id && m.SentAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, dispatched), cancellationToken);
            if (claimed == 0) continue; // another dispatcher fanned it out meanwhile
            done++;
            db.UserMessages.Add(new UserMessage
            {
                Id = Guid.CreateVersion7(), OutboxMessageId = message.Id, Department = message.Recipient, CaseId = message.CaseId,
                Kind = message.Kind, Subject = message.Subject, Body = message.Body, CreatedAt = message.CreatedAt,
            });
            foreach (var subscription in subscriptions.Where(s => s.Matches(message)))
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    Id = Guid.CreateVersion7(), SubscriptionId = subscription.Id, OutboxMessageId = message.Id, Status = DeliveryStatus.Pending,
                    Attempts = 0, NextAttemptAt = now, CreatedAt = now,
                });
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (done > 0) logger.LogDebug("notifications: fanned out {Count} outbox message(s)", done);
        return done;
    }

    // ---------- sending ----------

    /// <summary>Sends up to one batch of due deliveries, several at once; returns what became of them.</summary>
    public async Task<SendSummary> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        List<WebhookDelivery> due;
        Dictionary<Guid, WebhookSubscription> subscriptions;
        Dictionary<Guid, OutboxMessage> messages;
        await using (var db = store.CreateContext())
        {
            due = await db.WebhookDeliveries.AsNoTracking()
                .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)
                .Take(options.BatchSize)
                .ToListAsync(cancellationToken);
            if (due.Count == 0) return SendSummary.None;
            var subscriptionIds = due.Select(d => d.SubscriptionId).Distinct().ToList();
            var messageIds = due.Select(d => d.OutboxMessageId).Distinct().ToList();
            subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
            messages = await db.OutboxMessages.AsNoTracking().Where(m => messageIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        }

        int attempted = 0, delivered = 0, failed = 0, deadLettered = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (delivery, ct) =>
            {
                var outcome = await SendOneAsync(delivery, subscriptions.GetValueOrDefault(delivery.SubscriptionId),
                    messages.GetValueOrDefault(delivery.OutboxMessageId), ct);
                switch (outcome)
                {
                    case Outcome.Delivered: Interlocked.Increment(ref attempted); Interlocked.Increment(ref delivered); break;
                    case Outcome.Failed: Interlocked.Increment(ref attempted); Interlocked.Increment(ref failed); break;
                    case Outcome.DeadLettered: Interlocked.Increment(ref attempted); Interlocked.Increment(ref deadLettered); break;
                    case Outcome.Dropped: Interlocked.Increment(ref deadLettered); break;
                }
            });
        return new SendSummary(attempted, delivered, failed, deadLettered);
    }

    private enum Outcome { NotClaimed, Delivered, Failed, DeadLettered, Dropped }

    private async Task<Outcome> SendOneAsync(WebhookDelivery seen, WebhookSubscription? subscription, OutboxMessage? message, CancellationToken ct)
    {
        // Claim: push next_attempt_at to the lease's end, provided nobody changed the row since we read it.
        var lease = Now() + options.Lease;
        await using (var db = store.CreateContext())
        {
            var claimed = await db.WebhookDeliveries
                .Where(d => d.Id == seen.Id && d.Status == DeliveryStatus.Pending && d.NextAttemptAt == seen.NextAttemptAt && d.Attempts == seen.Attempts)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, lease), ct);
            if (claimed == 0) return Outcome.NotClaimed;
        }

        if (subscription is not { Active: true } || message is null)
        {
            // Deactivated (or gone) since the delivery was made: nothing to send it to.
            var reason = message is null ? "the outbox message no longer exists" : "the subscription was deactivated";
            await using var db = store.CreateContext();
            var now = Now();
            await Claimed(db, seen, lease).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.DeadLettered)
                .SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.LastError, reason), ct);
            return Outcome.Dropped;
        }

        var attempt = seen.Attempts + 1;
        var clock = Stopwatch.StartNew();
        var (status, error) = await PostAsync(seen, subscription, message, ct);
        clock.Stop();
        var at = Now();
        var success = status is >= 200 and < 300;
        var dead = !success && attempt >= options.MaxAttempts;
        DateTime? deliveredAt = success ? at : null;
        var next = success || dead ? at : at + Backoff(attempt);
        var newStatus = success ? DeliveryStatus.Delivered : dead ? DeliveryStatus.DeadLettered : DeliveryStatus.Pending;

        await using (var db = store.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.WebhookAttempts.Add(new WebhookAttempt
            {
                Id = Guid.CreateVersion7(), DeliveryId = seen.Id, Attempt = attempt, At = at, StatusCode = status, Error = error,
                DurationMs = (long)clock.Elapsed.TotalMilliseconds,
            });
            await db.SaveChangesAsync(ct);
            var recorded = await Claimed(db, seen, lease).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, newStatus)
                .SetProperty(d => d.Attempts, attempt)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.LastStatusCode, status)
                .SetProperty(d => d.LastError, error)
                .SetProperty(d => d.DeliveredAt, deliveredAt), ct);
            await transaction.CommitAsync(ct);
            if (recorded == 0)
                logger.LogWarning(
                    "notifications: delivery {Delivery} changed while attempt {Attempt} was in flight (its subscription was deactivated, or the lease ran out); the attempt stays in its history only",
                    seen.Id, attempt);
        }

        if (success) return Outcome.Delivered;
        if (dead)
        {
            logger.LogWarning("notifications: delivery {Delivery} to {Url} dead-lettered after {Attempts} attempt(s): {Error}", seen.Id, subscription.Url, attempt, error);
            return Outcome.DeadLettered;
        }
        logger.LogInformation("notifications: delivery {Delivery} to {Url} failed (attempt {Attempt}): {Error}; next at {Next:o}", seen.Id, subscription.Url, attempt, error, next);
        return Outcome.Failed;
    }

    private static IQueryable<WebhookDelivery> Claimed(BpmDbContext db, WebhookDelivery seen, DateTime lease) =>
        db.WebhookDeliveries.Where(d => d.Id == seen.Id && d.Status == DeliveryStatus.Pending && d.NextAttemptAt == lease && d.Attempts == seen.Attempts);

    /// <summary>After the n-th failure: base·2^(n−1), capped, then shortened by up to the jitter fraction.</summary>
    public TimeSpan Backoff(int failures)
    {
        var nominal = options.RetryBase.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 40));
        var capped = Math.Min(nominal, options.RetryMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Round(capped * (1 - options.Jitter * Random.Shared.NextDouble())));
    }

    private async Task<(int? Status, string? Error)> PostAsync(WebhookDelivery delivery, WebhookSubscription subscription, OutboxMessage message, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new WebhookPayload(message.Id, message.Kind, message.CaseId, message.Recipient, message.Subject, message.Body, message.CreatedAt), ApiJson.Options);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(subscription.Secret, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return (status, null);
            var text = await ReadSomeAsync(response, timeout.Token);
            return (status, Shorten($"HTTP {status} {response.ReasonPhrase}{(text.Length > 0 ? ": " + text : "")}"));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"no answer within {options.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return (null, Shorten(e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message));
        }
    }

    /// <summary>The start of a failed answer's body, for the record (a receiver's error page can be long).</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[512];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, read).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return "";
        }
    }

    private static string Shorten(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
