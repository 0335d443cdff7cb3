using System.Diagnostics;
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
    // Under sustained ingest the processor still gets the gate for at least this long per turn.
    private static readonly TimeSpan MinimumHold = TimeSpan.FromMilliseconds(0.5);

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
        using var store = new AttributionStore(connection, new PrefilledTextRefExtractor(whatsApp.Value.TextRefPattern), triggers, outbound, time);
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT Id, ReceivedAt, Body, Simulated FROM InboundDeliveries WHERE Status = 0 AND Id > $after ORDER BY Id LIMIT $limit";
        select.Parameters.AddWithValue("$after", 0L);
        select.Parameters.AddWithValue("$limit", DeliveriesPerQuery);

        while (!stoppingToken.IsCancellationRequested)
        {
            var storedBefore = progress.LastStoredId;
            long after = 0;
            while (true)
            {
                select.Parameters[0].Value = after;
                var batch = ReadPending(select);
                if (batch.Count == 0)
                {
                    break;
                }

                await ApplyAsync(store, batch, stoppingToken);
                after = batch[^1].Id;
                progress.Processed(after);
            }

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

    /// <summary>
    /// Applies the chunk in as few transactions as the inbox allows: one while nobody else needs the
    /// write gate, and as soon as the inbox is waiting (after holding the gate for at least
    /// <see cref="MinimumHold"/>, so processing still progresses under sustained load) it commits what
    /// it has and re-enters behind the inbox's group commit.
    /// </summary>
    private async Task CommitChunkAsync(AttributionStore store, List<ParsedDelivery> chunk, CancellationToken stoppingToken)
    {
        var next = 0;
        while (next < chunk.Count)
        {
            using (await gate.EnterAsync(stoppingToken))
            {
                var first = next;
                var entered = Stopwatch.GetTimestamp();
                try
                {
                    store.Begin();
                    var now = time.GetUtcNow();
                    do
                    {
                        store.Apply(chunk[next], now);
                        next++;
                    }
                    while (next < chunk.Count && !(gate.PriorityWaiting && Stopwatch.GetElapsedTime(entered) >= MinimumHold));

                    store.Commit();
                    WakeSenders(store);
                    continue;
                }
                catch (Exception ex)
                {
                    store.Rollback();
                    LogChunkFailed(logger, ex, next - first + 1);
                }

                // One bad delivery must not hold back the others: retry them one by one and park the culprit.
                var last = Math.Min(next, chunk.Count - 1);
                for (var i = first; i <= last; i++)
                {
                    ApplyAlone(store, chunk[i]);
                }

                next = last + 1;
            }
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
