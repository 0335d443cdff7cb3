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
}
