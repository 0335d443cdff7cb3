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
public sealed class AttributionProcessor(
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
    private const int ParseAheadMinimum = 8;
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
            using (var parser = new ParseAhead(Parse, ProcessorNice))
            using (var checkpoints = new WalCheckpointer("Main file checkpoints", database.OpenWithoutInbox, logger, ProcessorNice))
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var storedBefore = progress.LastStoredId;
                    Drain(store, select, parser, checkpoints, stoppingToken);
                    if (stoppingToken.IsCancellationRequested)
                    {
                        // The drain may have stopped short: nothing it did not apply may be reported as processed.
                        break;
                    }

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

            // Whoever still waits for a delivery learns it was not applied by this process (the next start applies it).
            progress.Abandon();
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
        using var parser = new ParseAhead(Parse, ProcessorNice);
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
        var transaction = new OpenTransaction(store, checkpoints, new CommitAnnouncer(outbound, greetings, live), progress, time, logger);
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
            if (next.Count < PendingReader.BatchSize)
            {
                transaction.Commit();
            }

            parsed = ahead ? parser.Take() : Parse(next);
        }

        transaction.Commit();
        return after;
    }

    /// <summary>Parsing needs no database, so it runs beside the writer.</summary>
    private List<ParsedDelivery> Parse(List<StoredDelivery> batch)
    {
        var maxDepth = meta.Value.MaxJsonDepth;
        var parsed = new List<ParsedDelivery>(batch.Count);
        foreach (var (id, receivedAt, body, simulated) in batch)
        {
            parsed.Add(new ParsedDelivery(id, receivedAt, MetaPayloadParser.Parse(body, maxDepth), simulated));
        }

        return parsed;
    }
}
