using Microsoft.Data.Sqlite;
using ReferralStudio.Attribution;
using ReferralStudio.Data;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// The conversations of the open transaction: found (ahead, in key order, or when first asked for), created,
/// linked to every identifier a WhatsApp participant is known by, merged when two turn out to be one person, and
/// written back once at commit. The cache mirrors rows inside one transaction only; after it, the database is the
/// truth again.
/// </summary>
internal sealed class ConversationCache : IDisposable
{
    private readonly ConversationLookup _lookup;
    private readonly CampaignRollupWriter _rollup;
    private readonly ParticipantIdentities _identities;
    private readonly Dictionary<ConversationKey, ConversationState> _conversations = [];
    // WhatsApp conversations by id: one person may be found under several keys (phone, BSUIDs), yet has one state.
    private readonly Dictionary<long, ConversationState> _byId = [];
    // Keys a prefetch found no row for: their first event creates the conversation without looking again.
    private readonly HashSet<ConversationKey> _absent = [];
    private readonly List<ConversationKey> _prefetch = [];
    private readonly List<ConversationState> _writeBack = [];
    private readonly PreparedStatement _lastConversationId;
    private readonly PreparedStatement _insertConversation;
    private readonly PreparedStatement _updateConversation;
    private readonly PreparedStatement _updateConversationActivity;
    private long _nextConversationId;

    /// <summary>
    /// Works on <paramref name="connection"/>; <paramref name="lookup"/> finds stored conversations (shared with the
    /// rollup; its owner disposes of it) and <paramref name="rollup"/> is told before a merge moves a conversation's credit.
    /// </summary>
    public ConversationCache(SqliteConnection connection, ConversationLookup lookup, CampaignRollupWriter rollup)
    {
        _lookup = lookup;
        _rollup = rollup;
        _identities = new ParticipantIdentities(connection);
        // A new conversation gets its id when first seen (AUTOINCREMENT's rule: past every id ever used; the
        // transaction holds the write lock, so nobody else takes one meanwhile) and its row is inserted once,
        // at commit, with its final values. Inserting it at once and updating it at commit cost twice as much:
        // an UPDATE that sets the referral columns is checked for foreign keys and runs with a statement journal.
        _lastConversationId = new PreparedStatement(connection, """
            SELECT MAX(IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'Conversations'), 0), IFNULL((SELECT MAX(Id) FROM Conversations), 0))
            """);
        _insertConversation = new PreparedStatement(connection, """
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, CreatedAt, LastActivityAt, WindowExpiresAt,
                MessageCount, HasInboundText, HasWaitingGreeting, FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, Simulated,
                ParticipantPhone, ParticipantUserId, ParticipantParentUserId, ParticipantUsername)
            VALUES ($id, $platform, $account, $participant, $name, $createdAt, $lastActivityAt, $windowExpiresAt,
                $messageCount, $hasInboundText, $hasWaitingGreeting, $firstReferralId, $firstReferralAt, $latestReferralId, $lastReferralAt, $simulated,
                $phone, $userId, $parentUserId, $username)
            """, "$id", "$platform", "$account", "$participant", "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt",
            "$messageCount", "$hasInboundText", "$hasWaitingGreeting", "$firstReferralId", "$firstReferralAt", "$latestReferralId", "$lastReferralAt", "$simulated",
            "$phone", "$userId", "$parentUserId", "$username");
        _updateConversation = new PreparedStatement(connection, """
            UPDATE Conversations SET ParticipantName = $name, CreatedAt = $createdAt, LastActivityAt = $lastActivityAt,
                WindowExpiresAt = $windowExpiresAt, MessageCount = $messageCount, HasInboundText = $hasInboundText,
                HasWaitingGreeting = $hasWaitingGreeting, FirstReferralId = $firstReferralId, FirstReferralAt = $firstReferralAt,
                LatestReferralId = $latestReferralId, LastReferralAt = $lastReferralAt
            WHERE Id = $id
            """, "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt", "$messageCount", "$hasInboundText", "$hasWaitingGreeting",
            "$firstReferralId", "$firstReferralAt", "$latestReferralId", "$lastReferralAt", "$id");
        // The same without the referral columns: SQLite checks foreign keys on an UPDATE that sets them, and runs
        // it with a statement journal (a copy of every page it touches), which costs more than the update itself.
        _updateConversationActivity = new PreparedStatement(connection, """
            UPDATE Conversations SET ParticipantName = $name, CreatedAt = $createdAt, LastActivityAt = $lastActivityAt,
                WindowExpiresAt = $windowExpiresAt, MessageCount = $messageCount, HasInboundText = $hasInboundText,
                HasWaitingGreeting = $hasWaitingGreeting
            WHERE Id = $id
            """, "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt", "$messageCount", "$hasInboundText", "$hasWaitingGreeting", "$id");    }

    /// <summary>
    /// Looks up the conversations a batch of deliveries is about, in the order of the conversations' key,
    /// before the batch is applied. Event order jumps about the key's index, so each lookup would read a
    /// different part of it; in key order, consecutive lookups mostly share their pages.
    /// </summary>
    public void Prefetch(IReadOnlyList<ParsedDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            foreach (var parsed in delivery.Result.Events)
            {
                var key = ConversationKey.Of(parsed);
                if (!_conversations.ContainsKey(key) && !_absent.Contains(key))
                {
                    _prefetch.Add(key);
                }
            }
        }

        _prefetch.Sort(ConversationKey.IndexOrder);
        try
        {
            foreach (var key in _prefetch)
            {
                if (_conversations.ContainsKey(key) || _absent.Contains(key))
                {
                    continue;
                }

                if (_lookup.Find(key) is { } found)
                {
                    Remember(key, found);
                }
                else
                {
                    _absent.Add(key);
                }
            }
        }
        finally
        {
            _prefetch.Clear();
        }
    }

    /// <summary>Writes every conversation the transaction touched, once, in id order (before the commit).</summary>
    public void WriteBack()
    {
        // In id order: consecutive rows share B-tree pages, where the order they were first seen in jumps about the table.
        foreach (var conversation in _conversations.Values)
        {
            // A conversation only its duplicate events asked for is never written; a merged one is gone.
            if (conversation.Merged || (conversation.Unsaved && !conversation.HasEvents))
            {
                continue;
            }

            if (conversation.Unsaved || conversation.Dirty || conversation.IdentityDirty)
            {
                _writeBack.Add(conversation);
            }
        }

        _writeBack.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        ConversationState? previous = null;
        foreach (var conversation in _writeBack)
        {
            // A WhatsApp conversation is cached under each of its participant's identifiers.
            if (conversation == previous)
            {
                continue;
            }

            previous = conversation;
            if (conversation.Unsaved)
            {
                InsertConversation(conversation);
                continue;
            }

            if (conversation.Dirty)
            {
                SaveConversation(conversation);
            }

            if (conversation.IdentityDirty)
            {
                _identities.Save(conversation);
            }
        }
    }

    /// <summary>Forgets everything cached: the transaction has ended.</summary>
    public void Clear()
    {
        _nextConversationId = 0;
        _conversations.Clear();
        _byId.Clear();
        _absent.Clear();
        _writeBack.Clear();
    }

    public ConversationState GetOrCreate(string platform, ParsedEvent parsed, bool simulated)
    {
        var key = new ConversationKey(platform, parsed.AccountId, parsed.ParticipantId);
        if (_conversations.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var state = _absent.Contains(key) ? null : _lookup.Find(key);
        if (state is null && parsed.Identity is { } identity)
        {
            state = _lookup.FindByAlias(key);
            if (state is null && identity.Phone is not null && identity.UserId is { } userId
                && FindLinked(key with { Participant = userId }) is { } linked)
            {
                // Known by the BSUID beside the phone: the phone is linked once the event proves new (LinkIdentity).
                return linked;
            }
        }

        state ??= new ConversationState
        {
            Id = NextConversationId(),
            IsNew = true,
            Unsaved = true,
            Simulated = simulated,
            Platform = platform,
            AccountId = parsed.AccountId,
            ParticipantId = parsed.ParticipantId,
            ParticipantName = parsed.ParticipantName,
            CreatedAt = parsed.OccurredAt,
            LastActivityAt = parsed.OccurredAt,
        };

        return Remember(key, state);
    }

    /// <summary>Caches <paramref name="state"/> under <paramref name="key"/>, as the one state of its WhatsApp conversation.</summary>
    private ConversationState Remember(ConversationKey key, ConversationState state)
    {
        if (state.Platform == PlatformNames.WhatsApp)
        {
            if (_byId.TryGetValue(state.Id, out var known))
            {
                state = known;
            }
            else
            {
                _byId[state.Id] = state;
            }
        }

        _absent.Remove(key);
        _conversations[key] = state;
        return state;
    }

    /// <summary>The conversation <paramref name="key"/>'s participant is known by, directly or as an alias.</summary>
    private ConversationState? FindLinked(ConversationKey key)
    {
        if (_conversations.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var found = (_absent.Contains(key) ? null : _lookup.Find(key)) ?? _lookup.FindByAlias(key);
        return found is null ? null : Remember(key, found);
    }

    /// <summary>
    /// Makes every identifier a WhatsApp message carried lead to <paramref name="conversation"/>: an unknown one becomes
    /// an alias; one that leads to another conversation means both are one person, and they are merged. The display
    /// fields take the latest values. Returns the conversation the event belongs to after any merge.
    /// </summary>
    public ConversationState LinkIdentity(ConversationState conversation, WhatsAppIdentity identity, DateTimeOffset at)
    {
        conversation = Link(conversation, identity.Phone, at);
        conversation = Link(conversation, identity.UserId, at);
        SetIdentity(conversation, identity.Phone, identity.UserId, identity.ParentUserId, identity.Username);
        return conversation;
    }

    private ConversationState Link(ConversationState conversation, string? identifier, DateTimeOffset at)
    {
        if (identifier is null || identifier == conversation.ParticipantId || identifier == conversation.Phone || identifier == conversation.UserId)
        {
            return conversation;
        }

        var key = new ConversationKey(conversation.Platform, conversation.AccountId, identifier);
        var other = FindLinked(key);
        if (other is null)
        {
            _identities.AddAlias(conversation, identifier);
            _conversations[key] = conversation;
            return conversation;
        }

        return other == conversation ? conversation : Merge(conversation, other, at);
    }

    /// <summary>Two conversations turned out to be one person: the older one keeps everything of the newer one.</summary>
    private ConversationState Merge(ConversationState a, ConversationState b, DateTimeOffset at)
    {
        var (survivor, merged) = a.Id < b.Id ? (a, b) : (b, a);
        // The rollup moves both from the touches they credited before: the merged one to none.
        _rollup.Changing(survivor);
        _rollup.Changing(merged);
        AttributionRules.Merge(survivor, merged);
        if (survivor.Unsaved)
        {
            // Both are new in this transaction; the moves need the survivor's row.
            InsertConversation(survivor);
        }

        _identities.MoveInto(merged, survivor);
        _identities.Record(survivor.Id, at, IdentityEventKinds.Merged,
            $"Conversation {merged.Id} ({merged.ParticipantId}) was the same person and is merged into this one.");
        foreach (var key in _conversations.Where(c => c.Value == merged).Select(c => c.Key).ToList())
        {
            _conversations[key] = survivor;
        }

        _byId[merged.Id] = survivor;
        survivor.HasEvents |= merged.HasEvents;
        return survivor;
    }

    private static void SetIdentity(ConversationState conversation, string? phone, string? userId, string? parentUserId, string? username)
    {
        if ((phone is not null && phone != conversation.Phone) || (userId is not null && userId != conversation.UserId)
            || (parentUserId is not null && parentUserId != conversation.ParentUserId) || (username is not null && username != conversation.Username))
        {
            conversation.Phone = phone ?? conversation.Phone;
            conversation.UserId = userId ?? conversation.UserId;
            conversation.ParentUserId = parentUserId ?? conversation.ParentUserId;
            conversation.Username = username ?? conversation.Username;
            conversation.IdentityDirty = true;
        }
    }

    /// <summary>
    /// A BSUID changed: the conversations known by the phone, the previous or the current BSUID are one person. Returns
    /// false when none is known yet (nothing to link: the first message under any of them starts the conversation).
    /// </summary>
    public bool ApplyIdentityChange(IdentityChange change)
    {
        var platform = PlatformNames.WhatsApp;
        ConversationState? conversation = null;
        foreach (var identifier in (string?[])[change.Phone, change.PreviousUserId, change.CurrentUserId])
        {
            if (identifier is not null && conversation is null)
            {
                conversation = FindLinked(new ConversationKey(platform, change.AccountId, identifier));
            }
        }

        if (conversation is null)
        {
            return false;
        }

        var before = conversation.UserId;
        conversation = Link(conversation, change.Phone, change.OccurredAt);
        conversation = Link(conversation, change.PreviousUserId, change.OccurredAt);
        conversation = Link(conversation, change.CurrentUserId, change.OccurredAt);
        SetIdentity(conversation, change.Phone, change.CurrentUserId, change.CurrentParentUserId, null);
        if (before != change.CurrentUserId)
        {
            _identities.Record(conversation.Id, change.OccurredAt, IdentityEventKinds.UserIdChanged,
                $"WhatsApp user id changed from {change.PreviousUserId ?? before ?? "(none)"} to {change.CurrentUserId} ({change.Source.Replace('_', ' ')}).");
        }

        return true;
    }

    private long NextConversationId()
    {
        if (_nextConversationId == 0)
        {
            _nextConversationId = (_lastConversationId.ExecuteScalarInt64() ?? 0) + 1;
        }

        return _nextConversationId++;
    }

    private void InsertConversation(ConversationState c)
    {
        var insert = _insertConversation;
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

    private void SaveConversation(ConversationState c)
    {
        // The referral ids and times only ever move together.
        var referralsMoved = c.FirstReferralId != c.StoredFirstReferralId || c.LatestReferralId != c.StoredLatestReferralId;
        var update = referralsMoved ? _updateConversation : _updateConversationActivity;
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

    public void Dispose()
    {
        foreach (var statement in (IDisposable[])[_identities, _lastConversationId, _insertConversation, _updateConversation, _updateConversationActivity])
        {
            statement.Dispose();
        }
    }
}
