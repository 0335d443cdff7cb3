using System.Data;
using Npgsql;
using NpgsqlTypes;
using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Postgres;

/// <summary>The inbox as a table of the PostgreSQL database (<c>inbounddeliveries</c>), on the app's data source.</summary>
public sealed class PostgresInbox(NpgsqlDataSource dataSource) : IInbox
{
    public IInboxAppender OpenAppender() => new PostgresInboxAppender(dataSource);

    public IPendingDeliveries OpenPending() => new PostgresPendingDeliveries(dataSource);

    public void Forget(IReadOnlyList<long> ids)
    {
        using var delete = dataSource.CreateCommand("DELETE FROM inbounddeliveries WHERE id = ANY(@ids)");
        delete.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. ids]));
        delete.ExecuteNonQuery();
    }
}

/// <summary>
/// Appends each group in one transaction and one round trip (the lock and a multi-row insert in one batch), then commits:
/// with <c>synchronous_commit</c> on, the group is on disk (in the WAL, flushed) before its 200 leaves.
/// </summary>
internal sealed class PostgresInboxAppender : IInboxAppender
{
    /// <summary>
    /// The inbox's transaction-scoped advisory lock ("RSInbox!" as a number). Several instances may append to one database,
    /// and the processor reads <c>id &gt; cursor</c>: were two groups to commit out of id order, a reader could see the
    /// higher ids first, move its cursor past them and never see the lower ones. Holding this lock from before the ids are
    /// drawn until the commit makes groups take ids and commit one after another. It costs nothing on one instance, and
    /// with several each group is still one commit (one WAL flush).
    /// </summary>
    internal const long AppendLockKey = 0x5253_496E_626F_7821;

    // unnest zips the arrays into rows in their order (WITH ORDINALITY + ORDER BY says so), and the identity hands out
    // ascending ids in that order; RETURNING's own order is not promised, so the ids are sorted before they are given back.
    private const string InsertSql = """
        INSERT INTO inbounddeliveries (receivedat, status, objecttype, body, reason, simulated)
        SELECT u.receivedat, u.status, u.objecttype, u.body, u.reason, u.simulated
        FROM unnest(@receivedat, @status, @objecttype, @body, @reason, @simulated)
             WITH ORDINALITY AS u(receivedat, status, objecttype, body, reason, simulated, n)
        ORDER BY u.n
        RETURNING id
        """;

    private readonly NpgsqlDataSource _dataSource;
    private NpgsqlConnection _connection;
    private NpgsqlBatch _batch;
    private bool _prepared;
    private readonly NpgsqlParameter<long[]> _receivedAt = new("receivedat", NpgsqlDbType.Array | NpgsqlDbType.Bigint);
    private readonly NpgsqlParameter<int[]> _status = new("status", NpgsqlDbType.Array | NpgsqlDbType.Integer);
    private readonly NpgsqlParameter<string?[]> _objectType = new("objecttype", NpgsqlDbType.Array | NpgsqlDbType.Text);
    private readonly NpgsqlParameter<byte[][]> _body = new("body", NpgsqlDbType.Array | NpgsqlDbType.Bytea);
    private readonly NpgsqlParameter<string?[]> _reason = new("reason", NpgsqlDbType.Array | NpgsqlDbType.Text);
    private readonly NpgsqlParameter<bool[]> _simulated = new("simulated", NpgsqlDbType.Array | NpgsqlDbType.Boolean);

    public PostgresInboxAppender(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        (_connection, _batch) = Connect();
    }

    /// <summary>
    /// The appender's session. The writer keeps one appender for its lifetime and fails only the group whose commit
    /// failed: a session the server or the network dropped is replaced at the next group.
    /// </summary>
    private (NpgsqlConnection, NpgsqlBatch) Connect()
    {
        var connection = _dataSource.OpenConnection();
        using (var durable = connection.CreateCommand())
        {
            // The server's default, said here so a database set to 'off' cannot acknowledge what a crash would lose.
            durable.CommandText = "SET synchronous_commit = on";
            durable.ExecuteNonQuery();
        }

        var batch = new NpgsqlBatch(connection);
        var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(@key)");
        lockCommand.Parameters.Add(new NpgsqlParameter<long>("key", AppendLockKey));
        var insert = new NpgsqlBatchCommand(InsertSql);
        insert.Parameters.AddRange(new NpgsqlParameter[] { _receivedAt, _status, _objectType, _body, _reason, _simulated });
        batch.BatchCommands.Add(lockCommand);
        batch.BatchCommands.Add(insert);
        // The leader, wherever it runs, wakes at the commit (PostgresNotifications); the newest id is its watermark.
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_notify('{PostgresChanges.InboxChannel}', (SELECT max(id) FROM inbounddeliveries)::text)"));
        _prepared = false;
        return (connection, batch);
    }

    public long Append(IReadOnlyList<InboxItem> group, Span<long> ids)
    {
        var count = group.Count;
        var receivedAt = new long[count];
        var status = new int[count];
        var objectType = new string?[count];
        var body = new byte[count][];
        var reason = new string?[count];
        var simulated = new bool[count];
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var item = group[i];
            receivedAt[i] = UnixMs.From(item.ReceivedAt);
            status[i] = (int)item.Status;
            objectType[i] = item.ObjectType;
            body[i] = item.Body;
            reason[i] = item.Reason;
            simulated[i] = item.Simulated;
            bytes += item.Body.Length;
        }

        (_receivedAt.TypedValue, _status.TypedValue, _objectType.TypedValue) = (receivedAt, status, objectType);
        (_body.TypedValue, _reason.TypedValue, _simulated.TypedValue) = (body, reason, simulated);

        if (_connection.State != ConnectionState.Open)
        {
            Close();
            (_connection, _batch) = Connect();
        }

        using var transaction = _connection.BeginTransaction();
        _batch.Transaction = transaction;
        if (!_prepared)
        {
            _batch.Prepare();
            _prepared = true;
        }

        var stored = 0;
        using (var reader = _batch.ExecuteReader())
        {
            // The lock's one row, then the ids.
            reader.NextResult();
            while (reader.Read())
            {
                ids[stored++] = reader.GetInt64(0);
            }
        }

        if (stored != count)
        {
            throw new InvalidOperationException($"The inbox stored {stored} of {count} deliveries.");
        }

        ids[..count].Sort();
        transaction.Commit();
        return bytes;
    }

    // Nothing to do between commits: PostgreSQL checkpoints on its own.
    public void Settle()
    {
    }

    public void Dispose() => Close();

    private void Close()
    {
        // The parameters outlive the session: free them for the next one's batch.
        foreach (var command in _batch.BatchCommands)
        {
            command.Parameters.Clear();
        }

        _batch.Dispose();
        _connection.Dispose();
    }
}

/// <summary>
/// Reads stored deliveries on a connection of its own, one short statement at a time (autocommit: no snapshot is held
/// between reads), with one prepared query.
/// </summary>
internal sealed class PostgresPendingDeliveries : IPendingDeliveries
{
    // Pending deliveries after the cursor: a range of the primary key.
    private static readonly string SelectSql =
        $"SELECT id, receivedat, body, simulated FROM inbounddeliveries WHERE id > @after AND status = 0 ORDER BY id LIMIT {IPendingDeliveries.BatchSize}";

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlParameter<long> _after = new("after", 0L);
    private NpgsqlConnection _connection;
    private NpgsqlCommand _select;

    public PostgresPendingDeliveries(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        (_connection, _select) = Connect();
    }

    public long LastStoredId()
    {
        Reconnect();
        using var max = new NpgsqlCommand("SELECT COALESCE(MAX(id), 0) FROM inbounddeliveries", _connection);
        return (long)max.ExecuteScalar()!;
    }

    public List<PendingDelivery> ReadAfter(long after)
    {
        Reconnect();
        _after.TypedValue = after;
        var rows = new List<PendingDelivery>(IPendingDeliveries.BatchSize);
        using var reader = _select.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new PendingDelivery(reader.GetInt64(0), UnixMs.To(reader.GetInt64(1)), reader.GetFieldValue<byte[]>(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    public void Dispose()
    {
        // The parameter outlives the session: free it for the next one's command.
        _select.Parameters.Clear();
        _select.Dispose();
        _connection.Dispose();
    }

    private (NpgsqlConnection, NpgsqlCommand) Connect()
    {
        var connection = _dataSource.OpenConnection();
        var select = new NpgsqlCommand(SelectSql, connection);
        select.Parameters.Add(_after);
        select.Prepare();
        return (connection, select);
    }

    // A session the server or the network dropped is replaced at the next read (the processor keeps its reader).
    private void Reconnect()
    {
        if (_connection.State != ConnectionState.Open)
        {
            Dispose();
            (_connection, _select) = Connect();
        }
    }
}
