using ReferralStudio.Attribution;
using ReferralStudio.Data;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Storage;

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
    // Absent keys a prefetch found no alias for either: their first event creates the conversation without asking again.
    private readonly HashSet<ConversationKey> _noAlias = [];
    private readonly List<ConversationKey> _aliasPrefetch = [];
    private readonly List<ConversationKey> _prefetch = [];
    private readonly List<ConversationState> _writeBack = [];
    private readonly ConversationRows _rows;
    private readonly Action<ConversationKey, ConversationState?> _found;
    private readonly Action<ConversationKey, ConversationState?> _foundByAlias;

    /// <summary>
    /// Works in <paramref name="session"/>; <paramref name="lookup"/> finds stored conversations (shared with the
    /// rollup; its owner disposes of it) and <paramref name="rollup"/> is told before a merge moves a conversation's credit.
    /// </summary>
    public ConversationCache(IWriterSession session, ConversationLookup lookup, CampaignRollupWriter rollup)
    {
        _lookup = lookup;
        _rollup = rollup;
        _identities = new ParticipantIdentities(session);
        _rows = new ConversationRows(session);
        _found = Found;
        _foundByAlias = FoundByAlias;
    }

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
                    if (parsed.Identity is not null)
                    {
                        _aliasPrefetch.Add(key);
                    }
                }
            }
        }

        _prefetch.Sort(ConversationKey.IndexOrder);
        // The same key twice in a batch is read once.
        var distinct = 0;
        for (var i = 0; i < _prefetch.Count; i++)
        {
            if (distinct == 0 || _prefetch[i] != _prefetch[distinct - 1])
            {
                _prefetch[distinct++] = _prefetch[i];
            }
        }

        _prefetch.RemoveRange(distinct, _prefetch.Count - distinct);
        try
        {
            _lookup.FindEach(_prefetch, _found);
            // A WhatsApp participant no conversation is keyed by may be one's alias (GetOrCreate asks the same).
            _aliasPrefetch.RemoveAll(key => !_absent.Contains(key) || _noAlias.Contains(key));
            _lookup.FindEachByAlias(_aliasPrefetch, _foundByAlias);
        }
        finally
        {
            _prefetch.Clear();
            _aliasPrefetch.Clear();
        }
    }

    private void FoundByAlias(ConversationKey key, ConversationState? state)
    {
        if (state is not null)
        {
            Remember(key, state);
        }
        else
        {
            _noAlias.Add(key);
        }
    }

    private void Found(ConversationKey key, ConversationState? state)
    {
        if (state is not null)
        {
            Remember(key, state);
        }
        else
        {
            _absent.Add(key);
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
                _rows.Insert(conversation);
                continue;
            }

            if (conversation.Dirty)
            {
                _rows.Save(conversation);
            }

            if (conversation.IdentityDirty)
            {
                _rows.SaveIdentity(conversation);
            }
        }
    }

    /// <summary>Forgets everything cached: the transaction has ended.</summary>
    public void Clear()
    {
        _conversations.Clear();
        _byId.Clear();
        _absent.Clear();
        _noAlias.Clear();
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
            state = _noAlias.Contains(key) ? null : _lookup.FindByAlias(key);
            if (state is null && identity.Phone is not null && identity.UserId is { } userId
                && FindLinked(key with { Participant = userId }) is { } linked)
            {
                // Known by the BSUID beside the phone: the phone is linked once the event proves new (LinkIdentity).
                return linked;
            }
        }

        state ??= new ConversationState
        {
            Id = _rows.NextId(),
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

        var found = (_absent.Contains(key) ? null : _lookup.Find(key)) ?? (_noAlias.Contains(key) ? null : _lookup.FindByAlias(key));
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
            _rows.Insert(survivor);
        }

        _identities.MoveInto(merged, survivor);
        _rows.Delete(merged);
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

    public void Dispose()
    {
        _identities.Dispose();
        _rows.Dispose();
    }
}
