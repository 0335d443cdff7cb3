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
/// campaign touches it inserted are added to their hour, day and key (under both models; touches through a code's link,
/// not through an ad: see <see cref="CampaignRollup"/>) and to their quarter hour and trigger the same way.
/// Prepared statements in the processor's session, like <see cref="AttributionWriter"/>'s.
/// </summary>
public sealed class CampaignRollupWriter : IDisposable
{
    // Committed keys and their ids; keys are never deleted, so an entry stays true. Bounded, refilled on demand.
    private const int KeyCacheLimit = 100_000;
    private readonly Dictionary<TouchKey, long> _keyIds = [];
    // Keys this transaction inserted (rolled back with it), by key (as the database compares them) and by id.
    private readonly Dictionary<TouchKey, long> _newKeyIds = new(TouchKey.AsStored);
    private readonly HashSet<long> _insertedKeys = [];
    private readonly Dictionary<ConversationState, (long? First, long? Latest)> _before = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<long, (TouchKey Key, long At)> _newTouches = [];
    private readonly Dictionary<(bool Hour, AttributionModel Model, long Start, TouchKey Key), (int Conversations, int Converted, int Touches)> _deltas = [];
    private readonly Dictionary<(long Start, long TriggerId), int> _touchQuarters = [];
    // The rollup's buckets this transaction changed, as (size, start), for their versions.
    private readonly List<(long Size, long Start)> _changedBuckets = [];
    // Campaign touches per hour and key, spread over the rollup's buckets (day, hour, both models) once at flush.
    private readonly Dictionary<(long Hour, TouchKey Key), int> _touchHours = [];
    // Committed touches a flush moves conversations from or to, read ahead in id order.
    private readonly Dictionary<long, CreditedTouch> _loaded = [];
    private readonly List<long> _toLoad = [];
    // Keys a flush needs whose ids are not known yet, by which of their parts are null (each shape its own query).
    private readonly List<TouchKey>[] _toFind = [.. Enumerable.Range(0, KeyShapes.Count).Select(_ => new List<TouchKey>())];
    private readonly HashSet<TouchKey> _finding = [];
    private readonly ConversationLookup _lookup;
    private readonly KeyShapes _findKey;
    private readonly IStatement _insertKey;
    private readonly IStatement _upsertHour;
    private readonly IStatement _upsertDay;
    private readonly IStatement _deleteEmptyHour;
    private readonly IStatement _deleteEmptyDay;
    private readonly IStatement _addTouches;
    private readonly IStatement _changeBucket;

    public CampaignRollupWriter(IWriterSession session, ConversationLookup lookup)
    {
        _lookup = lookup;
        _findKey = new KeyShapes(session);
        _insertKey = session.PrepareInsert("INSERT INTO CampaignKeys (TriggerId, Ref, AdId) VALUES ($trigger, $ref, $ad)", "$trigger", "$ref", "$ad");
        _upsertHour = Upsert(session, "CampaignHours");
        _upsertDay = Upsert(session, "CampaignDays");
        _deleteEmptyHour = DeleteEmpty(session, "CampaignHours");
        _deleteEmptyDay = DeleteEmpty(session, "CampaignDays");
        _addTouches = session.Prepare("""
            INSERT INTO TouchQuarters (Start, TriggerId, Touches) VALUES ($start, $trigger, $touches)
            ON CONFLICT (Start, TriggerId) DO UPDATE SET Touches = TouchQuarters.Touches + excluded.Touches
            """, "$start", "$trigger", "$touches");
        _changeBucket = session.Prepare(CampaignRollup.ChangeBucketSql, "$size", "$start");
    }

    private IEnumerable<IDisposable> Statements => [_findKey, _insertKey, _upsertHour, _upsertDay, _deleteEmptyHour, _deleteEmptyDay, _addTouches, _changeBucket];

    /// <summary>Starts a transaction's bookkeeping (the statements run in the connection's open transaction).</summary>
    public void Begin()
    {
        _before.Clear();
        _newTouches.Clear();
        _deltas.Clear();
        _touchQuarters.Clear();
        _touchHours.Clear();
        _changedBuckets.Clear();
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
        var key = new TouchKey(triggerId, @ref, adId);
        _newTouches[touchId] = (key, at);
        if (adId is null)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_touchHours, (CampaignRollup.BucketStart(at, CampaignRollup.HourMs), key), out _)++;
        }
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

        foreach (var ((hour, key), touches) in _touchHours)
        {
            Add(AttributionModel.First, key, hour, 0, 0, touches);
            Add(AttributionModel.Last, key, hour, 0, 0, touches);
        }

        ResolveKeys();
        foreach (var ((hour, model, start, key), (conversations, converted, touches)) in _deltas)
        {
            if (conversations == 0 && converted == 0 && touches == 0)
            {
                continue;
            }

            _changedBuckets.Add((hour ? CampaignRollup.HourMs : CampaignRollup.DayMs, start));
            var keyId = KeyId(key);
            var upsert = hour ? _upsertHour : _upsertDay;
            Bind(upsert, model, start, keyId);
            upsert.Bind(4, conversations);
            upsert.Bind(5, converted);
            upsert.Bind(6, touches);
            upsert.ExecuteDeferred();
        }

        // A bucket nothing is credited to any more goes, so moved conversations leave no empty rows behind; only a
        // bucket that lost something can have become empty. After every upsert, which the engine may then send as one.
        foreach (var ((hour, model, start, key), (conversations, converted, _)) in _deltas)
        {
            if (conversations < 0 || converted < 0)
            {
                var delete = hour ? _deleteEmptyHour : _deleteEmptyDay;
                Bind(delete, model, start, KeyId(key));
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

        // Last and in order, as every writer bumps versions, so no two transactions wait for each other's.
        _changedBuckets.Sort();
        for (var i = 0; i < _changedBuckets.Count; i++)
        {
            if (i > 0 && _changedBuckets[i] == _changedBuckets[i - 1])
            {
                continue;
            }

            _changeBucket.Bind(1, _changedBuckets[i].Size);
            _changeBucket.Bind(2, _changedBuckets[i].Start);
            _changeBucket.ExecuteDeferred();
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
        _toLoad.RemoveAll(id => _loaded.ContainsKey(id));
        _lookup.LoadTouches(_toLoad.Distinct().ToList(), _loaded);
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
            Add(model, key, at, -1, converted ? -1 : 0, 0);
        }

        if (to is { } current)
        {
            // A touch inserted by this transaction has no conversion yet: conversions only credit committed touches.
            if (_newTouches.TryGetValue(current, out var fresh))
            {
                Add(model, fresh.Key, fresh.At, 1, 0, 0);
            }
            else
            {
                var (key, at, convertedFirst, convertedLast) = _loaded[current];
                Add(model, key, at, 1, (model == AttributionModel.First ? convertedFirst : convertedLast) ? 1 : 0, 0);
            }
        }
    }

    private void Add(AttributionModel model, TouchKey key, long at, int conversations, int converted, int touches)
    {
        AddTo((true, model, CampaignRollup.BucketStart(at, CampaignRollup.HourMs), key), conversations, converted, touches);
        AddTo((false, model, CampaignRollup.BucketStart(at, CampaignRollup.DayMs), key), conversations, converted, touches);
    }

    private void AddTo((bool Hour, AttributionModel Model, long Start, TouchKey Key) bucket, int conversations, int converted, int touches)
    {
        ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_deltas, bucket, out _);
        sum = (sum.Conversations + conversations, sum.Converted + converted, sum.Touches + touches);
    }

    /// <summary>
    /// Finds the ids of every key the flush's moves name that is not known yet, in one read per shape of key, and adds
    /// the keys no row has yet.
    /// </summary>
    private void ResolveKeys()
    {
        // Room for every key this flush may add, so none it needs is forgotten before its upserts are written.
        if (_keyIds.Count + _deltas.Count > KeyCacheLimit)
        {
            _keyIds.Clear();
        }

        foreach (var (_, _, _, key) in _deltas.Keys)
        {
            if (!Known(key, out _) && _finding.Add(key))
            {
                _toFind[KeyShapes.Of(key)].Add(key);
            }
        }

        _finding.Clear();

        for (var shape = 0; shape < _toFind.Length; shape++)
        {
            _findKey[shape].ReadEach(_toFind[shape], KeyShapes.Bind, (found, key) =>
            {
                if (found.Step())
                {
                    Remember(key, found.GetInt64(0));
                }
            });
        }

        foreach (var shape in _toFind)
        {
            foreach (var key in shape)
            {
                if (!Known(key, out _))
                {
                    Insert(key);
                }
            }

            shape.Clear();
        }
    }

    private long KeyId(TouchKey key) => Known(key, out var id) ? id : throw new InvalidOperationException($"Campaign key {key} was not resolved.");

    private bool Known(TouchKey key, out long id) => _keyIds.TryGetValue(key, out id) || _newKeyIds.TryGetValue(key, out id);

    private void Remember(TouchKey key, long id)
    {
        // Found but inserted by this very transaction (the same ref in another case): not committed yet.
        if (_insertedKeys.Contains(id))
        {
            _newKeyIds[key] = id;
        }
        else
        {
            _keyIds[key] = id;
        }
    }

    /// <summary>
    /// A key the database has no row for. Another key this transaction added may match it (a ref in another case):
    /// <see cref="TouchKey.AsStored"/> tells for ASCII refs; for others only the database's own comparison can.
    /// </summary>
    private void Insert(TouchKey key)
    {
        if (!TouchKey.IsAscii(key.Ref) && _findKey.Find(key) is { } found)
        {
            _newKeyIds[key] = found;
            return;
        }

        BindKey(_insertKey, key);
        var id = _insertKey.ExecuteInsert()!.Value;
        _insertedKeys.Add(id);
        _newKeyIds[key] = id;
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
        INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value, Touches)
        VALUES ($model, $start, $key, $conversations, $converted, 0, 0.0, $touches)
        ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Conversations = {table}.Conversations + excluded.Conversations,
            Converted = {table}.Converted + excluded.Converted, Touches = {table}.Touches + excluded.Touches
        """, "$model", "$start", "$key", "$conversations", "$converted", "$touches");

    private static IStatement DeleteEmpty(IWriterSession session, string table) => session.Prepare($"""
        DELETE FROM {table} WHERE Model = $model AND Start = $start AND KeyId = $key AND Conversations = 0 AND Converted = 0 AND Conversions = 0 AND Touches = 0
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
public readonly record struct TouchKey(long? TriggerId, string? Ref, string? AdId)
{
    /// <summary>
    /// Keys as the campaign keys' unique index compares them where C# can tell: refs ignoring ASCII case (SQLite's
    /// NOCASE, PostgreSQL's lower() on ASCII); a ref with other letters compared exactly.
    /// </summary>
    public static IEqualityComparer<TouchKey> AsStored { get; } = new StoredComparer();

    public static bool IsAscii(string? text) => text is null || System.Text.Ascii.IsValid(text);

    private sealed class StoredComparer : IEqualityComparer<TouchKey>
    {
        public bool Equals(TouchKey a, TouchKey b) =>
            a.TriggerId == b.TriggerId && string.Equals(a.AdId, b.AdId, StringComparison.Ordinal)
            && string.Equals(a.Ref, b.Ref, IsAscii(a.Ref) && IsAscii(b.Ref) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

        public int GetHashCode(TouchKey key) => HashCode.Combine(key.TriggerId, key.AdId,
            key.Ref is null ? 0 : IsAscii(key.Ref) ? StringComparer.OrdinalIgnoreCase.GetHashCode(key.Ref) : StringComparer.Ordinal.GetHashCode(key.Ref));
    }
}

/// <summary>
/// The campaign key lookup, one query per shape of key (which of trigger, ref and ad are null): <c>= $value</c> or
/// <c>IS NULL</c> per part, which the unique index serves on both engines, where one query with
/// <c>IS NOT DISTINCT FROM</c> is a scan of the table on PostgreSQL.
/// </summary>
internal sealed class KeyShapes(IWriterSession session) : IDisposable
{
    public const int Count = 8;
    private readonly IStatement?[] _shapes = new IStatement?[Count];

    public IStatement this[int shape] => _shapes[shape] ??= Prepare(shape);

    public static int Of(TouchKey key) => (key.TriggerId is null ? 1 : 0) | (key.Ref is null ? 2 : 0) | (key.AdId is null ? 4 : 0);

    /// <summary>Binds the key's parts that are not null, in the order its shape's query names them.</summary>
    public static void Bind(IStatement statement, TouchKey key)
    {
        var position = 1;
        if (key.TriggerId is { } trigger)
        {
            statement.Bind(position++, trigger);
        }

        if (key.Ref is { } @ref)
        {
            statement.Bind(position++, @ref);
        }

        if (key.AdId is { } ad)
        {
            statement.Bind(position, ad);
        }
    }

    public long? Find(TouchKey key)
    {
        var statement = this[Of(key)];
        Bind(statement, key);
        return statement.ExecuteScalarInt64();
    }

    private IStatement Prepare(int shape)
    {
        var parameters = new List<string>(3);
        // Each part as the unique index names its column (the ref as lower(Ref) on PostgreSQL), also when it is null.
        string Part(int bit, string column, string parameter, string compared)
        {
            if ((shape & bit) != 0)
            {
                return column + " IS NULL";
            }

            parameters.Add(parameter);
            return compared;
        }

        var where = string.Join(" AND ",
            Part(1, "TriggerId", "$trigger", "TriggerId = $trigger"),
            Part(2, session.IgnoringCase("Ref"), "$ref", $"{session.IgnoringCase("Ref")} = {session.IgnoringCase("$ref")}"),
            Part(4, "AdId", "$ad", "AdId = $ad"));
        return session.Prepare($"SELECT Id FROM CampaignKeys WHERE {where}", [.. parameters]);
    }

    public void Dispose()
    {
        foreach (var statement in _shapes)
        {
            statement?.Dispose();
        }
    }
}

/// <summary>A committed touch a conversation credits: its key, time, and whether a conversion credits it (first / last touch).</summary>
public readonly record struct CreditedTouch(TouchKey Key, long At, bool ConvertedFirst, bool ConvertedLast);
