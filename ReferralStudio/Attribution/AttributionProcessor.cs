using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks.Inbox;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>
/// Drains the inbox: parses stored deliveries and applies them in transactions that also record their
/// outcomes and advance the inbox cursor, so each delivery takes effect exactly once even across
/// crashes. Whatever was stored but not processed before a stop is picked up at the next start.
/// </summary>
public sealed partial class AttributionProcessor(
    Database database,
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
    // Long transactions are what make processing fast: SQLite writes each dirty B-tree page once per
    // commit, and an event dirties pages in a dozen indexes. The inbox is a file of its own, so
    // acknowledgements never wait for this; the budget bounds how long dashboard edits, the senders'
    // status updates and the live board wait for a commit.
    private static readonly TimeSpan TransactionBudget = TimeSpan.FromMilliseconds(250);
    private const int EventsPerTransaction = 50_000;
    // Nice 10: about a tenth of a contended core's time next to nice-0 threads, all of an idle one.
    private const int ProcessorNice = 10;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connection = OpenConnection();
        // Before returning, so the watermark is known by the time the host has started.
        using (var max = connection.CreateCommand())
        {
            max.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM inbox.InboundDeliveries";
            progress.Stored((long)max.ExecuteScalar()!);
        }

        return RunOnOwnThread(() =>
        {
            using (connection)
            using (var store = CreateStore(connection))
            using (var select = CreatePendingSelect(connection))
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var storedBefore = progress.LastStoredId;
                    Drain(store, select, stoppingToken);

                    // Nothing pending up to this point: rejected and ignored deliveries count as done too.
                    progress.Processed(storedBefore);
                    try
                    {
                        progress.WaitForWorkAsync(stoppingToken).GetAwaiter().GetResult();
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            return 0L;
        });
    }

    /// <summary>
    /// Applies everything pending now on a connection of its own and returns the last delivery id applied.
    /// The same loop the background service runs; the processing benchmark drives it directly.
    /// </summary>
    internal Task<long> ProcessPendingAsync(CancellationToken cancellationToken) => RunOnOwnThread(() =>
    {
        using var connection = OpenConnection();
        using var store = CreateStore(connection);
        using var select = CreatePendingSelect(connection);
        return Drain(store, select, cancellationToken);
    });

    /// <summary>
    /// The writer blocks in SQLite for whole transactions: on a thread of its own it never takes one of
    /// the thread pool's few threads (two on a 2-core machine) from the requests and the inbox writer.
    /// Its priority is lowered so that, when the cores are busy, acknowledging webhooks comes first;
    /// processing then catches up from the durable inbox.
    /// </summary>
    private static Task<long> RunOnOwnThread(Func<long> work)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                BackgroundPriority.LowerCurrentThread(ProcessorNice);
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "Attribution processor",
        };
        thread.Start();
        return done.Task;
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
        // Pending deliveries after the cursor: the inbox's primary key range, no index needed.
        select.CommandText = """
            SELECT Id, ReceivedAt, Body, Simulated FROM inbox.InboundDeliveries
            WHERE Id > (SELECT LastDeliveryId FROM main.InboxCursors WHERE Id = 1) AND Id > $after AND Status = 0
            ORDER BY Id LIMIT $limit
            """;
        select.Parameters.AddWithValue("$after", 0L);
        select.Parameters.AddWithValue("$limit", DeliveriesPerQuery);
        return select;
    }

    /// <summary>
    /// Reads pending deliveries in id order and applies them until none is left. The next batch is read
    /// and parsed on another thread while the current one is written, so parsing overlaps the SQL;
    /// deliveries are still applied strictly in id order. A transaction spans batches until its
    /// budget is spent or nothing is left, and only then are the deliveries reported processed.
    /// </summary>
    private long Drain(AttributionStore store, SqliteCommand select, CancellationToken cancellationToken)
    {
        var transaction = new OpenTransaction(store, this);
        long after = 0;
        var parsed = Parse(ReadPending(select, store.Transaction, after));
        while (parsed.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            after = parsed[^1].Id;
            // Read on this connection (inside the open transaction, which sees the inbox as of its
            // start; later deliveries show up after the commit), parse on the thread pool.
            var next = ReadPending(select, store.Transaction, after);
            var nextParsed = next.Count == 0 ? Task.FromResult(new List<ParsedDelivery>()) : Task.Run(() => Parse(next), cancellationToken);
            foreach (var delivery in parsed)
            {
                transaction.Apply(delivery);
                if (transaction.Spent || cancellationToken.IsCancellationRequested)
                {
                    transaction.Commit();
                }
            }

            if (next.Count == 0)
            {
                transaction.Commit();
            }

            parsed = nextParsed.GetAwaiter().GetResult();
        }

        transaction.Commit();
        return after;
    }

    private static List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)> ReadPending(SqliteCommand select, SqliteTransaction? transaction, long after)
    {
        select.Transaction = transaction;
        select.Parameters[0].Value = after;
        var rows = new List<(long, DateTimeOffset, byte[], bool)>(DeliveriesPerQuery);
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), UnixMs.To(reader.GetInt64(1)), (byte[])reader.GetValue(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    /// <summary>Parsing needs no database, so it runs beside the writer.</summary>
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

    /// <summary>
    /// The processor's current transaction: open from the first delivery applied until
    /// <see cref="TransactionBudget"/> or <see cref="EventsPerTransaction"/> is reached (a delivery is
    /// never split). If applying fails, the whole transaction is rolled back and its deliveries are
    /// applied again one by one, so one bad delivery is parked without holding back the others.
    /// </summary>
    private sealed class OpenTransaction(AttributionStore store, AttributionProcessor processor)
    {
        private readonly List<ParsedDelivery> _deliveries = [];
        private long _began;
        private int _events;

        public bool Spent => _deliveries.Count > 0
            && (_events >= EventsPerTransaction || Stopwatch.GetElapsedTime(_began) >= TransactionBudget);

        public void Apply(ParsedDelivery delivery)
        {
            if (_deliveries.Count == 0)
            {
                store.Begin();
                _began = Stopwatch.GetTimestamp();
                _events = 0;
            }

            _deliveries.Add(delivery);
            try
            {
                store.Apply(delivery, processor.Now);
                _events += delivery.Result.Events.Count + delivery.Result.Rejected.Count;
            }
            catch (Exception ex)
            {
                store.Rollback();
                processor.ChunkFailed(ex, _deliveries.Count);
                foreach (var d in _deliveries)
                {
                    processor.ApplyAlone(store, d);
                }

                Done();
            }
        }

        public void Commit()
        {
            if (_deliveries.Count == 0)
            {
                return;
            }

            try
            {
                store.Commit();
            }
            catch (Exception ex)
            {
                store.Rollback();
                processor.ChunkFailed(ex, _deliveries.Count);
                foreach (var d in _deliveries)
                {
                    processor.ApplyAlone(store, d);
                }

                Done();
                return;
            }

            processor.WakeSenders(store);
            Done();
        }

        private void Done()
        {
            processor.Processed(_deliveries[^1].Id);
            _deliveries.Clear();
        }
    }

    private DateTimeOffset Now => time.GetUtcNow();

    private void ChunkFailed(Exception exception, int count) => LogChunkFailed(logger, exception, count);

    private void Processed(long deliveryId) => progress.Processed(deliveryId);

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
