using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks.Inbox;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>
/// Drains the inbox: parses stored deliveries and applies them in transactions that also mark them
/// processed, so each delivery takes effect exactly once even across crashes. Whatever was stored
/// but not processed before a stop is picked up at the next start.
/// </summary>
public sealed partial class AttributionProcessor(
    Database database,
    SqliteWriteGate gate,
    DeliveryProgress progress,
    IOptions<WhatsAppOptions> whatsApp,
    IOptions<Webhooks.MetaOptions> meta,
    TriggerCatalog triggers,
    OutboundQueue outbound,
    GreetingSender greetings,
    Live.AttributionFeed live,
    TimeProvider time,
    ILogger<AttributionProcessor> logger) : BackgroundService
{
    private const int DeliveriesPerQuery = 256;
    // Bound how long one transaction holds the write gate, and so the acknowledgement latency it adds:
    // a transaction stops taking deliveries after this long (a commit costs well under a millisecond
    // in WAL mode with synchronous=NORMAL, so short transactions cost little throughput).
    private static readonly TimeSpan TransactionBudget = TimeSpan.FromMilliseconds(10);
    private const int EventsPerTransaction = 1_000;
    // Under sustained ingest the processor still gets the gate for at least this long per turn.
    private static readonly TimeSpan MinimumHold = TimeSpan.FromMilliseconds(0.5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var connection = OpenConnection();
        // Before the first await, so the watermark is known by the time the host has started.
        using (var max = connection.CreateCommand())
        {
            max.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM InboundDeliveries";
            progress.Stored((long)max.ExecuteScalar()!);
        }

        await Task.Yield();
        using var store = CreateStore(connection);
        using var select = CreatePendingSelect(connection);

        while (!stoppingToken.IsCancellationRequested)
        {
            var storedBefore = progress.LastStoredId;
            await DrainAsync(store, select, stoppingToken);

            // Nothing pending up to this point: rejected and ignored deliveries count as done too.
            progress.Processed(storedBefore);
            try
            {
                await progress.WaitForWorkAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Applies everything pending now on a connection of its own and returns the last delivery id applied.
    /// The same loop the background service runs; the processing benchmark drives it directly.
    /// </summary>
    internal async Task<long> ProcessPendingAsync(CancellationToken cancellationToken)
    {
        using var connection = OpenConnection();
        using var store = CreateStore(connection);
        using var select = CreatePendingSelect(connection);
        return await DrainAsync(store, select, cancellationToken);
    }

    /// <summary>
    /// The processor's connection gets a large page cache: each event touches a dozen B-tree indexes
    /// whose pages would otherwise be re-read from the OS on every insert once the tables outgrow
    /// SQLite's default 2 MB cache.
    /// </summary>
    private SqliteConnection OpenConnection()
    {
        var connection = database.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private AttributionStore CreateStore(SqliteConnection connection) =>
        new(connection, new PrefilledTextRefExtractor(whatsApp.Value.TextRefPattern), triggers, outbound, time);

    private static SqliteCommand CreatePendingSelect(SqliteConnection connection)
    {
        var select = connection.CreateCommand();
        select.CommandText = "SELECT Id, ReceivedAt, Body, Simulated FROM InboundDeliveries WHERE Status = 0 AND Id > $after ORDER BY Id LIMIT $limit";
        select.Parameters.AddWithValue("$after", 0L);
        select.Parameters.AddWithValue("$limit", DeliveriesPerQuery);
        return select;
    }

    /// <summary>
    /// Reads pending deliveries in id order and applies them until none is left. The next batch is read
    /// and parsed on another thread while the current one is written, so parsing
    /// overlaps the SQL; deliveries are still applied strictly in id order.
    /// </summary>
    private async Task<long> DrainAsync(AttributionStore store, SqliteCommand select, CancellationToken cancellationToken)
    {
        long after = 0;
        var batch = ReadPending(select, after);
        var parsed = Parse(batch);
        while (parsed.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            after = parsed[^1].Id;
            // Read on this connection (it is not in a transaction now), parse on the thread pool.
            var next = ReadPending(select, after);
            var nextParsed = next.Count == 0 ? Task.FromResult(new List<ParsedDelivery>()) : Task.Run(() => Parse(next), cancellationToken);
            await ApplyAsync(store, parsed, cancellationToken);
            progress.Processed(after);
            parsed = await nextParsed;
        }

        return after;
    }

    private static List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)> ReadPending(SqliteCommand select, long after)
    {
        select.Parameters[0].Value = after;
        var rows = new List<(long, DateTimeOffset, byte[], bool)>(DeliveriesPerQuery);
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), UnixMs.To(reader.GetInt64(1)), (byte[])reader.GetValue(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    /// <summary>Parsing needs no database, so it never holds the write gate.</summary>
    private List<ParsedDelivery> Parse(List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)> batch)
    {
        var maxDepth = meta.Value.MaxJsonDepth;
        var parsed = new List<ParsedDelivery>(batch.Count);
        foreach (var (id, receivedAt, body, simulated) in batch)
        {
            parsed.Add(new ParsedDelivery(id, receivedAt, MetaPayloadParser.Parse(body, maxDepth), simulated));
        }

        return parsed;
    }

    private async Task ApplyAsync(AttributionStore store, List<ParsedDelivery> batch, CancellationToken stoppingToken)
    {
        var next = 0;
        while (next < batch.Count)
        {
            next = await CommitChunkAsync(store, batch, next, stoppingToken);
        }
    }

    /// <summary>
    /// Applies deliveries from <paramref name="start"/> in one transaction until it has run for
    /// <see cref="TransactionBudget"/>, holds <see cref="EventsPerTransaction"/> events, or the inbox is
    /// waiting for the gate (after <see cref="MinimumHold"/>, so processing still progresses under
    /// sustained ingest); a delivery is never split. Returns the index of the first delivery not applied.
    /// </summary>
    private async Task<int> CommitChunkAsync(AttributionStore store, List<ParsedDelivery> batch, int start, CancellationToken stoppingToken)
    {
        using (await gate.EnterAsync(stoppingToken))
        {
            var began = Stopwatch.GetTimestamp();
            var end = start;
            try
            {
                store.Begin();
                var now = time.GetUtcNow();
                var events = 0;
                do
                {
                    var delivery = batch[end];
                    store.Apply(delivery, now);
                    events += delivery.Result.Events.Count + delivery.Result.Rejected.Count;
                    end++;
                }
                while (end < batch.Count && events < EventsPerTransaction && Stopwatch.GetElapsedTime(began) is var held
                    && held < TransactionBudget && !(gate.PriorityWaiting && held >= MinimumHold));

                store.Commit();
                WakeSenders(store);
                return end;
            }
            catch (Exception ex)
            {
                store.Rollback();
                LogChunkFailed(logger, ex, end - start + 1);
            }

            // One bad delivery must not hold back the others: retry them one by one and park the culprit.
            var last = Math.Min(end, batch.Count - 1);
            for (var i = start; i <= last; i++)
            {
                ApplyAlone(store, batch[i]);
            }

            return last + 1;
        }
    }

    private void ApplyAlone(AttributionStore store, ParsedDelivery delivery)
    {
        try
        {
            store.Begin();
            store.Apply(delivery, time.GetUtcNow());
            store.Commit();
            WakeSenders(store);
        }
        catch (Exception ex)
        {
            store.Rollback();
            LogDeliveryFailed(logger, ex, delivery.Id);
            store.Begin();
            store.MarkDelivery(delivery.Id, DeliveryStatus.Failed, $"processing failed: {ex.Message}", time.GetUtcNow(), default);
            store.Commit();
        }
    }

    /// <summary>Only after the commit may the senders see what the transaction queued.</summary>
    private void WakeSenders(AttributionStore store)
    {
        if (store.QueuedOutbound)
        {
            outbound.Wake();
        }

        if (store.QueuedGreeting)
        {
            greetings.Wake();
        }

        if (store.Notices.Count > 0)
        {
            live.Publish(store.Notices);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying {Count} deliveries together failed; retrying them one by one")]
    private static partial void LogChunkFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} could not be processed and was marked failed")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, long deliveryId);
}
