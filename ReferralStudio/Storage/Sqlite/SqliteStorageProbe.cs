using Microsoft.Data.Sqlite;
using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>Readiness and lag reads on pooled read-only connections: WAL readers never wait for the writers.</summary>
public sealed class SqliteStorageProbe(SqliteFiles files) : IStorageProbe
{
    public void Ping()
    {
        using var main = new SqliteConnection(new SqliteConnectionStringBuilder(files.ConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString());
        main.Open();
        using (var command = main.CreateCommand())
        {
            // Reads the schema page, so a missing or unreadable file fails here rather than at the first real query.
            command.CommandText = "SELECT COUNT(*) FROM sqlite_schema";
            command.ExecuteScalar();
        }

        using var inbox = files.OpenInboxReadOnly();
        using var check = inbox.CreateCommand();
        check.CommandText = "SELECT COUNT(*) FROM sqlite_schema";
        check.ExecuteScalar();
    }

    public DateTimeOffset? OldestPendingReceivedAt(long after)
    {
        using var inbox = files.OpenInboxReadOnly();
        using var command = inbox.CreateCommand();
        // The primary key range above the watermark, first pending row: what SqlitePendingDeliveries reads next.
        command.CommandText = $"SELECT ReceivedAt FROM {InboxDbContext.DeliveriesTable} WHERE Id > $after AND Status = 0 ORDER BY Id LIMIT 1";
        command.Parameters.AddWithValue("$after", after);
        return command.ExecuteScalar() is long ms ? UnixMs.To(ms) : null;
    }
}
