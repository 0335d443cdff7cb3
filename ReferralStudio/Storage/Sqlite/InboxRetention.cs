using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// Drops the raw bodies of processed deliveries older than <see cref="InboxOptions.RetainProcessedBodiesFor"/>
/// (the body becomes empty; the row keeps its id, status and outcome). Only deliveries the processor took
/// (stored as pending) at or below the main file's cursor are touched, so a pending delivery always keeps
/// what the processor needs, and bodies the endpoint rejected stay for inspection. Rows are never deleted
/// here, and the inbox's ids are AUTOINCREMENT anyway: no id is ever issued twice, and the start-up pair
/// check reads the same high-water mark. Freed pages are reused by new deliveries (the file stops growing;
/// it shrinks only with VACUUM).
/// </summary>
public sealed partial class InboxRetention(
    SqliteFiles database,
    IOptions<InboxOptions> options,
    TimeProvider time,
    ILogger<InboxRetention> logger) : InboxBodyRetention(options, time, logger)
{
    // Short write transactions: the inbox writer, whose acknowledgements wait for its commits, shares the lock.
    private const int RowsPerTransaction = 256;

    // Every due body at or below this id was dropped by an earlier pass: the next one starts after it.
    private long _clearedThrough;

    public override Task<int> DropDueBodiesAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        if (Options.Value.RetainProcessedBodiesFor is not { } retain)
        {
            return 0;
        }

        var cutoff = UnixMs.From(Time.GetUtcNow() - retain);
        long cursor;
        using (var main = database.OpenWithoutInbox())
        using (var read = main.CreateCommand())
        {
            // The cursor only moves forward: whatever is at or below it now stays processed.
            read.CommandText = "SELECT LastDeliveryId FROM InboxCursors WHERE Id = 1";
            cursor = read.ExecuteScalar() is long id ? id : 0;
        }

        using var inbox = database.OpenInbox();
        // Dropped bodies are overwritten with zeros rather than left readable in free pages (they hold message texts);
        // set back before the connection returns to the pool the inbox writer draws from.
        SecureDelete(inbox, true);
        try
        {
            return Drop(inbox, cursor, cutoff, cancellationToken);
        }
        finally
        {
            SecureDelete(inbox, false);
        }
    }, cancellationToken);

    private static void SecureDelete(Microsoft.Data.Sqlite.SqliteConnection connection, bool on)
    {
        using var command = connection.CreateCommand();
        command.CommandText = on ? "PRAGMA secure_delete = ON;" : "PRAGMA secure_delete = OFF;";
        command.ExecuteNonQuery();
    }

    private int Drop(Microsoft.Data.Sqlite.SqliteConnection inbox, long cursor, long cutoff, CancellationToken cancellationToken)
    {
        using var first = inbox.CreateCommand();
        // The first processed delivery not yet due, in id order from where the last pass stopped (the primary
        // key's range, not the ReceivedAt index: this reads only what is due plus one row). Everything before it is due.
        first.CommandText = $"""
            SELECT Id FROM {InboxDbContext.DeliveriesTable} NOT INDEXED
            WHERE Id > $from AND Id <= $cursor AND ReceivedAt >= $cutoff ORDER BY Id LIMIT 1
            """;
        first.Parameters.AddWithValue("$from", _clearedThrough);
        first.Parameters.AddWithValue("$cursor", cursor);
        first.Parameters.AddWithValue("$cutoff", cutoff);
        var through = first.ExecuteScalar() is long notDue ? notDue - 1 : cursor;

        using var drop = inbox.CreateCommand();
        // length() of a blob reads its size from the row header, not its pages.
        drop.CommandText = $"UPDATE {InboxDbContext.DeliveriesTable} SET Body = x'' WHERE Id BETWEEN $low AND $high AND Status = 0 AND length(Body) > 0";
        var low = drop.Parameters.Add("$low", Microsoft.Data.Sqlite.SqliteType.Integer);
        var high = drop.Parameters.Add("$high", Microsoft.Data.Sqlite.SqliteType.Integer);
        var dropped = 0;
        for (var from = _clearedThrough + 1; from <= through && !cancellationToken.IsCancellationRequested; from += RowsPerTransaction)
        {
            low.Value = from;
            high.Value = Math.Min(from + RowsPerTransaction - 1, through);
            dropped += drop.ExecuteNonQuery();
            _clearedThrough = (long)high.Value;
        }

        if (dropped > 0)
        {
            LogDropped(logger, dropped, UnixMs.To(cutoff));
        }

        return dropped;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped the bodies of {Count} processed deliveries received before {Cutoff} (Inbox:RetainProcessedBodiesFor)")]
    private static partial void LogDropped(ILogger logger, int count, DateTimeOffset cutoff);
}
