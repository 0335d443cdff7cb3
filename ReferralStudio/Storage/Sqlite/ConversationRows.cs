using Microsoft.Data.Sqlite;
using ReferralStudio.Attribution;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// The processor's writes to the Conversations table, as prepared statements on its connection: a new conversation's
/// id and row, a stored one's changes, and the row of one merged into another. <see cref="ConversationCache"/> decides
/// what to write and when.
/// </summary>
internal sealed class ConversationRows : IDisposable
{
    private readonly PreparedStatement _lastId;
    private readonly PreparedStatement _insert;
    private readonly PreparedStatement _update;
    private readonly PreparedStatement _updateActivity;
    private readonly PreparedStatement _updateIdentity;
    private readonly PreparedStatement _delete;
    private long _nextId;

    public ConversationRows(SqliteConnection connection)
    {
        // A new conversation gets its id when first seen (AUTOINCREMENT's rule: past every id ever used; the
        // transaction holds the write lock, so nobody else takes one meanwhile) and its row is inserted once,
        // at commit, with its final values. Inserting it at once and updating it at commit cost twice as much:
        // an UPDATE that sets the referral columns is checked for foreign keys and runs with a statement journal.
        _lastId = new PreparedStatement(connection, """
            SELECT MAX(IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'Conversations'), 0), IFNULL((SELECT MAX(Id) FROM Conversations), 0))
            """);
        _insert = new PreparedStatement(connection, """
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, CreatedAt, LastActivityAt, WindowExpiresAt,
                MessageCount, HasInboundText, HasWaitingGreeting, FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, Simulated,
                ParticipantPhone, ParticipantUserId, ParticipantParentUserId, ParticipantUsername)
            VALUES ($id, $platform, $account, $participant, $name, $createdAt, $lastActivityAt, $windowExpiresAt,
                $messageCount, $hasInboundText, $hasWaitingGreeting, $firstReferralId, $firstReferralAt, $latestReferralId, $lastReferralAt, $simulated,
                $phone, $userId, $parentUserId, $username)
            """, "$id", "$platform", "$account", "$participant", "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt",
            "$messageCount", "$hasInboundText", "$hasWaitingGreeting", "$firstReferralId", "$firstReferralAt", "$latestReferralId", "$lastReferralAt", "$simulated",
            "$phone", "$userId", "$parentUserId", "$username");
        _update = new PreparedStatement(connection, """
            UPDATE Conversations SET ParticipantName = $name, CreatedAt = $createdAt, LastActivityAt = $lastActivityAt,
                WindowExpiresAt = $windowExpiresAt, MessageCount = $messageCount, HasInboundText = $hasInboundText,
                HasWaitingGreeting = $hasWaitingGreeting, FirstReferralId = $firstReferralId, FirstReferralAt = $firstReferralAt,
                LatestReferralId = $latestReferralId, LastReferralAt = $lastReferralAt
            WHERE Id = $id
            """, "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt", "$messageCount", "$hasInboundText", "$hasWaitingGreeting",
            "$firstReferralId", "$firstReferralAt", "$latestReferralId", "$lastReferralAt", "$id");
        // The same without the referral columns: SQLite checks foreign keys on an UPDATE that sets them, and runs
        // it with a statement journal (a copy of every page it touches), which costs more than the update itself.
        _updateActivity = new PreparedStatement(connection, """
            UPDATE Conversations SET ParticipantName = $name, CreatedAt = $createdAt, LastActivityAt = $lastActivityAt,
                WindowExpiresAt = $windowExpiresAt, MessageCount = $messageCount, HasInboundText = $hasInboundText,
                HasWaitingGreeting = $hasWaitingGreeting
            WHERE Id = $id
            """, "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt", "$messageCount", "$hasInboundText", "$hasWaitingGreeting", "$id");
        _updateIdentity = new PreparedStatement(connection, """
            UPDATE Conversations SET ParticipantPhone = $phone, ParticipantUserId = $userId, ParticipantParentUserId = $parent,
                ParticipantUsername = $username WHERE Id = $id
            """, "$phone", "$userId", "$parent", "$username", "$id");
        _delete = new PreparedStatement(connection, "DELETE FROM Conversations WHERE Id = $id", "$id");
    }

    /// <summary>The id the next new conversation of this transaction gets.</summary>
    public long NextId()
    {
        if (_nextId == 0)
        {
            _nextId = (_lastId.ExecuteScalarInt64() ?? 0) + 1;
        }

        return _nextId++;
    }

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
        insert.Execute();
        c.Unsaved = false;
        c.Dirty = false;
        c.IdentityDirty = false;
        (c.StoredFirstReferralId, c.StoredLatestReferralId) = (c.FirstReferralId, c.LatestReferralId);
    }

    public void Save(ConversationState c)
    {
        // The referral ids and times only ever move together.
        var referralsMoved = c.FirstReferralId != c.StoredFirstReferralId || c.LatestReferralId != c.StoredLatestReferralId;
        var update = referralsMoved ? _update : _updateActivity;
        update.Bind(1, c.ParticipantName);
        update.Bind(2, c.CreatedAt);
        update.Bind(3, c.LastActivityAt);
        update.Bind(4, c.WindowExpiresAt);
        update.Bind(5, c.MessageCount);
        update.Bind(6, c.HasInboundText);
        update.Bind(7, c.HasWaitingGreeting);
        if (referralsMoved)
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

        update.Execute();
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
        _updateIdentity.Execute();
        conversation.IdentityDirty = false;
    }

    public void Delete(long id)
    {
        _delete.Bind(1, id);
        _delete.Execute();
    }

    /// <summary>The transaction has ended: the next new conversation's id is read again.</summary>
    public void Forget() => _nextId = 0;

    public void Dispose()
    {
        foreach (var statement in (IDisposable[])[_lastId, _insert, _update, _updateActivity, _updateIdentity, _delete])
        {
            statement.Dispose();
        }
    }
}
