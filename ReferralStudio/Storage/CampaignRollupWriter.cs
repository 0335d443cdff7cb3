using System.Runtime.InteropServices;
using ReferralStudio.Attribution;
using ReferralStudio.Conversions;
using ReferralStudio.Data;

namespace ReferralStudio.Storage;

/// <summary>
/// Keeps the campaign rollup equal to the base tables while the attribution processor moves conversations'
/// first and latest touches. During a transaction it only notes, per conversation, the credited touches it
/// started with and the keys of the touches it inserted; at commit it moves each changed conversation from the
/// old touch's hour, day and key to the new one's, summed per transaction and written as a few upserts; the
/// campaign touches it inserted are added to their quarter hour and trigger the same way.
/// Prepared statements in the processor's session, like <see cref="AttributionWriter"/>'s.
/// </summary>
public sealed class CampaignRollupWriter : IDisposable
{
    // Committed keys and their ids; keys are never deleted, so an entry stays true. Bounded, refilled on demand.
    private const int KeyCacheLimit = 100_000;
    private readonly Dictionary<TouchKey, long> _keyIds = [];
    // Keys this transaction inserted (rolled back with it), by key and by id.
    private readonly Dictionary<TouchKey, long> _newKeyIds = [];
    private readonly HashSet<long> _insertedKeys = [];
    private readonly Dictionary<ConversationState, (long? First, long? Latest)> _before = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<long, (TouchKey Key, long At)> _newTouches = [];
    private readonly Dictionary<(bool Hour, AttributionModel Model, long Start, long KeyId), (int Conversations, int Converted)> _deltas = [];
    private readonly Dictionary<(long Start, long TriggerId), int> _touchQuarters = [];
    // Committed touches a flush moves conversations from or to, read ahead in id order.
    private readonly Dictionary<long, CreditedTouch> _loaded = [];
    private readonly List<long> _toLoad = [];
    private readonly ConversationLookup _lookup;
    private readonly IStatement _findKey;
    private readonly IStatement _insertKey;
    private readonly IStatement _upsertHour;
    private readonly IStatement _upsertDay;
    private readonly IStatement _deleteEmptyHour;
    private readonly IStatement _deleteEmptyDay;
    private readonly IStatement _addTouches;

    public CampaignRollupWriter(IWriterSession session, ConversationLookup lookup)
    {
        _lookup = lookup;
        _findKey = session.Prepare($"""
            SELECT Id FROM CampaignKeys
            WHERE TriggerId IS NOT DISTINCT FROM $trigger AND {session.IgnoringCase("Ref")} IS NOT DISTINCT FROM {session.IgnoringCase("$ref")} AND AdId IS NOT DISTINCT FROM $ad
            """, "$trigger", "$ref", "$ad");
        _insertKey = session.PrepareInsert("INSERT INTO CampaignKeys (TriggerId, Ref, AdId) VALUES ($trigger, $ref, $ad)", "$trigger", "$ref", "$ad");
        _upsertHour = Upsert(session, "CampaignHours");
        _upsertDay = Upsert(session, "CampaignDays");
        _deleteEmptyHour = DeleteEmpty(session, "CampaignHours");
        _deleteEmptyDay = DeleteEmpty(session, "CampaignDays");
        _addTouches = session.Prepare("""
            INSERT INTO TouchQuarters (Start, TriggerId, Touches) VALUES ($start, $trigger, $touches)
            ON CONFLICT (Start, TriggerId) DO UPDATE SET Touches = TouchQuarters.Touches + excluded.Touches
            """, "$start", "$trigger", "$touches");
    }

    private IEnumerable<IStatement> Statements => [_findKey, _insertKey, _upsertHour, _upsertDay, _deleteEmptyHour, _deleteEmptyDay, _addTouches];

    /// <summary>Starts a transaction's bookkeeping (the statements run in the connection's open transaction).</summary>
    public void Begin()
    {
        _before.Clear();
        _newTouches.Clear();
        _deltas.Clear();
        _touchQuarters.Clear();
        _newKeyIds.Clear();
        _insertedKeys.Clear();
        _loaded.Clear();
    }

    /// <summary>
    /// A campaign touch was inserted and is about to be applied to <paramref name="conversation"/>: call before
    /// <see cref="AttributionRules.ApplyCampaignTouch"/>, so the conversation's credited touches are still the old ones.
    /// </summary>
    public void Touch(ConversationState conversation, long touchId, long? triggerId, string? @ref, string? adId, DateTimeOffset occurredAt)
    {
        _before.TryAdd(conversation, (conversation.FirstReferralId, conversation.LatestReferralId));
        var at = UnixMs.From(occurredAt);
        _newTouches[touchId] = (new TouchKey(triggerId, @ref, adId), at);
        CollectionsMarshal.GetValueRefOrAddDefault(_touchQuarters, (CampaignRollup.BucketStart(at, CampaignRollup.QuarterMs), triggerId ?? CampaignRollup.NoTrigger), out _)++;
    }

    /// <summary>Notes the touches <paramref name="conversation"/> credits before something other than a new touch moves them (a merge).</summary>
    public void Changing(ConversationState conversation) =>
        _before.TryAdd(conversation, (conversation.FirstReferralId, conversation.LatestReferralId));

    /// <summary>Writes this transaction's moves; call inside the transaction, just before it commits.</summary>
    public void Flush()
    {
        LoadMovedTouches();
        foreach (var (conversation, before) in _before)
        {
            Move(AttributionModel.First, before.First, conversation.FirstReferralId);
            Move(AttributionModel.Last, before.Latest, conversation.LatestReferralId);
        }

        foreach (var ((hour, model, start, keyId), (conversations, converted)) in _deltas)
        {
            if (conversations == 0 && converted == 0)
            {
                continue;
            }

            var upsert = hour ? _upsertHour : _upsertDay;
            Bind(upsert, model, start, keyId);
            upsert.Bind(4, conversations);
            upsert.Bind(5, converted);
            upsert.ExecuteDeferred();
            // A bucket nothing is credited to any more goes, so moved conversations leave no empty rows
            // behind; only a bucket that lost something can have become empty.
            if (conversations < 0 || converted < 0)
            {
                var delete = hour ? _deleteEmptyHour : _deleteEmptyDay;
                Bind(delete, model, start, keyId);
                delete.ExecuteDeferred();
            }
        }

        foreach (var ((start, triggerId), touches) in _touchQuarters)
        {
            _addTouches.Bind(1, start);
            _addTouches.Bind(2, triggerId);
            _addTouches.Bind(3, touches);
            _addTouches.ExecuteDeferred();
        }
    }

    /// <summary>
    /// Reads every committed touch the moves need, in id order: one after another they mostly share the
    /// table's pages, where the conversations' order would read a different page for nearly each one.
    /// </summary>
    private void LoadMovedTouches()
    {
        foreach (var (conversation, before) in _before)
        {
            Need(before.First, conversation.FirstReferralId);
            Need(before.Latest, conversation.LatestReferralId);
        }

        _toLoad.Sort();
        foreach (var id in _toLoad)
        {
            if (!_loaded.ContainsKey(id))
            {
                _loaded[id] = _lookup.LoadTouch(id);
            }
        }

        _toLoad.Clear();

        void Need(long? from, long? to)
        {
            if (from == to)
            {
                return;
            }

            if (from is { } old)
            {
                _toLoad.Add(old);
            }

            if (to is { } current && !_newTouches.ContainsKey(current))
            {
                _toLoad.Add(current);
            }
        }
    }

    private void Move(AttributionModel model, long? from, long? to)
    {
        if (from == to)
        {
            return;
        }

        if (from is { } old)
        {
            var (key, at, convertedFirst, convertedLast) = _loaded[old];
            var converted = model == AttributionModel.First ? convertedFirst : convertedLast;
            Add(model, key, at, -1, converted ? -1 : 0);
        }

        if (to is { } current)
        {
            // A touch inserted by this transaction has no conversion yet: conversions only credit committed touches.
            if (_newTouches.TryGetValue(current, out var fresh))
            {
                Add(model, fresh.Key, fresh.At, 1, 0);
            }
            else
            {
                var (key, at, convertedFirst, convertedLast) = _loaded[current];
                Add(model, key, at, 1, (model == AttributionModel.First ? convertedFirst : convertedLast) ? 1 : 0);
            }
        }
    }

    private void Add(AttributionModel model, TouchKey key, long at, int conversations, int converted)
    {
        var keyId = KeyId(key);
        AddTo((true, model, CampaignRollup.BucketStart(at, CampaignRollup.HourMs), keyId), conversations, converted);
        AddTo((false, model, CampaignRollup.BucketStart(at, CampaignRollup.DayMs), keyId), conversations, converted);
    }

    private void AddTo((bool Hour, AttributionModel Model, long Start, long KeyId) bucket, int conversations, int converted)
    {
        ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_deltas, bucket, out _);
        sum = (sum.Conversations + conversations, sum.Converted + converted);
    }

    private long KeyId(TouchKey key)
    {
        if (_keyIds.TryGetValue(key, out var id) || _newKeyIds.TryGetValue(key, out id))
        {
            return id;
        }

        if (Find(key) is { } found)
        {
            // Found but inserted by this very transaction (the same ref in another case): not committed yet.
            if (_insertedKeys.Contains(found))
            {
                _newKeyIds[key] = found;
            }
            else
            {
                if (_keyIds.Count >= KeyCacheLimit)
                {
                    _keyIds.Clear();
                }

                _keyIds[key] = found;
            }

            return found;
        }

        BindKey(_insertKey, key);
        id = _insertKey.ExecuteInsert()!.Value;
        _insertedKeys.Add(id);
        _newKeyIds[key] = id;
        return id;
    }

    private long? Find(TouchKey key)
    {
        BindKey(_findKey, key);
        return _findKey.ExecuteScalarInt64();
    }

    private static void BindKey(IStatement statement, TouchKey key)
    {
        statement.Bind(1, key.TriggerId);
        statement.Bind(2, key.Ref);
        statement.Bind(3, key.AdId);
    }

    private static void Bind(IStatement statement, AttributionModel model, long start, long keyId)
    {
        statement.Bind(1, (long)model);
        statement.Bind(2, start);
        statement.Bind(3, keyId);
    }

    // No RETURNING: it would run the upsert with a statement journal; the rare empty bucket is deleted after.
    private static IStatement Upsert(IWriterSession session, string table) => session.Prepare($"""
        INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value)
        VALUES ($model, $start, $key, $conversations, $converted, 0, 0.0)
        ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Conversations = {table}.Conversations + excluded.Conversations, Converted = {table}.Converted + excluded.Converted
        """, "$model", "$start", "$key", "$conversations", "$converted");

    private static IStatement DeleteEmpty(IWriterSession session, string table) => session.Prepare($"""
        DELETE FROM {table} WHERE Model = $model AND Start = $start AND KeyId = $key AND Conversations = 0 AND Converted = 0 AND Conversions = 0
        """, "$model", "$start", "$key");

    public void Dispose()
    {
        foreach (var statement in Statements)
        {
            statement.Dispose();
        }
    }
}

/// <summary>What the analytics group a touch by (compared exactly here; the SQL lookup ignores the ref's case).</summary>
public readonly record struct TouchKey(long? TriggerId, string? Ref, string? AdId);

/// <summary>A committed touch a conversation credits: its key, time, and whether a conversion credits it (first / last touch).</summary>
public readonly record struct CreditedTouch(TouchKey Key, long At, bool ConvertedFirst, bool ConvertedLast);
