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
    // Bounds how long one transaction holds the write gate, and so the acknowledgement latency it can add.
    private const int EventsPerTransaction = 1_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var connection = database.Open();
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
        using var connection = database.Open();
        using var store = CreateStore(connection);
        using var select = CreatePendingSelect(connection);
        return await DrainAsync(store, select, cancellationToken);
    }

    private AttributionStore CreateStore(Microsoft.Data.Sqlite.SqliteConnection connection) =>
        new(connection, new PrefilledTextRefExtractor(whatsApp.Value.TextRefPattern), triggers, outbound, time);

    private static Microsoft.Data.Sqlite.SqliteCommand CreatePendingSelect(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        var select = connection.CreateCommand();
        select.CommandText = "SELECT Id, ReceivedAt, Body, Simulated FROM InboundDeliveries WHERE Status = 0 AND Id > $after ORDER BY Id LIMIT $limit";
        select.Parameters.AddWithValue("$after", 0L);
        select.Parameters.AddWithValue("$limit", DeliveriesPerQuery);
        return select;
    }

    /// <summary>Reads pending deliveries in id order and applies them until none is left.</summary>
    private async Task<long> DrainAsync(AttributionStore store, Microsoft.Data.Sqlite.SqliteCommand select, CancellationToken cancellationToken)
    {
        long after = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            select.Parameters[0].Value = after;
            var batch = ReadPending(select);
            if (batch.Count == 0)
            {
                break;
            }

            await ApplyAsync(store, batch, cancellationToken);
            after = batch[^1].Id;
            progress.Processed(after);
        }

        return after;
    }

    private List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)> ReadPending(Microsoft.Data.Sqlite.SqliteCommand select)
    {
        var rows = new List<(long, DateTimeOffset, byte[], bool)>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), UnixMs.To(reader.GetInt64(1)), (byte[])reader.GetValue(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    private async Task ApplyAsync(AttributionStore store, List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)> batch, CancellationToken stoppingToken)
    {
        var maxDepth = meta.Value.MaxJsonDepth;
        var chunk = new List<ParsedDelivery>();
        var events = 0;
        foreach (var (id, receivedAt, body, simulated) in batch)
        {
            // Parse outside the write gate: only the SQL needs to hold it.
            var parsed = new ParsedDelivery(id, receivedAt, MetaPayloadParser.Parse(body, maxDepth), simulated);
            chunk.Add(parsed);
            events += parsed.Result.Events.Count + parsed.Result.Rejected.Count;
            if (events >= EventsPerTransaction)
            {
                await CommitChunkAsync(store, chunk, stoppingToken);
                chunk.Clear();
                events = 0;
            }
        }

        if (chunk.Count > 0)
        {
            await CommitChunkAsync(store, chunk, stoppingToken);
        }
    }

    private async Task CommitChunkAsync(AttributionStore store, List<ParsedDelivery> chunk, CancellationToken stoppingToken)
    {
        using (await gate.EnterAsync(stoppingToken))
        {
            try
            {
                store.Begin();
                var now = time.GetUtcNow();
                foreach (var delivery in chunk)
                {
                    store.Apply(delivery, now);
                }

                store.Commit();
                WakeSenders(store);
                return;
            }
            catch (Exception ex)
            {
                store.Rollback();
                LogChunkFailed(logger, ex, chunk.Count);
            }

            // One bad delivery must not hold back the others: retry them one by one and park the culprit.
            foreach (var delivery in chunk)
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
            greetings.Signal.Set();
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
