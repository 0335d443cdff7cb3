using Microsoft.Extensions.Options;
using ReferralStudio.Hosting;
using ReferralStudio.Inbox;
using ReferralStudio.Messaging;
using ReferralStudio.Operations;
using ReferralStudio.Outbound;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>
/// Drains the inbox: parses stored deliveries and applies them in transactions that also record their
/// outcomes and advance the inbox cursor, so each delivery takes effect exactly once even across
/// crashes. Whatever was stored but not processed before a stop is picked up at the next start.
/// </summary>
public sealed class AttributionProcessor(
    IAttributionStorage storage,
    IInbox inbox,
    DeliveryProgress progress,
    IngestPressure pressure,
    IOptions<Webhooks.MetaOptions> meta,
    OutboundQueue outbound,
    GreetingSender greetings,
    Live.AttributionFeed live,
    ProcessorLease lease,
    TimeProvider time,
    ILogger<AttributionProcessor> logger) : BackgroundService
{
    private const int ParseAheadMinimum = 8;
    // The writer and parser threads run at nice 10: all of an idle core, about a tenth of a busy one
    // next to request handling. Acknowledging webhooks comes first; processing catches up from the inbox.
    private const int ProcessorNice = 10;

    private IPendingDeliveries? _pending;

    /// <summary>
    /// Learns the newest stored delivery before the host has started, so whoever waits for "everything stored so far"
    /// right after start waits for it. Not in <see cref="ExecuteAsync"/>: since .NET 10 the host runs all of it in
    /// the background, after start-up has returned.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _pending = inbox.OpenPending();
        progress.Stored(_pending.LastStoredId());
        // On SQLite this process holds the files, so it is the processor from here until it stops.
        lease.Acquired();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = _pending ?? throw new InvalidOperationException("Started without StartAsync.");
        return DedicatedThread.Run("Attribution processor", () =>
        {
            try
            {
                using (pending)
                using (var writer = storage.OpenWriter())
                using (var parser = new ParseAhead(Parse, ProcessorNice))
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        var storedBefore = progress.LastStoredId;
                        Drain(writer, pending, parser, stoppingToken);
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
            }
            finally
            {
                // Stopped or failed: this process no longer processes the inbox, and readiness says so.
                lease.Released();
            }

            return 0L;
        }, ProcessorNice);
    }

    /// <summary>
    /// Applies everything pending now with a writer of its own and returns the last delivery id applied.
    /// The same loop the background service runs; the processing benchmark drives it directly.
    /// </summary>
    internal Task<long> ProcessPendingAsync(CancellationToken cancellationToken) => DedicatedThread.Run("Attribution processor", () =>
    {
        using var writer = storage.OpenWriter();
        using var pending = inbox.OpenPending();
        using var parser = new ParseAhead(Parse, ProcessorNice);
        return Drain(writer, pending, parser, cancellationToken);
    }, ProcessorNice);

    /// <summary>
    /// Reads pending deliveries in id order and applies them until none is left. The next batch is read
    /// and parsed on another thread while the current one is written, so parsing overlaps the SQL;
    /// deliveries are still applied strictly in id order. A transaction spans batches until its
    /// budget is spent or the processor has caught up, and only then are the deliveries reported processed.
    /// </summary>
    private long Drain(IAttributionWriter writer, IPendingDeliveries pending, ParseAhead parser, CancellationToken cancellationToken)
    {
        var transaction = new OpenTransaction(writer, new CommitAnnouncer(outbound, greetings, live), progress, time, logger);
        pressure.Working();
        var after = writer.Cursor();
        // Everything up to the cursor was applied, by this run or an earlier one: the backlog starts from there.
        progress.Processed(after);
        var parsed = Parse(pending.ReadAfter(after));
        while (parsed.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            after = parsed[^1].Id;
            // Parse on the parser's thread while this one writes (a few deliveries are parsed here:
            // handing them over costs more).
            var next = pending.ReadAfter(after);
            var ahead = next.Count >= ParseAheadMinimum;
            if (ahead)
            {
                parser.Start(next);
            }

            for (var i = 0; i < parsed.Count; i++)
            {
                // Between deliveries: one of 1,000 events can be a few milliseconds of work, a batch of them seconds.
                if (pressure.Due())
                {
                    // Committed first, so nothing waits on the main file meanwhile.
                    transaction.Commit();
                    pressure.StepAsideAsync(cancellationToken).GetAwaiter().GetResult();
                }

                // What was read ahead lasts one transaction: one begun inside the batch reads ahead the rest of it.
                if (i == 0)
                {
                    transaction.Prefetch(parsed);
                }
                else if (!transaction.IsOpen)
                {
                    transaction.Prefetch(parsed.GetRange(i, parsed.Count - i));
                }

                var delivery = parsed[i];
                transaction.Apply(delivery);
                if (transaction.Spent || cancellationToken.IsCancellationRequested)
                {
                    transaction.Commit();
                }
            }

            // Caught up (the read found less than a full batch): commit now, so what arrives in a trickle
            // shows up at once; only a backlog fills transactions up to their budget.
            if (next.Count < IPendingDeliveries.BatchSize)
            {
                transaction.Commit();
            }

            parsed = ahead ? parser.Take() : Parse(next);
        }

        transaction.Commit();
        return after;
    }

    /// <summary>Parsing needs no database, so it runs beside the writer.</summary>
    private List<ParsedDelivery> Parse(List<PendingDelivery> batch)
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
