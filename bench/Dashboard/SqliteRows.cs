using Microsoft.Data.Sqlite;

/// <summary>
/// The generator's rows as prepared inserts into SQLite, committed every <see cref="IRowWriter.Checkpoint"/>. Conversations
/// point at their first and latest touch and touches at their conversation: both sides go in without the foreign key
/// checks (the ids are consistent by construction).
/// </summary>
internal sealed class SqliteRows : IRowWriter
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _trigger, _conversation, _touch, _message, _firing, _tag, _conversion;
    private SqliteTransaction _transaction;

    public SqliteRows(SqliteConnection connection)
    {
        _connection = connection;
        Exec("PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144;");
        _transaction = connection.BeginTransaction();
        _trigger = Command("""
            INSERT INTO Triggers (Id, Name, Pattern, Platforms, AdIds, Priority, Enabled, Tags, GreetingText, GreetingMode, CreatedAt, UpdatedAt)
            VALUES ($id, $name, $pattern, '[]', '[]', 0, 1, '["campaign:x"]', NULL, 0, $at, $at)
            """, "$id", "$name", "$pattern", "$at");
        _conversation = Command("""
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, ParticipantUsername, CreatedAt, LastActivityAt, WindowExpiresAt,
                FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
            VALUES ($id, $platform, $account, $participant, $name, $username, $created, $last, $window, $first, $firstAt, $latest, $latestAt, 1, 1, 0, 0)
            """, "$id", "$platform", "$account", "$participant", "$name", "$username", "$created", "$last", "$window", "$first", "$firstAt", "$latest", "$latestAt");
        _touch = Command("""
            INSERT INTO ReferralTouches (Id, ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt,
                AdId, TriggerId, Platform, AccountId, ParticipantId, Simulated)
            VALUES ($id, $conversation, $id, $ref, $source, 'OPEN_THREAD', $arrival, 0, 1, $at, $at + 700, $ad, $trigger, $platform, $account, $participant, 0)
            """, "$id", "$conversation", "$ref", "$source", "$arrival", "$at", "$ad", "$trigger", "$platform", "$account", "$participant");
        _message = Command("""
            INSERT INTO WebhookEvents (DeliveryId, DedupKey, Status, Platform, Kind, Passive, AccountId, ParticipantId, OccurredAt, ReceivedAt, MessageId, Text, ConversationId)
            VALUES ($id, $key, 0, $platform, 'message', 0, $account, $participant, $at, $at + 500, $key, 'Hi, is this still available?', $conversation)
            """, "$id", "$key", "$platform", "$account", "$participant", "$at", "$conversation");
        _firing = Command("""
            INSERT INTO TriggerFirings (TriggerId, ConversationId, ReferralTouchId, Captures, FiredAt) VALUES ($trigger, $conversation, $touch, '[]', $at)
            """, "$trigger", "$conversation", "$touch", "$at");
        _tag = Command("""
            INSERT INTO ConversationTags (ConversationId, Label, TriggerId, AddedAt) VALUES ($conversation, 'campaign:x', $trigger, $at)
            """, "$conversation", "$trigger", "$at");
        _conversion = Command("""
            INSERT INTO Conversions (ConversationId, Type, Value, Currency, OccurredAt, ExternalId, FirstTouchId, LastTouchId, RecordedAt)
            VALUES ($conversation, $type, $value, 'EUR', $at, $external, $first, $last, $at)
            """, "$conversation", "$type", "$value", "$at", "$external", "$first", "$last");
    }

    private IEnumerable<SqliteCommand> Commands => [_trigger, _conversation, _touch, _message, _firing, _tag, _conversion];

    public void Trigger(long id, string name, string pattern, long at) => Run(_trigger, id, name, pattern, at);

    public void Conversation(long id, string platform, string account, string participant, string? name, string? username, long created, long lastActivity,
        long windowExpires, long firstTouch, long firstTouchAt, long latestTouch, long latestTouchAt) =>
        Run(_conversation, id, platform, account, participant, name, username, created, lastActivity, windowExpires, firstTouch, firstTouchAt, latestTouch, latestTouchAt);

    public void Touch(long id, long conversation, string code, string source, string arrival, long at, string? ad, long? trigger, string platform, string account, string participant) =>
        Run(_touch, id, conversation, code, source, arrival, at, ad, trigger, platform, account, participant);

    public void Message(long delivery, string messageId, string platform, string account, string participant, long at, long conversation) =>
        Run(_message, delivery, messageId, platform, account, participant, at, conversation);

    public void Firing(long trigger, long conversation, long touch, long at) => Run(_firing, trigger, conversation, touch, at);

    public void Tag(long conversation, long trigger, long at) => Run(_tag, conversation, trigger, at);

    public void Conversion(long conversation, string type, double value, long at, string externalId, long firstTouch, long lastTouch) =>
        Run(_conversion, conversation, type, value, at, externalId, firstTouch, lastTouch);

    public void Checkpoint()
    {
        _transaction.Commit();
        _transaction.Dispose();
        _transaction = _connection.BeginTransaction();
        foreach (var command in Commands)
        {
            command.Transaction = _transaction;
        }
    }

    public void Complete()
    {
        _transaction.Commit();
        Exec("UPDATE sqlite_sequence SET seq = (SELECT MAX(Id) FROM Conversations) WHERE name = 'Conversations';");
    }

    public void Dispose()
    {
        foreach (var command in Commands)
        {
            command.Dispose();
        }

        _transaction.Dispose();
    }

    private void Exec(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params string[] names)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }
}
