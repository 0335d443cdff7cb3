using Microsoft.Data.Sqlite;
using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// Reads stored deliveries on a read-only connection to the inbox file, one short read at a time. Inside the
/// processor's transaction on the main file, its long transactions would pin the inbox's WAL, which could then
/// never start over while webhooks keep arriving.
/// </summary>
internal sealed class SqlitePendingDeliveries : IPendingDeliveries
{
    private readonly SqliteConnection _inbox;
    private readonly SqliteCommand _select;

    public SqlitePendingDeliveries(SqliteFiles files)
    {
        _inbox = files.OpenInboxReadOnly();
        _select = _inbox.CreateCommand();
        // Pending deliveries after the cursor: the inbox's primary key range, no index needed.
        _select.CommandText = $"SELECT Id, ReceivedAt, Body, Simulated FROM {InboxDbContext.DeliveriesTable} WHERE Id > $after AND Status = 0 ORDER BY Id LIMIT $limit";
        _select.Parameters.AddWithValue("$after", 0L);
        _select.Parameters.AddWithValue("$limit", IPendingDeliveries.BatchSize);
    }

    public long LastStoredId()
    {
        using var max = _inbox.CreateCommand();
        max.CommandText = $"SELECT COALESCE(MAX(Id), 0) FROM {InboxDbContext.DeliveriesTable}";
        return (long)max.ExecuteScalar()!;
    }

    public List<PendingDelivery> ReadAfter(long after)
    {
        _select.Parameters[0].Value = after;
        var rows = new List<PendingDelivery>(IPendingDeliveries.BatchSize);
        using var reader = _select.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new PendingDelivery(reader.GetInt64(0), UnixMs.To(reader.GetInt64(1)), (byte[])reader.GetValue(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    public void Dispose()
    {
        _select.Dispose();
        _inbox.Dispose();
    }
}
