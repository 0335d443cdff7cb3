using ReferralStudio.Inbox;

namespace ReferralStudio.Attribution;

/// <summary>
/// The processor's current transaction: open from the first delivery applied until <see cref="Budget"/> or
/// <see cref="EventsPerTransaction"/> is reached (a delivery is never split). If applying fails, the whole
/// transaction is rolled back and its deliveries are applied again one by one, so one bad delivery is parked
/// without holding back the others.
/// </summary>
internal sealed partial class OpenTransaction(
    IAttributionWriter store,
    CommitAnnouncer announcer,
    DeliveryProgress progress,
    TimeProvider time,
    ILogger logger)
{
    // Long transactions are what make a backlog go fast: SQLite writes each dirty B-tree page once per
    // commit, and an event dirties pages in a dozen indexes (bench/RESULTS.md, session 3: throughput by
    // transaction length). Only a backlog fills a transaction: the processor commits as soon as it has caught
    // up. The inbox is a file of its own, so acknowledgements never wait for this; during a backlog the
    // budget bounds how long dashboard edits, the senders' status updates and the live board wait.
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(6000);
    private const int EventsPerTransaction = 100_000;

    private readonly List<ParsedDelivery> _deliveries = [];
    private bool _open;
    private long _began;
    private int _events;

    public bool IsOpen => _open;

    public bool Spent => _deliveries.Count > 0
        && (_events >= EventsPerTransaction || time.GetElapsedTime(_began) >= Budget);

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
            LogPrefetchFailed(logger, ex);
        }
    }

    public void Apply(ParsedDelivery delivery)
    {
        BeginIfIdle();
        _deliveries.Add(delivery);
        try
        {
            store.Apply(delivery, time.GetUtcNow());
            _events += delivery.Result.Events.Count + delivery.Result.Rejected.Count;
        }
        catch (Exception ex)
        {
            RetryOneByOne(ex);
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
        announcer.Committed(store.Committed);
        Done();
        store.Settle();
    }

    private void BeginIfIdle()
    {
        if (!_open)
        {
            store.Begin();
            _open = true;
            _began = time.GetTimestamp();
            _events = 0;
        }
    }

    private void RetryOneByOne(Exception exception)
    {
        store.Rollback();
        _open = false;
        LogChunkFailed(logger, exception, _deliveries.Count);
        foreach (var delivery in _deliveries)
        {
            ApplyAlone(delivery);
        }

        Done();
    }

    private void ApplyAlone(ParsedDelivery delivery)
    {
        try
        {
            store.Begin();
            store.Apply(delivery, time.GetUtcNow());
            store.Commit();
            announcer.Committed(store.Committed);
        }
        catch (Exception ex)
        {
            store.Rollback();
            LogDeliveryFailed(logger, ex, delivery.Id);
            store.Begin();
            store.MarkFailed(delivery.Id, $"processing failed: {ex.Message}", time.GetUtcNow());
            store.Commit();
        }
    }

    private void Done()
    {
        progress.Processed(_deliveries[^1].Id);
        _deliveries.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying {Count} deliveries together failed; retrying them one by one")]
    private static partial void LogChunkFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading a batch's conversations ahead failed; they are read one by one")]
    private static partial void LogPrefetchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} could not be processed and was marked failed")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, long deliveryId);
}
