using Microsoft.Data.Sqlite;
using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// Appends to the inbox file on the connection opened FULL (a commit is on disk, even across power loss,
/// before the 200 leaves), with one prepared insert. Checkpoints copy the WAL into the file and fsync it:
/// done beside the writer, never inside a commit whose requests are waiting for their 200.
/// </summary>
internal sealed class SqliteInboxAppender : IInboxAppender
{
    // About 1,000 WAL pages, SQLite's own auto-checkpoint point.
    private const long CheckpointEveryBytes = 4 * 1024 * 1024;

    private readonly SqliteConnection _connection;
    private readonly WalCheckpointer _checkpoints;
    private readonly PreparedStatement _insert;
    private long _sinceCheckpoint;

    public SqliteInboxAppender(SqliteFiles files, ILogger logger)
    {
        _connection = files.OpenInbox();
        using (var pragma = _connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA wal_autocheckpoint = 0;";
            pragma.ExecuteNonQuery();
        }

        _checkpoints = new WalCheckpointer("Inbox checkpoints", files.OpenInbox, logger, rewindWait: TimeSpan.FromMilliseconds(50));
        // Bound by position, no RETURNING (which runs each insert with a statement journal).
        _insert = new PreparedStatement(_connection, $"""
            INSERT INTO {InboxDbContext.DeliveriesTable} (ReceivedAt, Status, ObjectType, Body, Reason, Simulated)
            VALUES ($receivedAt, $status, $objectType, $body, $reason, $simulated)
            """, "$receivedAt", "$status", "$objectType", "$body", "$reason", "$simulated");
    }

    public long Append(IReadOnlyList<InboxItem> group, Span<long> ids)
    {
        long bytes = 0;
        using (var transaction = _connection.BeginTransaction())
        {
            for (var i = 0; i < group.Count; i++)
            {
                var item = group[i];
                _insert.Bind(1, item.ReceivedAt);
                _insert.Bind(2, (long)item.Status);
                _insert.Bind(3, item.ObjectType);
                _insert.BindBlob(4, item.Body);
                _insert.Bind(5, item.Reason);
                _insert.Bind(6, item.Simulated);
                ids[i] = _insert.ExecuteInsert()!.Value;
                bytes += item.Body.Length;
            }

            transaction.Commit();
        }

        _sinceCheckpoint += bytes;
        if (_sinceCheckpoint >= CheckpointEveryBytes)
        {
            _sinceCheckpoint = 0;
            _checkpoints.Request();
        }

        return bytes;
    }

    // Between commits, so the WAL can start over (meanwhile new deliveries wait in the queue).
    public void Settle() => _checkpoints.RewindIfLarge();

    public void Dispose()
    {
        _insert.Dispose();
        _checkpoints.Dispose();
        _connection.Dispose();
    }
}
