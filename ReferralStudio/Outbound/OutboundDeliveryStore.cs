using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Outbound.Retry;

namespace ReferralStudio.Outbound;

/// <summary>
/// The one writer of the OutboundDeliveries and OutboundAttempts tables, so what a delivery's status,
/// attempt count and next attempt mean is decided in one place. Callers pass their own
/// <see cref="AppDbContext"/>: the rows become real with the caller's save or transaction.
/// </summary>
public sealed class OutboundDeliveryStore(TimeProvider time)
{
    /// <summary>
    /// The pending-delivery insert the attribution processor prepares on its own connection, inside the
    /// transaction that records the touch; kept here so both ways of queueing write the same row.
    /// </summary>
    public const string InsertPendingSql = """
        INSERT INTO OutboundDeliveries (SubscriptionId, MessageId, EventType, Payload, CreatedAt, Status, Attempts, NextAttemptAt, ReplayRequested)
        VALUES ($subscription, $messageId, $type, $payload, $at, 0, 0, $at, FALSE)
        """;

    /// <summary>Adds one pending row per subscriber and saves; the caller's transaction decides when they become real.</summary>
    public async Task AddPendingAsync(AppDbContext db, OutboundEvent message, IReadOnlyList<long> subscribers, CancellationToken cancellationToken)
    {
        AddPending(db, message.Id, message.Type, message.Serialize(), subscribers);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Adds one pending row per subscriber for an event already serialized; the caller saves.</summary>
    public void AddPending(AppDbContext db, string messageId, string eventType, string payload, IReadOnlyList<long> subscribers)
    {
        var now = time.GetUtcNow();
        foreach (var subscriptionId in subscribers)
        {
            db.OutboundDeliveries.Add(new OutboundDelivery
            {
                SubscriptionId = subscriptionId,
                MessageId = messageId,
                EventType = eventType,
                Payload = payload,
                CreatedAt = now,
                NextAttemptAt = now,
                Status = OutboundStatus.Pending,
            });
        }
    }

    /// <summary>
    /// Puts a delivery back on a fresh retry schedule (its attempt log stays). Refused, with the reason,
    /// when the endpoint is gone or disabled. The caller wakes the dispatcher once it is saved.
    /// </summary>
    public async Task<(OutboundDelivery? Delivery, string? Refusal)> ReplayAsync(AppDbContext db, long id, CancellationToken cancellationToken)
    {
        var delivery = await db.OutboundDeliveries.SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (delivery is null)
        {
            return (null, null);
        }

        var subscription = await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == delivery.SubscriptionId, cancellationToken);
        if (subscription is not { Enabled: true })
        {
            return (delivery, subscription is null
                ? "The subscription was deleted."
                : $"The endpoint is disabled ({subscription.DisabledReason}). Enable it (the switch on the Outbound webhooks page, or POST /api/webhooks/subscriptions/{subscription.Id}/enable), then replay.");
        }

        delivery.Status = OutboundStatus.Pending;
        delivery.Attempts = 0;
        delivery.NextAttemptAt = time.GetUtcNow();
        delivery.ReplayRequested = true;
        await db.SaveChangesAsync(cancellationToken);
        return (delivery, null);
    }

    /// <summary>Deletes a subscription's deliveries and their attempt logs; run it in the caller's transaction.</summary>
    public async Task DeleteForSubscriptionAsync(AppDbContext db, long subscriptionId, CancellationToken cancellationToken)
    {
        await db.OutboundAttempts.Where(a => db.OutboundDeliveries.Any(d => d.Id == a.DeliveryId && d.SubscriptionId == subscriptionId))
            .ExecuteDeleteAsync(cancellationToken);
        await db.OutboundDeliveries.Where(d => d.SubscriptionId == subscriptionId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Logs one HTTP attempt of a tracked delivery and carries its outcome onto the row; the caller saves.</summary>
    public void RecordAttempt(AppDbContext db, OutboundDelivery delivery, DateTimeOffset at, int? statusCode, TimeSpan latency, string? error)
    {
        db.OutboundAttempts.Add(new OutboundAttempt
        {
            DeliveryId = delivery.Id,
            AttemptedAt = at,
            StatusCode = statusCode,
            LatencyMs = (int)latency.TotalMilliseconds,
            Error = error,
            Replay = delivery.ReplayRequested,
        });
        delivery.ReplayRequested = false;
        delivery.Attempts++;
        delivery.LastStatusCode = statusCode;
        delivery.LastError = error ?? (RetrySchedule.IsSuccess(statusCode) ? null : $"HTTP {statusCode}");
    }

    public void MarkDelivered(OutboundDelivery delivery, DateTimeOffset at)
    {
        delivery.Status = OutboundStatus.Delivered;
        delivery.DeliveredAt = at;
    }

    /// <summary>Stops retrying; <paramref name="reason"/> replaces the last attempt's error when given.</summary>
    public void MarkFailed(OutboundDelivery delivery, string? reason = null)
    {
        delivery.Status = OutboundStatus.Failed;
        delivery.LastError = reason ?? delivery.LastError;
    }

    public void ScheduleRetry(OutboundDelivery delivery, DateTimeOffset at) => delivery.NextAttemptAt = at;

    /// <summary>Fails everything still pending for an endpoint that was just disabled; it can be replayed by hand once fixed.</summary>
    public Task FailPendingAsync(AppDbContext db, long subscriptionId, string reason, CancellationToken cancellationToken) =>
        db.OutboundDeliveries.Where(d => d.SubscriptionId == subscriptionId && d.Status == OutboundStatus.Pending)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.Status, OutboundStatus.Failed).SetProperty(x => x.LastError, reason), cancellationToken);
}
