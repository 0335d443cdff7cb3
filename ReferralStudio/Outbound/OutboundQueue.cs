using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Hosting;

namespace ReferralStudio.Outbound;

/// <summary>Puts events into the persisted outbox, one row per subscribed endpoint, and wakes the dispatcher.</summary>
public sealed class OutboundQueue(SubscriptionCatalog subscriptions, TimeProvider time)
{
    public WakeSignal Signal { get; } = new();

    public bool HasSubscribers(string eventType) => subscriptions.HasSubscribers(eventType);

    public IReadOnlyList<long> SubscribersOf(string eventType) => subscriptions.SubscribersOf(eventType);

    /// <summary>Adds the rows and saves; the caller's transaction decides when they become real.</summary>
    public async Task EnqueueAsync(AppDbContext db, string eventType, DateTimeOffset timestamp, OutboundEventData data, CancellationToken cancellationToken)
    {
        var subscribers = subscriptions.SubscribersOf(eventType);
        if (subscribers.Count == 0)
        {
            return;
        }

        var message = new OutboundEvent(OutboundEvent.NewId(), eventType, timestamp, data);
        var payload = message.Serialize();
        var now = time.GetUtcNow();
        foreach (var subscriptionId in subscribers)
        {
            db.OutboundDeliveries.Add(new OutboundDelivery
            {
                SubscriptionId = subscriptionId,
                MessageId = message.Id,
                EventType = eventType,
                Payload = payload,
                CreatedAt = now,
                NextAttemptAt = now,
                Status = OutboundStatus.Pending,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Call after the commit that made new rows visible.</summary>
    public void Wake() => Signal.Set();

    /// <summary>
    /// Sends a delivery again with a fresh retry schedule (its attempt log stays). Refused, with the
    /// reason, when the endpoint is gone or disabled.
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
                : $"The endpoint is disabled ({subscription.DisabledReason}). Enable it with POST /api/webhooks/subscriptions/{subscription.Id}/enable, then replay.");
        }

        delivery.Status = OutboundStatus.Pending;
        delivery.Attempts = 0;
        delivery.NextAttemptAt = time.GetUtcNow();
        delivery.ReplayRequested = true;
        await db.SaveChangesAsync(cancellationToken);
        Wake();
        return (delivery, null);
    }
}
