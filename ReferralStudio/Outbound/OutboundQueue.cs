using ReferralStudio.Data;
using ReferralStudio.Hosting;

namespace ReferralStudio.Outbound;

/// <summary>
/// The producers' side of the persisted outbox: who subscribes to what, queueing an event for each of
/// them (the rows themselves are written by <see cref="OutboundDeliveryStore"/>), and waking the dispatcher.
/// </summary>
public sealed class OutboundQueue(SubscriptionCatalog subscriptions, OutboundDeliveryStore deliveries)
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
        await deliveries.AddPendingAsync(db, message, subscribers, cancellationToken);
    }

    /// <summary>
    /// Adds the rows of an event serialized by its producer (one whose body is not <see cref="OutboundEvent"/>'s, such
    /// as <c>system.alert</c>) for <paramref name="subscribers"/>; the caller saves, then calls <see cref="Wake"/>.
    /// </summary>
    public void Add(AppDbContext db, string messageId, string eventType, string payload, IReadOnlyList<long> subscribers) =>
        deliveries.AddPending(db, messageId, eventType, payload, subscribers);

    /// <summary>Call after the commit that made new rows visible.</summary>
    public void Wake() => Signal.Set();
}
