using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using ReferralStudio.Attribution;
using ReferralStudio.Data;

namespace ReferralStudio.Conversions;

/// <summary>
/// Keeps the campaign rollup equal to the base tables while the attribution processor moves conversations'
/// first and latest touches. During a transaction it only notes, per conversation, the credited touches it
/// started with and the keys of the touches it inserted; at commit it moves each changed conversation from the
/// old touch's hour, day and key to the new one's, summed per transaction and written as a few upserts.
/// Prepared statements on the processor's connection, like <see cref="AttributionStore"/>.
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
    private readonly SqliteCommand _loadTouch;
    private readonly SqliteCommand _findKey;
    private readonly SqliteCommand _insertKey;
    private readonly SqliteCommand _upsertHour;
    private readonly SqliteCommand _upsertDay;
    private readonly SqliteCommand _deleteHour;
    private readonly SqliteCommand _deleteDay;

    public CampaignRollupWriter(SqliteConnection connection)
    {
        _loadTouch = Sql.Command(connection, """
            SELECT TriggerId, Ref, AdId, OccurredAt,
                   EXISTS (SELECT 1 FROM Conversions WHERE FirstTouchId = $id), EXISTS (SELECT 1 FROM Conversions WHERE LastTouchId = $id)
            FROM ReferralTouches WHERE Id = $id
            """, "$id");
        _findKey = Sql.Command(connection, "SELECT Id FROM CampaignKeys WHERE TriggerId IS $trigger AND Ref IS $ref AND AdId IS $ad", "$trigger", "$ref", "$ad");
        _insertKey = Sql.Command(connection, "INSERT INTO CampaignKeys (TriggerId, Ref, AdId) VALUES ($trigger, $ref, $ad) RETURNING Id", "$trigger", "$ref", "$ad");
        _upsertHour = Upsert(connection, "CampaignHours");
        _upsertDay = Upsert(connection, "CampaignDays");
        _deleteHour = Delete(connection, "CampaignHours");
        _deleteDay = Delete(connection, "CampaignDays");
    }

    public IEnumerable<SqliteCommand> Commands => [_loadTouch, _findKey, _insertKey, _upsertHour, _upsertDay, _deleteHour, _deleteDay];

    public void Begin(SqliteTransaction transaction)
    {
        foreach (var command in Commands)
        {
            command.Transaction = transaction;
        }

        _before.Clear();
        _newTouches.Clear();
        _deltas.Clear();
        _newKeyIds.Clear();
        _insertedKeys.Clear();
    }

    /// <summary>
    /// A campaign touch was inserted and is about to be applied to <paramref name="conversation"/>: call before
    /// <see cref="AttributionRules.ApplyCampaignTouch"/>, so the conversation's credited touches are still the old ones.
    /// </summary>
    public void Touch(ConversationState conversation, long touchId, long? triggerId, string? @ref, string? adId, DateTimeOffset occurredAt)
    {
        _before.TryAdd(conversation, (conversation.FirstReferralId, conversation.LatestReferralId));
        _newTouches[touchId] = (new TouchKey(triggerId, @ref, adId), UnixMs.From(occurredAt));
    }

    /// <summary>Writes this transaction's moves; call inside the transaction, just before it commits.</summary>
    public void Flush()
    {
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
            Sql.Set(upsert, (int)model, start, keyId, conversations, converted);
            using (var reader = upsert.ExecuteReader())
            {
                // A bucket nothing is credited to any more goes, so moved conversations leave no empty rows behind.
                if (!reader.Read() || reader.GetInt64(0) != 0 || reader.GetInt64(1) != 0 || reader.GetInt64(2) != 0)
                {
                    continue;
                }
            }

            var delete = hour ? _deleteHour : _deleteDay;
            Sql.Set(delete, (int)model, start, keyId);
            delete.ExecuteNonQuery();
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
            var (key, at, convertedFirst, convertedLast) = LoadTouch(old);
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
                var (key, at, convertedFirst, convertedLast) = LoadTouch(current);
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

    private (TouchKey Key, long At, bool ConvertedFirst, bool ConvertedLast) LoadTouch(long touchId)
    {
        Sql.Set(_loadTouch, touchId);
        using var reader = _loadTouch.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"Referral touch {touchId} is a conversation's credited touch but does not exist.");
        }

        return (new TouchKey(
                reader.IsDBNull(0) ? null : reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2)),
            reader.GetInt64(3), reader.GetBoolean(4), reader.GetBoolean(5));
    }

    private long KeyId(TouchKey key)
    {
        if (_keyIds.TryGetValue(key, out var id) || _newKeyIds.TryGetValue(key, out id))
        {
            return id;
        }

        Sql.Set(_findKey, key.TriggerId, key.Ref, key.AdId);
        if (_findKey.ExecuteScalar() is long found)
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

        Sql.Set(_insertKey, key.TriggerId, key.Ref, key.AdId);
        id = (long)_insertKey.ExecuteScalar()!;
        _insertedKeys.Add(id);
        _newKeyIds[key] = id;
        return id;
    }

    private static SqliteCommand Upsert(SqliteConnection connection, string table) => Sql.Command(connection, $"""
        INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value)
        VALUES ($model, $start, $key, $conversations, $converted, 0, 0.0)
        ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Conversations = Conversations + excluded.Conversations, Converted = Converted + excluded.Converted
        RETURNING Conversations, Converted, Conversions
        """, "$model", "$start", "$key", "$conversations", "$converted");

    private static SqliteCommand Delete(SqliteConnection connection, string table) =>
        Sql.Command(connection, $"DELETE FROM {table} WHERE Model = $model AND Start = $start AND KeyId = $key", "$model", "$start", "$key");

    public void Dispose()
    {
        foreach (var command in Commands)
        {
            command.Dispose();
        }
    }

    /// <summary>What the analytics group a touch by (compared exactly here; the SQL lookup ignores the ref's case).</summary>
    private readonly record struct TouchKey(long? TriggerId, string? Ref, string? AdId);
}
