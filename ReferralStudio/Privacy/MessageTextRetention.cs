using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Outbound;
using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Privacy;

/// <summary>
/// Clears the texts of messages received longer ago than <see cref="PrivacyOptions.RetainMessageTextsFor"/>: the event's
/// <c>Text</c> and raw JSON (which repeats it), and the text in outbound <c>message.received</c> payloads. The events stay
/// (times, kinds, refs, attribution), so the feed, analytics and timelines keep their counts. Like <see cref="InboxRetention"/>
/// it walks events in id order from where the last pass stopped, in short transactions, so the processor never waits long;
/// events are applied in the order they were received, so the first one not yet due ends the pass. Raw inbox bodies hold
/// the texts too: <c>Inbox:RetainProcessedBodiesFor</c> empties those. On SQLite (<paramref name="database"/> registered)
/// it works on the main file with zeroing deletes; on PostgreSQL through EF, each batch its own short transaction.
/// </summary>
public sealed partial class MessageTextRetention(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<PrivacyOptions> options,
    TimeProvider time,
    ILogger<MessageTextRetention> logger,
    SqliteFiles? database = null) : ScheduledWorker(new WakeSignal(), time, logger)
{
    private const int RowsPerTransaction = 512;
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    // Every due event at or below this id was cleared by an earlier pass: the next one starts after it.
    private long _clearedThrough;

    protected override async Task<TimeSpan?> RunDueAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RetainMessageTextsFor is not { } retain)
        {
            // Off: sleep until stopped.
            return null;
        }

        await ClearDueTextsAsync(cancellationToken);
        return retain < Interval ? retain : Interval;
    }

    /// <summary>One pass: clears every due text; returns how many events and outbound payloads it changed.</summary>
    public Task<int> ClearDueTextsAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RetainMessageTextsFor is not { } retain)
        {
            return Task.FromResult(0);
        }

        var cutoff = Time.GetUtcNow() - retain;
        return database is null ? ClearPostgresAsync(cutoff, cancellationToken) : Task.Run(() => ClearSqlite(database, UnixMs.From(cutoff), cancellationToken), cancellationToken);
    }

    private int ClearSqlite(SqliteFiles database, long cutoff, CancellationToken cancellationToken)
    {
        using var main = database.OpenWithoutInbox();
        try
        {
            // Cleared texts are overwritten with zeros, not left readable in the file's free space.
            Execute(main, "PRAGMA secure_delete = ON;");
            using var first = main.CreateCommand();
            // The first event not yet due, by primary key from where the last pass stopped: everything before it is due.
            first.CommandText = "SELECT Id FROM WebhookEvents WHERE Id > $from AND ReceivedAt >= $cutoff ORDER BY Id LIMIT 1";
            first.Parameters.AddWithValue("$from", _clearedThrough);
            first.Parameters.AddWithValue("$cutoff", cutoff);
            using var last = main.CreateCommand();
            last.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM WebhookEvents";
            var through = first.ExecuteScalar() is long notDue ? notDue - 1 : (long)last.ExecuteScalar()!;

            using var clear = main.CreateCommand();
            clear.CommandText = "UPDATE WebhookEvents SET Text = NULL, RawJson = NULL WHERE Id BETWEEN $low AND $high AND (Text IS NOT NULL OR RawJson IS NOT NULL)";
            var low = clear.Parameters.Add("$low", Microsoft.Data.Sqlite.SqliteType.Integer);
            var high = clear.Parameters.Add("$high", Microsoft.Data.Sqlite.SqliteType.Integer);
            var cleared = 0;
            for (var from = _clearedThrough + 1; from <= through && !cancellationToken.IsCancellationRequested; from += RowsPerTransaction)
            {
                low.Value = from;
                high.Value = Math.Min(from + RowsPerTransaction - 1, through);
                cleared += clear.ExecuteNonQuery();
                _clearedThrough = (long)high.Value;
            }

            using var payloads = main.CreateCommand();
            // By the CreatedAt index; the few due ones are rewritten without their text.
            payloads.CommandText = """
                UPDATE OutboundDeliveries SET Payload = json_set(Payload, '$.data.message.text', NULL)
                WHERE CreatedAt < $cutoff AND EventType = $type
                  AND (CASE WHEN json_valid(Payload) THEN json_extract(Payload, '$.data.message.text') END) IS NOT NULL
                """;
            payloads.Parameters.AddWithValue("$cutoff", cutoff);
            payloads.Parameters.AddWithValue("$type", EventTypes.MessageReceived);
            cleared += payloads.ExecuteNonQuery();

            if (cleared > 0)
            {
                LogCleared(logger, cleared, UnixMs.To(cutoff));
            }

            return cleared;
        }
        finally
        {
            // The connection goes back to the pool, where the processor takes it: as it came.
            Execute(main, "PRAGMA secure_delete = OFF;");
        }
    }

    /// <summary>
    /// The same pass on PostgreSQL. Payloads are rewritten in C# rather than by <c>jsonb_set</c>: PostgreSQL 15 cannot
    /// test text for JSON without failing the statement, and a rewrite through <see cref="JsonNode"/> keeps the payload's
    /// key order and form (as SQLite's <c>json_set</c> does), where jsonb would reorder it. A payload changed meanwhile is
    /// left for the next pass.
    /// </summary>
    private async Task<int> ClearPostgresAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var from = _clearedThrough;
        var notDue = await db.WebhookEvents.Where(e => e.Id > from && e.ReceivedAt >= cutoff).OrderBy(e => e.Id).Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken);
        var through = notDue is { } id ? id - 1 : await db.WebhookEvents.MaxAsync(e => (long?)e.Id, cancellationToken) ?? 0;

        var cleared = 0;
        for (var low = _clearedThrough + 1; low <= through && !cancellationToken.IsCancellationRequested; low += RowsPerTransaction)
        {
            var high = Math.Min(low + RowsPerTransaction - 1, through);
            var lowId = low;
            cleared += await db.WebhookEvents.Where(e => e.Id >= lowId && e.Id <= high && (e.Text != null || e.RawJson != null))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Text, (string?)null).SetProperty(e => e.RawJson, (string?)null), cancellationToken);
            _clearedThrough = high;
        }

        var due = await db.OutboundDeliveries.AsNoTracking()
            .Where(d => d.CreatedAt < cutoff && d.EventType == EventTypes.MessageReceived && d.Payload.Contains("\"text\""))
            .Select(d => new { d.Id, d.Payload }).ToListAsync(cancellationToken);
        foreach (var delivery in due)
        {
            if (WithoutMessageText(delivery.Payload) is { } payload)
            {
                cleared += await db.OutboundDeliveries.Where(d => d.Id == delivery.Id && d.Payload == delivery.Payload)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.Payload, payload), cancellationToken);
            }
        }

        if (cleared > 0)
        {
            LogCleared(logger, cleared, cutoff);
        }

        return cleared;
    }

    /// <summary>The payload with <c>data.message.text</c> set to null; null when it has no text there (or is not JSON).</summary>
    internal static string? WithoutMessageText(string payload)
    {
        try
        {
            if (JsonNode.Parse(payload) is JsonObject root && root["data"] is JsonObject data && data["message"] is JsonObject message
                && message["text"] is not null)
            {
                message["text"] = null;
                return root.ToJsonString();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static void Execute(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleared the message texts of {Count} events and outbound payloads received before {Cutoff} (Privacy:RetainMessageTextsFor)")]
    private static partial void LogCleared(ILogger logger, int count, DateTimeOffset cutoff);
}
