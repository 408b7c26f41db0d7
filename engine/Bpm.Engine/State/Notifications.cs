namespace Bpm.Engine.State;

// Notification delivery: what the server's dispatcher makes of the outbox (OutboxMessage, written in the command's
// own transaction). An outbox message whose SentAt is set has been fanned out into one UserMessage (the in-app list
// of the department it is addressed to) and one WebhookDelivery per matching active subscription; from then on each
// of those carries its own state, so the outbox row is done.

/// <summary>A receiver of notices: HTTP POSTs signed with HMAC-SHA256 over the subscription's secret.</summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; }
    /// <summary>Absolute http or https URL the notices are POSTed to.</summary>
    public string Url { get; set; } = "";
    /// <summary>The HMAC key (kept, since signing needs it; never shown again by the API).</summary>
    public string Secret { get; set; } = "";
    /// <summary>Only notices addressed to this department (exact name); null: every department.</summary>
    public string? Department { get; set; }
    /// <summary>Only these notice kinds, comma-separated (e.g. "case-overdue,supervision-issued"); null: every kind.</summary>
    public string? Kinds { get; set; }
    /// <summary>False once deleted (deactivated): no new deliveries, pending ones are dead-lettered.</summary>
    public bool Active { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    public IReadOnlyList<string>? KindList => Kinds is null ? null : Kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool Matches(OutboxMessage message) =>
        Active
        && (Department is null || string.Equals(Department, message.Recipient, StringComparison.Ordinal))
        && (KindList is not { } kinds || kinds.Contains(message.Kind, StringComparer.Ordinal));
}

public enum DeliveryStatus { Pending, Delivered, DeadLettered }

/// <summary>
/// One outbox message to one subscription: retried with backoff until a 2xx answer, dead-lettered after the attempt
/// limit. Unique per (subscription, message). While an attempt is in flight, <see cref="NextAttemptAt"/> holds the
/// lease's end, so another dispatcher does not send it at the same time.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid SubscriptionId { get; set; }
    public Guid OutboxMessageId { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>One attempt at a delivery, as it went: the receiver's status code, or the error (timeout, refused …).</summary>
public sealed class WebhookAttempt
{
    public Guid Id { get; set; }
    public Guid DeliveryId { get; set; }
    /// <summary>1, 2, 3 … (starts again at 1 after a dead-lettered delivery is retried by hand).</summary>
    public int Attempt { get; set; }
    public DateTime At { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public long DurationMs { get; set; }
}

/// <summary>A notice in the in-app message list of the department it is addressed to (站内消息).</summary>
public sealed class UserMessage
{
    public Guid Id { get; set; }
    public Guid OutboxMessageId { get; set; }
    public string Department { get; set; } = "";
    public Guid CaseId { get; set; }
    public string Kind { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>That one user has read one message; every user of the department has their own read flag.</summary>
public sealed class MessageRead
{
    public Guid MessageId { get; set; }
    public string UserId { get; set; } = "";
    public DateTime ReadAt { get; set; }
}
