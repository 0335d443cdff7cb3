using Microsoft.EntityFrameworkCore;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Demo;
using ReferralStudio.Inbox;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;

namespace ReferralStudio.Privacy;

/// <summary>
/// Where a person's data lives, one list for both engines' erasure, with each table's name as the engine's model spells
/// it: the conversation; every table keyed to it by <c>ConversationId</c> (read from the model, so a feature's new table
/// is erased without being named here); the events, which also hold rows of theirs not keyed to it; the outbound
/// deliveries about it with their attempts; and the inbox's raw bodies.
/// </summary>
internal sealed class PersonalTables
{
    private readonly AppDbContext _db;

    public PersonalTables(AppDbContext db)
    {
        _db = db;
        Events = TableOf<WebhookEvent>();
        // The events are found by the person, not only by the conversation: deleted on their own.
        KeyedToConversation = [.. DemoLoader.ConversationTables(db).Where(t => t != Events)];
        Conversations = TableOf<Conversation>();
        OutboundDeliveries = TableOf<OutboundDelivery>();
        OutboundAttempts = TableOf<OutboundAttempt>();
        // On SQLite the inbox is a file of its own (another context's model); on PostgreSQL a table of this one.
        InboundDeliveries = db.Model.FindEntityType(typeof(StoredDelivery))?.GetTableName() ?? InboxDbContext.DeliveriesTable;
    }

    public string Conversations { get; }

    /// <summary>Deleted by <c>ConversationId</c>.</summary>
    public IReadOnlyList<string> KeyedToConversation { get; }

    public string Events { get; }

    public string OutboundDeliveries { get; }

    public string OutboundAttempts { get; }

    public string InboundDeliveries { get; }

    public IReadOnlyList<string> All =>
        [Conversations, .. KeyedToConversation, Events, OutboundDeliveries, OutboundAttempts, InboundDeliveries];

    /// <summary>What an erasure removed, from the rows it deleted in each table of <see cref="KeyedToConversation"/> and the rest.</summary>
    public ErasureResult Result(
        long conversationId, int conversations, IReadOnlyDictionary<string, int> keyedRemoved, int events, int outboundDeliveries, int inboundBodiesEmptied)
    {
        int Removed<T>() => keyedRemoved.GetValueOrDefault(TableOf<T>());
        return new ErasureResult(
            conversationId, conversations,
            Removed<ParticipantAlias>(), Removed<ReferralTouch>(), events,
            Removed<IdentityEvent>(), Removed<ConversationTag>(), Removed<TriggerFiring>(),
            Removed<OutgoingMessage>(), Removed<Conversion>(), outboundDeliveries, inboundBodiesEmptied);
    }

    private string TableOf<T>() => _db.Model.FindEntityType(typeof(T))!.GetTableName()!;
}
