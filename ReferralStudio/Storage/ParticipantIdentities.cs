using ReferralStudio.Attribution;

namespace ReferralStudio.Storage;

/// <summary>
/// Writes who a conversation's participant is (its aliases and identity events) and moves a merged
/// conversation's rows into the one it turned out to be, on the processor's connection and inside its
/// transaction. Aliases are rare (a WhatsApp phone and BSUID seen apart, a changed BSUID), so the merge's
/// statements are compiled only when first needed.
/// </summary>
public sealed class ParticipantIdentities(IWriterSession session) : IDisposable
{
    // Every table that names a conversation, moved from $from to $to; tags are a set, so a label both carry is kept once.
    private static readonly string[] MoveSql =
    [
        "UPDATE WebhookEvents SET ConversationId = $to WHERE ConversationId = $from",
        "UPDATE TriggerFirings SET ConversationId = $to WHERE ConversationId = $from",
        "INSERT INTO ConversationTags (ConversationId, Label, TriggerId, AddedAt) SELECT $to, Label, TriggerId, AddedAt FROM ConversationTags WHERE ConversationId = $from ON CONFLICT DO NOTHING",
        "UPDATE OutgoingMessages SET ConversationId = $to WHERE ConversationId = $from",
        "UPDATE Conversions SET ConversationId = $to WHERE ConversationId = $from",
        "UPDATE ParticipantAliases SET ConversationId = $to WHERE ConversationId = $from",
        "UPDATE IdentityEvents SET ConversationId = $to WHERE ConversationId = $from",
    ];

    // Touches carry a copy of the participant id for the feed's filters.
    private const string MoveTouchesSql = "UPDATE ReferralTouches SET ConversationId = $to, ParticipantId = $participant WHERE ConversationId = $from";

    // Then the merged conversation's tags go (its row is the conversation cache's to delete).
    private const string DeleteTagsSql = "DELETE FROM ConversationTags WHERE ConversationId = $conversation";

    private readonly IStatement _insertAlias = session.Prepare("""
        INSERT INTO ParticipantAliases (Alias, Platform, AccountId, ConversationId) VALUES ($alias, $platform, $account, $conversation)
        ON CONFLICT (Alias, Platform, AccountId) DO UPDATE SET ConversationId = excluded.ConversationId
        """, "$alias", "$platform", "$account", "$conversation");
    private readonly IStatement _insertEvent = session.Prepare("""
        INSERT INTO IdentityEvents (ConversationId, OccurredAt, Kind, Detail) VALUES ($conversation, $at, $kind, $detail)
        """, "$conversation", "$at", "$kind", "$detail");
    private IStatement[]? _move;
    private IStatement? _deleteTags;
    private IStatement? _moveTouches;

    /// <summary>Records that <paramref name="alias"/> names <paramref name="conversation"/>'s participant too.</summary>
    public void AddAlias(ConversationState conversation, string alias)
    {
        _insertAlias.Bind(1, alias);
        _insertAlias.Bind(2, conversation.Platform);
        _insertAlias.Bind(3, conversation.AccountId);
        _insertAlias.Bind(4, conversation.Id);
        _insertAlias.ExecuteDeferred();
    }

    public void Record(long conversationId, DateTimeOffset at, string kind, string detail)
    {
        _insertEvent.Bind(1, conversationId);
        _insertEvent.Bind(2, at);
        _insertEvent.Bind(3, kind);
        _insertEvent.Bind(4, detail);
        _insertEvent.ExecuteDeferred();
    }

    /// <summary>
    /// Moves every row of <paramref name="from"/> (events, touches, automations, tags, greetings, conversions,
    /// aliases, identity events) to <paramref name="to"/>; its participant id becomes an alias of <paramref name="to"/>.
    /// The survivor's row must exist or be inserted in this transaction; the caller deletes the merged one's.
    /// </summary>
    public void MoveInto(ConversationState from, ConversationState to)
    {
        _move ??= [.. MoveSql.Select(sql => session.Prepare(sql, "$to", "$from"))];
        _deleteTags ??= session.Prepare(DeleteTagsSql, "$conversation");
        _moveTouches ??= session.Prepare(MoveTouchesSql, "$to", "$participant", "$from");
        _moveTouches.Bind(1, to.Id);
        _moveTouches.Bind(2, to.ParticipantId);
        _moveTouches.Bind(3, from.Id);
        _moveTouches.ExecuteDeferred();
        foreach (var statement in _move)
        {
            statement.Bind(1, to.Id);
            statement.Bind(2, from.Id);
            statement.ExecuteDeferred();
        }

        _deleteTags.Bind(1, from.Id);
        _deleteTags.ExecuteDeferred();

        AddAlias(to, from.ParticipantId);
    }

    public void Dispose()
    {
        _insertAlias.Dispose();
        _insertEvent.Dispose();
        foreach (var statement in _move ?? [])
        {
            statement.Dispose();
        }

        _deleteTags?.Dispose();
        _moveTouches?.Dispose();
    }
}
