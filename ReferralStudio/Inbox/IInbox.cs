namespace ReferralStudio.Inbox;

/// <summary>
/// Where deliveries are stored before they are acknowledged, as the webhook endpoint's group commit and the
/// attribution processor see it. An engine implements it (<see cref="Storage.Sqlite.SqliteInbox"/>): ids only ever
/// grow, and a group is on disk when <see cref="IInboxAppender.Append"/> returns.
/// </summary>
public interface IInbox
{
    /// <summary>The one session that appends; <see cref="InboxWriter"/> holds it for its lifetime.</summary>
    IInboxAppender OpenAppender();

    /// <summary>A reader of stored deliveries waiting to be applied, for the processor.</summary>
    IPendingDeliveries OpenPending();

    /// <summary>Deletes stored deliveries (the demo's, when it is cleared); their ids are never issued again.</summary>
    void Forget(IReadOnlyList<long> ids);
}

/// <summary>Appends groups of deliveries, each in one durable commit.</summary>
public interface IInboxAppender : IDisposable
{
    /// <summary>Stores every delivery of <paramref name="group"/> in one commit and writes their ids into <paramref name="ids"/>.</summary>
    /// <returns>The bytes of body stored.</returns>
    long Append(IReadOnlyList<InboxItem> group, Span<long> ids);

    /// <summary>Between commits, after their requests were released: the engine's upkeep (SQLite rewinds its log here).</summary>
    void Settle();
}

/// <summary>Reads stored deliveries in id order, outside the processor's transaction (stored deliveries never change).</summary>
public interface IPendingDeliveries : IDisposable
{
    /// <summary>The most deliveries one <see cref="ReadAfter"/> returns; fewer means the processor has caught up.</summary>
    const int BatchSize = 256;

    /// <summary>The newest stored delivery's id.</summary>
    long LastStoredId();

    /// <summary>Up to <see cref="BatchSize"/> pending deliveries with ids above <paramref name="after"/>, in id order.</summary>
    List<PendingDelivery> ReadAfter(long after);
}

/// <summary>One delivery as the inbox stored it, not yet parsed.</summary>
public readonly record struct PendingDelivery(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated);
