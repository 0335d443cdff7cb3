using ReferralStudio.Outbound;
using ReferralStudio.Referrals;

namespace ReferralStudio.Attribution;

/// <summary>
/// Where the attribution processor's transactions go: an engine opens writers
/// (<see cref="Storage.Sqlite.SqliteAttributionStorage"/>), the processor drives them. The rules of what a delivery
/// changes are the engine's to apply but not to decide: they live in <see cref="AttributionRules"/> and
/// <see cref="EventAttribution"/>, which need no database.
/// </summary>
public interface IAttributionStorage
{
    /// <summary>A writer with a connection of its own, for one processor thread.</summary>
    IAttributionWriter OpenWriter();
}

/// <summary>
/// One processor's unit of work. Between <see cref="Begin"/> and <see cref="Commit"/>, deliveries are applied in id
/// order; the commit makes their effects and the inbox cursor durable together, so each delivery takes effect exactly
/// once even across crashes.
/// </summary>
public interface IAttributionWriter : IDisposable
{
    /// <summary>The last delivery whose effects are committed (read between transactions).</summary>
    long Cursor();

    void Begin();

    /// <summary>Finds the conversations a batch is about before it is applied (an optimisation: a failure here changes nothing).</summary>
    void Prefetch(IReadOnlyList<ParsedDelivery> batch);

    /// <summary>Applies one delivery and records its outcome.</summary>
    DeliveryCounts Apply(ParsedDelivery delivery, DateTimeOffset processedAt);

    /// <summary>Records that a delivery could not be applied (in a transaction of its own, after a rollback).</summary>
    void MarkFailed(long deliveryId, string reason, DateTimeOffset processedAt);

    /// <summary>Makes everything since <see cref="Begin"/> durable, with the cursor at the last delivery applied or marked.</summary>
    void Commit();

    void Rollback();

    /// <summary>Between transactions, after the commit was announced: the engine's upkeep (SQLite rewinds its log here).</summary>
    void Settle();

    /// <summary>What the last committed transaction queued, for the senders and the live board.</summary>
    CommittedWork Committed { get; }
}

/// <summary>What a transaction queued for others: they are told only after it commits.</summary>
public sealed class CommittedWork
{
    public bool QueuedOutbound { get; set; }

    public bool QueuedGreeting { get; set; }

    /// <summary>Campaign touches recorded, for the live board.</summary>
    public List<Live.AttributionNotice> Notices { get; } = [];

    public void Clear()
    {
        QueuedOutbound = false;
        QueuedGreeting = false;
        Notices.Clear();
    }
}

/// <summary>Where the events integrators receive are queued, inside the writer's transaction (see <see cref="ConversationEvents"/>).</summary>
public interface IEventQueue
{
    /// <summary>Whether any endpoint subscribes to <paramref name="eventType"/> (the payload is built only then).</summary>
    bool Wants(string eventType);

    /// <summary>Queues one event for every endpoint subscribed to its type.</summary>
    void Enqueue(string eventType, DateTimeOffset timestamp, OutboundEventData data, DateTimeOffset now);

    /// <summary>A stored touch as the API and events show it (for a touch from an earlier batch).</summary>
    ReferralDto? LoadTouch(long id);
}
