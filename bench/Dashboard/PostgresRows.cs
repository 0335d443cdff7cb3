using Npgsql;
using NpgsqlTypes;

/// <summary>
/// The generator's rows as binary COPY into PostgreSQL, one COPY per table, each on its own connection so all of them
/// stream at once. Conversations and touches point at each other, and the tables fill in parallel: their foreign keys
/// are dropped for the load and added back at the end (which checks every row once, as a restore does).
/// </summary>
internal sealed class PostgresRows : IRowWriter
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly List<(string Table, string Name, string Definition)> _foreignKeys = [];
    private readonly List<NpgsqlConnection> _connections = [];
    private readonly NpgsqlBinaryImporter _trigger, _conversation, _touch, _message, _firing, _tag, _conversion;

    public PostgresRows(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        using (var connection = dataSource.OpenConnection())
        {
            using (var command = new NpgsqlCommand("""
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE contype = 'f' AND conrelid IN ('conversations'::regclass, 'referraltouches'::regclass)
                """, connection))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    _foreignKeys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
            }

            foreach (var (table, name, _) in _foreignKeys)
            {
                Exec(connection, $"ALTER TABLE {table} DROP CONSTRAINT {name}");
            }
        }

        _trigger = Import("""
            triggers (id, name, pattern, platforms, adids, priority, enabled, tags, greetingmode, createdat, updatedat, isdemo)
            """);
        _conversation = Import("""
            conversations (id, platform, accountid, participantid, participantname, participantusername, createdat, lastactivityat, windowexpiresat,
                firstreferralid, firstreferralat, latestreferralid, lastreferralat, messagecount, hasinboundtext, haswaitinggreeting, simulated)
            """);
        _touch = Import("""
            referraltouches (id, conversationid, eventid, ref, source, type, arrival, passive, iscampaigntouch, occurredat, receivedat,
                adid, triggerid, platform, accountid, participantid, simulated)
            """);
        _message = Import("""
            webhookevents (deliveryid, dedupkey, status, platform, kind, passive, accountid, participantid, occurredat, receivedat, messageid, text, conversationid)
            """);
        _firing = Import("triggerfirings (triggerid, conversationid, referraltouchid, captures, firedat)");
        _tag = Import("conversationtags (conversationid, label, triggerid, addedat)");
        _conversion = Import("conversions (conversationid, type, value, currency, occurredat, externalid, firsttouchid, lasttouchid, recordedat)");
    }

    public void Trigger(long id, string name, string pattern, long at)
    {
        var row = Row(_trigger);
        row.Write(id, NpgsqlDbType.Bigint);
        row.Write(name, NpgsqlDbType.Text);
        row.Write(pattern, NpgsqlDbType.Text);
        row.Write(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        row.Write(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        row.Write(0, NpgsqlDbType.Integer);
        row.Write(true, NpgsqlDbType.Boolean);
        row.Write(new[] { "campaign:x" }, NpgsqlDbType.Array | NpgsqlDbType.Text);
        row.Write(0, NpgsqlDbType.Integer);
        row.Write(at, NpgsqlDbType.Bigint);
        row.Write(at, NpgsqlDbType.Bigint);
        row.Write(false, NpgsqlDbType.Boolean);
    }

    public void Conversation(long id, string platform, string account, string participant, string? name, string? username, long created, long lastActivity,
        long windowExpires, long firstTouch, long firstTouchAt, long latestTouch, long latestTouchAt)
    {
        var row = Row(_conversation);
        row.Write(id, NpgsqlDbType.Bigint);
        row.Write(platform, NpgsqlDbType.Text);
        row.Write(account, NpgsqlDbType.Text);
        row.Write(participant, NpgsqlDbType.Text);
        Text(row, name);
        Text(row, username);
        row.Write(created, NpgsqlDbType.Bigint);
        row.Write(lastActivity, NpgsqlDbType.Bigint);
        row.Write(windowExpires, NpgsqlDbType.Bigint);
        row.Write(firstTouch, NpgsqlDbType.Bigint);
        row.Write(firstTouchAt, NpgsqlDbType.Bigint);
        row.Write(latestTouch, NpgsqlDbType.Bigint);
        row.Write(latestTouchAt, NpgsqlDbType.Bigint);
        row.Write(1, NpgsqlDbType.Integer);
        row.Write(true, NpgsqlDbType.Boolean);
        row.Write(false, NpgsqlDbType.Boolean);
        row.Write(false, NpgsqlDbType.Boolean);
    }

    public void Touch(long id, long conversation, string code, string source, string arrival, long at, string? ad, long? trigger, string platform, string account, string participant)
    {
        var row = Row(_touch);
        row.Write(id, NpgsqlDbType.Bigint);
        row.Write(conversation, NpgsqlDbType.Bigint);
        row.Write(id, NpgsqlDbType.Bigint);
        row.Write(code, NpgsqlDbType.Text);
        row.Write(source, NpgsqlDbType.Text);
        row.Write("OPEN_THREAD", NpgsqlDbType.Text);
        row.Write(arrival, NpgsqlDbType.Text);
        row.Write(false, NpgsqlDbType.Boolean);
        row.Write(true, NpgsqlDbType.Boolean);
        row.Write(at, NpgsqlDbType.Bigint);
        row.Write(at + 700, NpgsqlDbType.Bigint);
        Text(row, ad);
        if (trigger is { } t)
        {
            row.Write(t, NpgsqlDbType.Bigint);
        }
        else
        {
            row.WriteNull();
        }

        row.Write(platform, NpgsqlDbType.Text);
        row.Write(account, NpgsqlDbType.Text);
        row.Write(participant, NpgsqlDbType.Text);
        row.Write(false, NpgsqlDbType.Boolean);
    }

    public void Message(long delivery, string messageId, string platform, string account, string participant, long at, long conversation)
    {
        var row = Row(_message);
        row.Write(delivery, NpgsqlDbType.Bigint);
        row.Write(messageId, NpgsqlDbType.Text);
        row.Write(0, NpgsqlDbType.Integer);
        row.Write(platform, NpgsqlDbType.Text);
        row.Write("message", NpgsqlDbType.Text);
        row.Write(false, NpgsqlDbType.Boolean);
        row.Write(account, NpgsqlDbType.Text);
        row.Write(participant, NpgsqlDbType.Text);
        row.Write(at, NpgsqlDbType.Bigint);
        row.Write(at + 500, NpgsqlDbType.Bigint);
        row.Write(messageId, NpgsqlDbType.Text);
        row.Write("Hi, is this still available?", NpgsqlDbType.Text);
        row.Write(conversation, NpgsqlDbType.Bigint);
    }

    public void Firing(long trigger, long conversation, long touch, long at)
    {
        var row = Row(_firing);
        row.Write(trigger, NpgsqlDbType.Bigint);
        row.Write(conversation, NpgsqlDbType.Bigint);
        row.Write(touch, NpgsqlDbType.Bigint);
        row.Write(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        row.Write(at, NpgsqlDbType.Bigint);
    }

    public void Tag(long conversation, long trigger, long at)
    {
        var row = Row(_tag);
        row.Write(conversation, NpgsqlDbType.Bigint);
        row.Write("campaign:x", NpgsqlDbType.Text);
        row.Write(trigger, NpgsqlDbType.Bigint);
        row.Write(at, NpgsqlDbType.Bigint);
    }

    public void Conversion(long conversation, string type, double value, long at, string externalId, long firstTouch, long lastTouch)
    {
        var row = Row(_conversion);
        row.Write(conversation, NpgsqlDbType.Bigint);
        row.Write(type, NpgsqlDbType.Text);
        row.Write(value, NpgsqlDbType.Double);
        row.Write("EUR", NpgsqlDbType.Text);
        row.Write(at, NpgsqlDbType.Bigint);
        row.Write(externalId, NpgsqlDbType.Text);
        row.Write(firstTouch, NpgsqlDbType.Bigint);
        row.Write(lastTouch, NpgsqlDbType.Bigint);
        row.Write(at, NpgsqlDbType.Bigint);
    }

    /// <summary>Each COPY is one transaction: nothing to commit on the way.</summary>
    public void Checkpoint()
    {
    }

    public void Complete()
    {
        foreach (var importer in new[] { _trigger, _conversation, _touch, _message, _firing, _tag, _conversion })
        {
            importer.Complete();
            importer.Dispose();
        }

        using var connection = _dataSource.OpenConnection();
        foreach (var (table, name, definition) in _foreignKeys)
        {
            Exec(connection, $"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}");
        }

        // The generator gave these tables' ids: the identities continue after them, as the app's next inserts need.
        foreach (var table in new[] { "triggers", "conversations", "referraltouches" })
        {
            Exec(connection, $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
        }
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            // An importer not completed is cancelled when its connection closes.
            connection.Dispose();
        }
    }

    private NpgsqlBinaryImporter Import(string tableAndColumns)
    {
        var connection = _dataSource.OpenConnection();
        _connections.Add(connection);
        return connection.BeginBinaryImport($"COPY {tableAndColumns} FROM STDIN (FORMAT BINARY)");
    }

    private static NpgsqlBinaryImporter Row(NpgsqlBinaryImporter importer)
    {
        importer.StartRow();
        return importer;
    }

    private static void Text(NpgsqlBinaryImporter row, string? value)
    {
        if (value is null)
        {
            row.WriteNull();
        }
        else
        {
            row.Write(value, NpgsqlDbType.Text);
        }
    }

    private static void Exec(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
