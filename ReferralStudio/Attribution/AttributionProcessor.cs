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
    private const int ParseAheadMinimum = 8;
    // Long transactions are what make a backlog go fast: SQLite writes each dirty B-tree page once per
    // commit, and an event dirties pages in a dozen indexes (bench/RESULTS.md, session 3: throughput by
    // transaction length). Only a backlog fills a transaction: the processor commits as soon as it has caught
    // up. The inbox is a file of its own, so acknowledgements never wait for this; during a backlog the
    // budget bounds how long dashboard edits, the senders' status updates and the live board wait.
    private static readonly TimeSpan TransactionBudget = TimeSpan.FromMilliseconds(6000);
    private const int EventsPerTransaction = 100_000;
    // While acknowledgements queue for the inbox's disk, the processor steps aside for up to MaxSurgeYield
    // at a time, then works for at least SurgeSlice (the live board keeps moving through a long surge).
    private static readonly TimeSpan MaxSurgeYield = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SurgeSlice = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SurgeCheckInterval = TimeSpan.FromMilliseconds(20);
    // The writer and parser threads run at nice 10: all of an idle core, about a tenth of a busy one
    // next to request handling. Acknowledging webhooks comes first; processing catches up from the inbox.
    private const int ProcessorNice = 10;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connection = OpenConnection();
        var select = new PendingReader(database, connection);
        // Before returning, so the watermark is known by the time the host has started.
        progress.Stored(select.LastStoredId());

        return DedicatedThread.Run("Attribution processor", () =>
        {
            using (connection)
            using (var store = CreateStore(connection))
            using (select)
            using (var parser = new ParseAhead(Parse))
            using (var checkpoints = new WalCheckpointer("Main file checkpoints", database.OpenWithoutInbox, logger, ProcessorNice))
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var storedBefore = progress.LastStoredId;
                    Drain(store, select, parser, checkpoints, stoppingToken);

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
        }, ProcessorNice);
    }

    /// <summary>
    /// Applies everything pending now on a connection of its own and returns the last delivery id applied.
    /// The same loop the background service runs; the processing benchmark drives it directly.
    /// </summary>
    internal Task<long> ProcessPendingAsync(CancellationToken cancellationToken) => DedicatedThread.Run("Attribution processor", () =>
    {
        using var connection = OpenConnection();
        using var store = CreateStore(connection);
        using var select = new PendingReader(database, connection);
        using var parser = new ParseAhead(Parse);
        using var checkpoints = new WalCheckpointer("Main file checkpoints", database.OpenWithoutInbox, logger, ProcessorNice);
        return Drain(store, select, parser, checkpoints, cancellationToken);
    }, ProcessorNice);

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
        var connection = database.OpenWithoutInbox();
        using var pragma = connection.CreateCommand();
        // Its commits skip the automatic checkpoint: a WalCheckpointer runs it beside the next transaction.
        pragma.CommandText = "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0; PRAGMA foreign_keys = OFF;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private AttributionStore CreateStore(SqliteConnection connection) =>
        new(connection, new PrefilledTextRefExtractor(whatsApp.Value.TextRefPattern), triggers, outbound, time);

    /// <summary>
    /// Reads pending deliveries in id order and applies them until none is left. The next batch is read
    /// and parsed on another thread while the current one is written, so parsing overlaps the SQL;
    /// deliveries are still applied strictly in id order. A transaction spans batches until its
    /// budget is spent or the processor has caught up, and only then are the deliveries reported processed.
    /// </summary>
    private long Drain(AttributionStore store, PendingReader select, ParseAhead parser, WalCheckpointer checkpoints, CancellationToken cancellationToken)
    {
        var transaction = new OpenTransaction(store, checkpoints, this);
        var surge = new SurgeYield(progress);
        var after = select.Cursor();
        var parsed = Parse(select.Read(after));
        while (parsed.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            after = parsed[^1].Id;
            // Parse on the parser's thread while this one writes (a few deliveries are parsed here:
            // handing them over costs more).
            var next = select.Read(after);
            var ahead = next.Count >= ParseAheadMinimum;
            if (ahead)
            {
                parser.Start(next);
            }

            transaction.Prefetch(parsed);
            foreach (var delivery in parsed)
            {
                // Between deliveries: one of 1,000 events can be a few milliseconds of work, a batch of them seconds.
                if (surge.Due())
                {
                    // Committed first, so nothing waits on the main file meanwhile.
                    transaction.Commit();
                    surge.StepAside(cancellationToken);
                }

                transaction.Apply(delivery);
                if (transaction.Spent || cancellationToken.IsCancellationRequested)
                {
                    transaction.Commit();
                }
            }

            // Caught up (the read found less than a full batch): commit now, so what arrives in a trickle
            // shows up at once; only a backlog fills transactions up to their budget.
            if (next.Count < DeliveriesPerQuery)
            {
                transaction.Commit();
            }

            parsed = ahead ? parser.Take() : Parse(next);
        }

        transaction.Commit();
        return after;
    }

    /// <summary>
    /// Acknowledging webhooks comes first: while they arrive faster than single commits keep up with,
    /// the processor's CPU and disk writes would slow every 200 (durable single-event deliveries/s on
    /// two cores: 27,497 with processing alongside, 43,598 without). Everything waiting is in the inbox
    /// already; the backlog is applied once the surge has passed. Through a long surge the processor
    /// still works <see cref="SurgeSlice"/> in every <see cref="MaxSurgeYield"/>.
    /// </summary>
    private sealed class SurgeYield(DeliveryProgress progress)
    {
        private long _workingSince = Stopwatch.GetTimestamp();

        /// <summary>Whether to step aside now: a surge, and this slice of work is done.</summary>
        public bool Due() => progress.Surging && Stopwatch.GetElapsedTime(_workingSince) >= SurgeSlice;

        public void StepAside(CancellationToken cancellationToken)
        {
            var until = Stopwatch.GetTimestamp() + (long)(MaxSurgeYield.TotalSeconds * Stopwatch.Frequency);
            while (progress.Surging && Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
            {
                cancellationToken.WaitHandle.WaitOne(SurgeCheckInterval);
            }

            _workingSince = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>
    /// Reads stored deliveries after the cursor on a read-only connection of its own, one short read
    /// at a time. Stored deliveries never change, so reading them outside the processor's transaction
    /// is safe; inside it, the processor's long transactions would pin the inbox's WAL, which could then
    /// never start over while webhooks keep arriving.
    /// </summary>
    private sealed class PendingReader : IDisposable
    {
        private readonly SqliteConnection _inbox;
        private readonly SqliteCommand _select;
        private readonly SqliteCommand _cursor;

        public PendingReader(Database database, SqliteConnection main)
        {
            _inbox = database.OpenInboxReadOnly();
            _select = _inbox.CreateCommand();
            // Pending deliveries after the cursor: the inbox's primary key range, no index needed.
            _select.CommandText = "SELECT Id, ReceivedAt, Body, Simulated FROM InboundDeliveries WHERE Id > $after AND Status = 0 ORDER BY Id LIMIT $limit";
            _select.Parameters.AddWithValue("$after", 0L);
            _select.Parameters.AddWithValue("$limit", DeliveriesPerQuery);
            _cursor = main.CreateCommand();
            _cursor.CommandText = "SELECT LastDeliveryId FROM InboxCursors WHERE Id = 1";
        }

        /// <summary>The newest stored delivery.</summary>
        public long LastStoredId()
        {
            using var max = _inbox.CreateCommand();
            max.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM InboundDeliveries";
            return (long)max.ExecuteScalar()!;
        }

        /// <summary>The last delivery the main file has applied (read between transactions).</summary>
        public long Cursor() => _cursor.ExecuteScalar() is long id ? id : 0;

        public List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)> Read(long after)
        {
            _select.Parameters[0].Value = after;
            var rows = new List<(long, DateTimeOffset, byte[], bool)>(DeliveriesPerQuery);
            using var reader = _select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), UnixMs.To(reader.GetInt64(1)), (byte[])reader.GetValue(2), reader.GetBoolean(3)));
            }

            return rows;
        }

        public void Dispose()
        {
            _select.Dispose();
            _cursor.Dispose();
            _inbox.Dispose();
        }
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
    /// Parses the next batch on a thread of its own, at the processor's lowered priority (on the thread
    /// pool, parsing would compete with request handling at full priority).
    /// </summary>
    private sealed class ParseAhead : IDisposable
    {
        private readonly Func<List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)>, List<ParsedDelivery>> _parse;
        private readonly SemaphoreSlim _input = new(0, 1);
        private readonly SemaphoreSlim _output = new(0, 1);
        private readonly Thread _thread;
        private List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)>? _rows;
        private List<ParsedDelivery>? _result;
        private Exception? _error;
        private bool _stopping;

        public ParseAhead(Func<List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)>, List<ParsedDelivery>> parse)
        {
            _parse = parse;
            _thread = new Thread(Run) { IsBackground = true, Name = "Attribution parser" };
            _thread.Start();
        }

        public void Start(List<(long Id, DateTimeOffset ReceivedAt, byte[] Body, bool Simulated)> rows)
        {
            _rows = rows;
            _input.Release();
        }

        public List<ParsedDelivery> Take()
        {
            _output.Wait();
            if (_error is { } error)
            {
                _error = null;
                throw new InvalidOperationException("Parsing deliveries failed.", error);
            }

            return _result!;
        }

        private void Run()
        {
            BackgroundPriority.LowerCurrentThread(ProcessorNice);
            while (true)
            {
                _input.Wait();
                if (_stopping)
                {
                    return;
                }

                try
                {
                    _result = _parse(_rows!);
                }
                catch (Exception ex)
                {
                    _error = ex;
                }

                _output.Release();
            }
        }

        public void Dispose()
        {
            _stopping = true;
            // Already signalled (a batch not yet taken up): the thread sees _stopping when it wakes.
            if (_input.CurrentCount == 0)
            {
                _input.Release();
            }

            _thread.Join();
            _input.Dispose();
            _output.Dispose();
        }
    }

    /// <summary>
    /// The processor's current transaction: open from the first delivery applied until
    /// <see cref="TransactionBudget"/> or <see cref="EventsPerTransaction"/> is reached (a delivery is
    /// never split). If applying fails, the whole transaction is rolled back and its deliveries are
    /// applied again one by one, so one bad delivery is parked without holding back the others.
    /// </summary>
    private sealed class OpenTransaction(AttributionStore store, WalCheckpointer checkpoints, AttributionProcessor processor)
    {
        private readonly List<ParsedDelivery> _deliveries = [];
        private bool _open;
        private long _began;
        private int _events;

        public bool Spent => _deliveries.Count > 0
            && (_events >= EventsPerTransaction || Stopwatch.GetElapsedTime(_began) >= TransactionBudget);

        /// <summary>Reads the conversations of a batch about to be applied, in one ordered pass.</summary>
        public void Prefetch(List<ParsedDelivery> batch)
        {
            BeginIfIdle();
            try
            {
                store.Prefetch(batch);
            }
            catch (Exception ex)
            {
                // Only an optimisation: whatever made a read fail fails again, and is handled, when applied.
                processor.PrefetchFailed(ex);
            }
        }

        public void Apply(ParsedDelivery delivery)
        {
            BeginIfIdle();
            _deliveries.Add(delivery);
            try
            {
                store.Apply(delivery, processor.Now);
                _events += delivery.Result.Events.Count + delivery.Result.Rejected.Count;
            }
            catch (Exception ex)
            {
                RetryOneByOne(ex);
            }
        }

        private void BeginIfIdle()
        {
            if (!_open)
            {
                store.Begin();
                _open = true;
                _began = Stopwatch.GetTimestamp();
                _events = 0;
            }
        }

        public void Commit()
        {
            if (!_open)
            {
                return;
            }

            if (_deliveries.Count == 0)
            {
                // Opened by a prefetch that read nothing worth keeping.
                store.Rollback();
                _open = false;
                return;
            }

            try
            {
                store.Commit();
            }
            catch (Exception ex)
            {
                RetryOneByOne(ex);
                return;
            }

            _open = false;
            checkpoints.Request();
            processor.WakeSenders(store);
            Done();
            checkpoints.RewindIfLarge();
        }

        private void RetryOneByOne(Exception exception)
        {
            store.Rollback();
            _open = false;
            processor.ChunkFailed(exception, _deliveries.Count);
            foreach (var delivery in _deliveries)
            {
                processor.ApplyAlone(store, delivery);
            }

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

    private void PrefetchFailed(Exception exception) => LogPrefetchFailed(logger, exception);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading a batch's conversations ahead failed; they are read one by one")]
    private static partial void LogPrefetchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} could not be processed and was marked failed")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, long deliveryId);
}

