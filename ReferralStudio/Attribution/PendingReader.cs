using Microsoft.Data.Sqlite;
using ReferralStudio.Data;

namespace ReferralStudio.Attribution;

/// <summary>One delivery as the inbox stored it, not yet parsed.</summary>
internal readonly record struct StoredDelivery(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated);

/// <summary>
/// Reads stored deliveries after the cursor on a read-only connection of its own, one short read
/// at a time. Stored deliveries never change, so reading them outside the processor's transaction
/// is safe; inside it, the processor's long transactions would pin the inbox's WAL, which could then
/// never start over while webhooks keep arriving.
/// </summary>
internal sealed class PendingReader : IDisposable
{
    /// <summary>The most deliveries one read returns; fewer means the processor has caught up.</summary>
    public const int BatchSize = 256;

    private readonly SqliteConnection _inbox;
    private readonly SqliteCommand _select;
    private readonly SqliteCommand _cursor;

    /// <param name="database">Opens the inbox.</param>
    /// <param name="main">The processor's connection to the main file, where the cursor is.</param>
    public PendingReader(Database database, SqliteConnection main)
    {
        _inbox = database.OpenInboxReadOnly();
        _select = _inbox.CreateCommand();
        // Pending deliveries after the cursor: the inbox's primary key range, no index needed.
        _select.CommandText = "SELECT Id, ReceivedAt, Body, Simulated FROM InboundDeliveries WHERE Id > $after AND Status = 0 ORDER BY Id LIMIT $limit";
        _select.Parameters.AddWithValue("$after", 0L);
        _select.Parameters.AddWithValue("$limit", BatchSize);
        _cursor = main.CreateCommand();
        _cursor.CommandText = "SELECT LastDeliveryId FROM InboxCursors WHERE Id = 1";
    }

    /// <summary>The newest stored delivery.</summary>
    public long LastStoredId()
    {
        using var max = _inbox.CreateCommand();
        max.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM InboundDeliveries";
        return (long)max.ExecuteScalar()!;
    }

    /// <summary>The last delivery the main file has applied (read between transactions).</summary>
    public long Cursor() => _cursor.ExecuteScalar() is long id ? id : 0;

    public List<StoredDelivery> Read(long after)
    {
        _select.Parameters[0].Value = after;
        var rows = new List<StoredDelivery>(BatchSize);
        using var reader = _select.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new StoredDelivery(reader.GetInt64(0), UnixMs.To(reader.GetInt64(1)), (byte[])reader.GetValue(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    public void Dispose()
    {
        _select.Dispose();
        _cursor.Dispose();
        _inbox.Dispose();
    }
}
