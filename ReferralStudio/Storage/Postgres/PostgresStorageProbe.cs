using Npgsql;
using ReferralStudio.Data;

namespace ReferralStudio.Storage.Postgres;

/// <summary>Readiness and lag reads on pooled connections; plain reads never wait for the writers (MVCC).</summary>
public sealed class PostgresStorageProbe(NpgsqlDataSource database) : IStorageProbe
{
    public void Ping()
    {
        // The inbox is a table of the same database: one read of it shows both are there.
        using var command = database.CreateCommand("SELECT COUNT(*) FROM (SELECT 1 FROM inbounddeliveries LIMIT 1) AS one");
        command.ExecuteScalar();
    }

    public DateTimeOffset? OldestPendingReceivedAt(long after)
    {
        using var command = database.CreateCommand("SELECT receivedat FROM inbounddeliveries WHERE id > $1 AND status = 0 ORDER BY id LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        return command.ExecuteScalar() is long ms ? UnixMs.To(ms) : null;
    }
}
