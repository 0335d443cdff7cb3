using ReferralStudio.Attribution;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Storage;

/// <summary>A conversation's key: platform, business account, participant.</summary>
public readonly record struct ConversationKey(string Platform, string Account, string Participant)
{
    public static ConversationKey Of(ParsedEvent parsed) => new(PlatformNames.Of(parsed.Platform), parsed.AccountId, parsed.ParticipantId);

    /// <summary>The key index's own order: participant, platform, account (ordinal, like SQLite's BINARY collation and PostgreSQL's C collation).</summary>
    public static int IndexOrder(ConversationKey a, ConversationKey b)
    {
        var c = string.CompareOrdinal(a.Participant, b.Participant);
        c = c != 0 ? c : string.CompareOrdinal(a.Platform, b.Platform);
        return c != 0 ? c : string.CompareOrdinal(a.Account, b.Account);
    }
}

/// <summary>
/// Reads conversations by key, and the campaign keys of the touches they credit, with prepared statements on
/// the processor's connection: the store's conversation cache and the rollup's flush share it.
/// </summary>
public sealed class ConversationLookup : IDisposable
{
    private const string Columns = """
        Id, CreatedAt, LastActivityAt, WindowExpiresAt, FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt,
        MessageCount, HasInboundText, ParticipantName, HasWaitingGreeting,
        ParticipantPhone, ParticipantUserId, ParticipantParentUserId, ParticipantUsername, ParticipantId
        """;

    // Columns' positions: the conversation's own participant (the last of Columns), and where FindAny's queries
    // name the participant, platform and account a row was found by.
    private const int ParticipantColumn = 16;
    private const int FoundBy = ParticipantColumn + 1;

    private readonly IStatement _select;
    // Where each read is a round trip: a batch's conversations in one query, by participant.
    private readonly IStatement? _selectAny;
    private readonly List<string> _participants = [];
    private readonly HashSet<ConversationKey> _wanted = [];
    private readonly IStatement _selectByAlias;
    private readonly IStatement? _selectAnyAlias;
    private readonly IStatement _touch;

    public ConversationLookup(IWriterSession session)
    {
        _select = session.Prepare($"""
            SELECT {Columns}
            FROM Conversations WHERE Platform = $platform AND AccountId = $account AND ParticipantId = $participant
            """, "$platform", "$account", "$participant");
        _selectAny = session.DefersInserts
            ? session.Prepare($"SELECT {Columns}, ParticipantId, Platform, AccountId FROM Conversations WHERE ParticipantId {session.AnyOf("$participants")}", "$participants")
            : null;
        _selectAnyAlias = session.DefersInserts
            ? session.Prepare($"""
                SELECT {string.Join(", ", Columns.Split(',', StringSplitOptions.TrimEntries).Select(c => "c." + c))}, a.Alias, a.Platform, a.AccountId
                FROM ParticipantAliases a JOIN Conversations c ON c.Id = a.ConversationId WHERE a.Alias {session.AnyOf("$aliases")}
                """, "$aliases")
            : null;
        _selectByAlias = session.Prepare($"""
            SELECT {Columns} FROM Conversations WHERE Id =
                (SELECT ConversationId FROM ParticipantAliases WHERE Alias = $alias AND Platform = $platform AND AccountId = $account)
            """, "$alias", "$platform", "$account");
        _touch = session.Prepare("""
            SELECT TriggerId, Ref, AdId, OccurredAt,
                   EXISTS (SELECT 1 FROM Conversions WHERE FirstTouchId = $id), EXISTS (SELECT 1 FROM Conversions WHERE LastTouchId = $id)
            FROM ReferralTouches WHERE Id = $id
            """, "$id");
    }

    public ConversationState? Find(ConversationKey key)
    {
        BindKey(_select, key);
        try
        {
            return _select.Step() ? Read(_select, key) : null;
        }
        finally
        {
            _select.Reset();
        }
    }

    /// <summary>The conversation whose participant also goes by <paramref name="key"/>'s participant (an alias).</summary>
    public ConversationState? FindByAlias(ConversationKey key)
    {
        _selectByAlias.Bind(1, key.Participant);
        _selectByAlias.Bind(2, key.Platform);
        _selectByAlias.Bind(3, key.Account);
        try
        {
            return _selectByAlias.Step() ? Read(_selectByAlias, key with { Participant = _selectByAlias.GetString(ParticipantColumn)! }) : null;
        }
        finally
        {
            _selectByAlias.Reset();
        }
    }

    /// <summary>Looks up each of <paramref name="keys"/> (in one query where each read is a round trip) and tells <paramref name="found"/> what it found.</summary>
    public void FindEach(IReadOnlyList<ConversationKey> keys, Action<ConversationKey, ConversationState?> found)
    {
        if (_selectAny is null)
        {
            _select.ReadEach(keys, BindKey, (r, key) => found(key, r.Step() ? Read(r, key) : null));
        }
        else
        {
            FindAny(_selectAny, keys, found);
        }
    }

    /// <summary>
    /// Looks up the conversations whose participants also go by each of <paramref name="keys"/>' participants (aliases),
    /// in one query where each read is a round trip, and tells <paramref name="found"/> what it found.
    /// </summary>
    public void FindEachByAlias(IReadOnlyList<ConversationKey> keys, Action<ConversationKey, ConversationState?> found)
    {
        if (_selectAnyAlias is null)
        {
            foreach (var key in keys)
            {
                found(key, FindByAlias(key));
            }
        }
        else
        {
            FindAny(_selectAnyAlias, keys, found);
        }
    }

    /// <summary>
    /// Runs a query for the conversations of any of <paramref name="keys"/>' participants: its rows are the conversation's
    /// columns, then the participant it was found by, its platform and account. Rows for other keys (the same participant
    /// id with another account) are passed over.
    /// </summary>
    private void FindAny(IStatement query, IReadOnlyList<ConversationKey> keys, Action<ConversationKey, ConversationState?> found)
    {
        foreach (var key in keys)
        {
            if (_wanted.Add(key))
            {
                _participants.Add(key.Participant);
            }
        }

        try
        {
            query.Bind(1, _participants);
            while (query.Step())
            {
                var key = new ConversationKey(query.GetString(FoundBy + 1)!, query.GetString(FoundBy + 2)!, query.GetString(FoundBy)!);
                if (_wanted.Remove(key))
                {
                    // The conversation's own participant: the key itself, or the one an alias leads to.
                    found(key, Read(query, key with { Participant = query.GetString(ParticipantColumn, key.Participant)! }));
                }
            }

            foreach (var key in _wanted)
            {
                found(key, null);
            }
        }
        finally
        {
            query.Reset();
            _participants.Clear();
            _wanted.Clear();
        }
    }

    /// <summary>Reads the credited touches <paramref name="touchIds"/> into <paramref name="loaded"/> (in one round trip where the engine batches).</summary>
    public void LoadTouches(IReadOnlyList<long> touchIds, Dictionary<long, CreditedTouch> loaded) =>
        _touch.ReadEach(touchIds, static (r, id) => r.Bind(1, id), (r, id) =>
        {
            if (!r.Step())
            {
                throw new InvalidOperationException($"Referral touch {id} is a conversation's credited touch but does not exist.");
            }

            loaded[id] = new CreditedTouch(new TouchKey(r.GetInt64OrNull(0), r.GetString(1), r.GetString(2)), r.GetInt64(3), r.GetBoolean(4), r.GetBoolean(5));
        });

    private static void BindKey(IStatement statement, ConversationKey key)
    {
        statement.Bind(1, key.Platform);
        statement.Bind(2, key.Account);
        statement.Bind(3, key.Participant);
    }

    private static ConversationState Read(IStatement r, ConversationKey key) => new()
    {
        Id = r.GetInt64(0),
        Platform = key.Platform,
        AccountId = key.Account,
        ParticipantId = key.Participant,
        CreatedAt = r.GetDateTime(1),
        LastActivityAt = r.GetDateTime(2),
        WindowExpiresAt = r.GetDateTimeOrNull(3),
        FirstReferralId = r.GetInt64OrNull(4),
        StoredFirstReferralId = r.GetInt64OrNull(4),
        FirstReferralAt = r.GetDateTimeOrNull(5),
        LatestReferralId = r.GetInt64OrNull(6),
        StoredLatestReferralId = r.GetInt64OrNull(6),
        LastReferralAt = r.GetDateTimeOrNull(7),
        MessageCount = (int)r.GetInt64(8),
        HasInboundText = r.GetBoolean(9),
        ParticipantName = r.GetString(10),
        StoredName = r.GetString(10),
        HasWaitingGreeting = r.GetBoolean(11),
        // Usually the key itself (a WhatsApp conversation keyed by its phone or BSUID).
        Phone = r.GetString(12, key.Participant),
        UserId = r.GetString(13, key.Participant),
        ParentUserId = r.GetString(14),
        Username = r.GetString(15),
        StoredUsername = r.GetString(15),
    };

    public void Dispose()
    {
        _select.Dispose();
        _selectAny?.Dispose();
        _selectAnyAlias?.Dispose();
        _selectByAlias.Dispose();
        _touch.Dispose();
    }
}
