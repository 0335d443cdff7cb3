using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using ReferralStudio.Attribution;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>Opens the attribution processor's writers on the main file (it reads pending deliveries through <see cref="Inbox.IInbox"/>).</summary>
public sealed class SqliteAttributionStorage(
    SqliteFiles files,
    IOptions<WhatsAppOptions> whatsApp,
    TriggerCatalog triggers,
    OutboundQueue outbound,
    TimeProvider time,
    ILogger<SqliteAttributionStorage> logger) : IAttributionStorage
{
    // The checkpoint thread runs at the processor's priority: acknowledging webhooks comes first.
    private const int CheckpointNice = 10;

    public IAttributionWriter OpenWriter()
    {
        var connection = OpenConnection();
        try
        {
            var session = new SqliteWriterSession(connection, new WalCheckpointer("Main file checkpoints", files.OpenWithoutInbox, logger, CheckpointNice));
            return new AttributionWriter(session, new PrefilledTextRefExtractor(whatsApp.Value.TextRefPattern), triggers, outbound, time);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The processor's connection gets a large page cache: each event touches a dozen B-tree indexes
    /// whose pages would otherwise be re-read from the OS on every insert once the tables outgrow
    /// SQLite's default 2 MB cache.
    /// <para>
    /// It also writes without foreign key enforcement. Every row it writes references a row it read or
    /// created in the same transaction (a new conversation's row is inserted at commit, after its touches),
    /// so the checks can only be deferred, and deferred checks make each parent insert search every child
    /// table for orphans: a quarter of the processor's time (bench/RESULTS.md, session 4). The tests check
    /// what it wrote with <c>PRAGMA foreign_key_check</c>; every other connection enforces the keys.
    /// </para>
    /// </summary>
    private SqliteConnection OpenConnection()
    {
        // Without the inbox attached: every BEGIN IMMEDIATE would also open a read transaction on it (see SqliteFiles).
        var connection = files.OpenWithoutInbox();
        using var pragma = connection.CreateCommand();
        // Its commits skip the automatic checkpoint: a WalCheckpointer runs it beside the next transaction.
        pragma.CommandText = "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0; PRAGMA foreign_keys = OFF;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
