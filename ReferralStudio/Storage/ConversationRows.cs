using ReferralStudio.Attribution;

namespace ReferralStudio.Storage;

/// <summary>
/// The processor's writes to the Conversations table, as prepared statements on its connection: a new conversation's
/// id and row, a stored one's changes, and the row of one merged into another, each with the conversation's entry in the
/// feed's search index (where the engine keeps one apart from the row) when its name or username changes. <see cref="ConversationCache"/>
/// decides what to write and when.
/// </summary>
internal sealed class ConversationRows : IDisposable
{
    private readonly IWriterSession _session;
    private readonly IStatement _insert;
    private readonly IStatement _update;
    private readonly IStatement _updateActivity;
    private readonly IStatement _updateIdentity;
    private readonly IStatement _delete;
    private readonly IStatement? _indexName;
    private readonly IStatement? _unindexName;

    public ConversationRows(IWriterSession session)
    {
        _session = session;
        _insert = session.Prepare("""
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, CreatedAt, LastActivityAt, WindowExpiresAt,
                MessageCount, HasInboundText, HasWaitingGreeting, FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, Simulated,
                ParticipantPhone, ParticipantUserId, ParticipantParentUserId, ParticipantUsername)
            VALUES ($id, $platform, $account, $participant, $name, $createdAt, $lastActivityAt, $windowExpiresAt,
                $messageCount, $hasInboundText, $hasWaitingGreeting, $firstReferralId, $firstReferralAt, $latestReferralId, $lastReferralAt, $simulated,
                $phone, $userId, $parentUserId, $username)
            """, "$id", "$platform", "$account", "$participant", "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt",
            "$messageCount", "$hasInboundText", "$hasWaitingGreeting", "$firstReferralId", "$firstReferralAt", "$latestReferralId", "$lastReferralAt", "$simulated",
            "$phone", "$userId", "$parentUserId", "$username");
        _update = session.Prepare("""
            UPDATE Conversations SET ParticipantName = $name, CreatedAt = $createdAt, LastActivityAt = $lastActivityAt,
                WindowExpiresAt = $windowExpiresAt, MessageCount = $messageCount, HasInboundText = $hasInboundText,
                HasWaitingGreeting = $hasWaitingGreeting, FirstReferralId = $firstReferralId, FirstReferralAt = $firstReferralAt,
                LatestReferralId = $latestReferralId, LastReferralAt = $lastReferralAt
            WHERE Id = $id
            """, "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt", "$messageCount", "$hasInboundText", "$hasWaitingGreeting",
            "$firstReferralId", "$firstReferralAt", "$latestReferralId", "$lastReferralAt", "$id");
        // The same without the referral columns: SQLite checks foreign keys on an UPDATE that sets them, and runs
        // it with a statement journal (a copy of every page it touches), which costs more than the update itself.
        // PostgreSQL checks a foreign key only when its value changes, and sends a batch's runs of one statement as one.
        _updateActivity = session.Prepare("""
            UPDATE Conversations SET ParticipantName = $name, CreatedAt = $createdAt, LastActivityAt = $lastActivityAt,
                WindowExpiresAt = $windowExpiresAt, MessageCount = $messageCount, HasInboundText = $hasInboundText,
                HasWaitingGreeting = $hasWaitingGreeting
            WHERE Id = $id
            """, "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt", "$messageCount", "$hasInboundText", "$hasWaitingGreeting", "$id");
        _updateIdentity = session.Prepare("""
            UPDATE Conversations SET ParticipantPhone = $phone, ParticipantUserId = $userId, ParticipantParentUserId = $parent,
                ParticipantUsername = $username WHERE Id = $id
            """, "$phone", "$userId", "$parent", "$username", "$id");
        _delete = session.Prepare("DELETE FROM Conversations WHERE Id = $id", "$id");
        _indexName = session.PrepareNameIndexAdd();
        _unindexName = session.PrepareNameIndexRemove();
    }

    /// <summary>The id the next new conversation of this transaction gets.</summary>
    public long NextId() => _session.NextConversationId();

    public void Insert(ConversationState c)
    {
        var insert = _insert;
        insert.Bind(1, c.Id);
        insert.Bind(2, c.Platform);
        insert.Bind(3, c.AccountId);
        insert.Bind(4, c.ParticipantId);
        insert.Bind(5, c.ParticipantName);
        insert.Bind(6, c.CreatedAt);
        insert.Bind(7, c.LastActivityAt);
        insert.Bind(8, c.WindowExpiresAt);
        insert.Bind(9, c.MessageCount);
        insert.Bind(10, c.HasInboundText);
        insert.Bind(11, c.HasWaitingGreeting);
        insert.Bind(12, c.FirstReferralId);
        insert.Bind(13, c.FirstReferralAt);
        insert.Bind(14, c.LatestReferralId);
        insert.Bind(15, c.LastReferralAt);
        insert.Bind(16, c.Simulated);
        insert.Bind(17, c.Phone);
        insert.Bind(18, c.UserId);
        insert.Bind(19, c.ParentUserId);
        insert.Bind(20, c.Username);
        insert.ExecuteDeferred();
        Index(_indexName, c.Id, c.ParticipantName, c.Username);
        (c.StoredName, c.StoredUsername) = (c.ParticipantName, c.Username);
        c.Unsaved = false;
        c.Dirty = false;
        c.IdentityDirty = false;
        (c.StoredFirstReferralId, c.StoredLatestReferralId) = (c.FirstReferralId, c.LatestReferralId);
    }

    public void Save(ConversationState c)
    {
        // The referral ids and times only ever move together.
        var referralsMoved = c.FirstReferralId != c.StoredFirstReferralId || c.LatestReferralId != c.StoredLatestReferralId;
        var update = referralsMoved || _session.DefersInserts ? _update : _updateActivity;
        update.Bind(1, c.ParticipantName);
        update.Bind(2, c.CreatedAt);
        update.Bind(3, c.LastActivityAt);
        update.Bind(4, c.WindowExpiresAt);
        update.Bind(5, c.MessageCount);
        update.Bind(6, c.HasInboundText);
        update.Bind(7, c.HasWaitingGreeting);
        if (update == _update)
        {
            update.Bind(8, c.FirstReferralId);
            update.Bind(9, c.FirstReferralAt);
            update.Bind(10, c.LatestReferralId);
            update.Bind(11, c.LastReferralAt);
            update.Bind(12, c.Id);
        }
        else
        {
            update.Bind(8, c.Id);
        }

        update.ExecuteDeferred();
        Reindex(c);
        (c.StoredFirstReferralId, c.StoredLatestReferralId) = (c.FirstReferralId, c.LatestReferralId);
        c.Dirty = false;
    }

    /// <summary>Writes the identity columns of a stored conversation (new ones are inserted with them).</summary>
    public void SaveIdentity(ConversationState conversation)
    {
        _updateIdentity.Bind(1, conversation.Phone);
        _updateIdentity.Bind(2, conversation.UserId);
        _updateIdentity.Bind(3, conversation.ParentUserId);
        _updateIdentity.Bind(4, conversation.Username);
        _updateIdentity.Bind(5, conversation.Id);
        _updateIdentity.ExecuteDeferred();
        Reindex(conversation);
        conversation.IdentityDirty = false;
    }

    /// <summary>Deletes a stored conversation's row (one not yet inserted has none, nor an index entry).</summary>
    public void Delete(ConversationState conversation)
    {
        if (conversation.Unsaved)
        {
            return;
        }

        Index(_unindexName, conversation.Id, conversation.StoredName, conversation.StoredUsername);
        _delete.Bind(1, conversation.Id);
        _delete.ExecuteDeferred();
    }

    /// <summary>Replaces the conversation's search entry when its name or username changed: most saves change neither.</summary>
    private void Reindex(ConversationState c)
    {
        if (c.ParticipantName == c.StoredName && c.Username == c.StoredUsername)
        {
            return;
        }

        Index(_unindexName, c.Id, c.StoredName, c.StoredUsername);
        Index(_indexName, c.Id, c.ParticipantName, c.Username);
        (c.StoredName, c.StoredUsername) = (c.ParticipantName, c.Username);
    }

    private static void Index(IStatement? statement, long id, string? name, string? username)
    {
        if (statement is null)
        {
            return;
        }

        statement.Bind(1, id);
        statement.Bind(2, name);
        statement.Bind(3, username);
        statement.ExecuteDeferred();
    }

    public void Dispose()
    {
        foreach (var statement in (IDisposable?[])[_insert, _update, _updateActivity, _updateIdentity, _delete, _indexName, _unindexName])
        {
            statement?.Dispose();
        }
    }
}
