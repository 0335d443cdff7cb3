using System.Threading.Channels;
using ReferralStudio.Data;
using ReferralStudio.Hosting;

namespace ReferralStudio.Inbox;

/// <summary>A delivery waiting to be committed, and the promise its request awaits.</summary>
public sealed class InboxItem(byte[] body, DeliveryStatus status, string? objectType, string? reason, DateTimeOffset receivedAt, bool simulated = false)
{
    public bool Simulated { get; } = simulated;
    public byte[] Body { get; } = body;
    public DeliveryStatus Status { get; } = status;
    public string? ObjectType { get; } = objectType;
    public string? Reason { get; } = reason;
    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    /// <summary>
    /// Stored by the app itself (the demo data), no request waiting for its 200: not counted toward a surge, so the
    /// processor does not step aside for it.
    /// </summary>
    public bool Bulk { get; init; }

    internal TaskCompletionSource<long> Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Group commit: requests queue their delivery and wait; one writer commits everything queued in a
/// single transaction and then releases them all. One fsync is shared by every request in the batch,
/// so durability before the 200 stays cheap under load. The inbox is a file of its own with this
/// writer as its only regular writer, so a commit never waits behind the processor.
/// </summary>
public sealed partial class InboxWriter(
    IInbox inbox,
    DeliveryProgress progress,
    IngestPressure pressure,
    ILogger<InboxWriter> logger) : BackgroundService
{
    private const int MaxBatch = 512;
    private readonly long[] _ids = new long[MaxBatch];

    private readonly Channel<InboxItem> _queue = Channel.CreateBounded<InboxItem>(new BoundedChannelOptions(16_384)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Completes with the delivery's id once it is committed to disk.</summary>
    public async Task<long> StoreAsync(InboxItem item, CancellationToken cancellationToken)
    {
        await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        return await item.Committed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        DedicatedThread.Run("Inbox writer", () => Write(stoppingToken));

    /// <summary>The writer loop: blocking commits, on a thread of its own.</summary>
    private void Write(CancellationToken stoppingToken)
    {
        using var appender = inbox.OpenAppender();
        var batch = new List<InboxItem>(MaxBatch);
        var reader = _queue.Reader;
        while (true)
        {
            try
            {
                if (!reader.WaitToReadAsync(stoppingToken).AsTask().GetAwaiter().GetResult())
                {
                    break;
                }
            }
            catch (OperationCanceledException)
            {
                // Stopping: the web server has already drained its requests; commit whatever they queued.
                if (!reader.TryPeek(out _))
                {
                    break;
                }
            }

            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                appender.Append(batch, _ids);

                // Recorded before the 200s go out, so whoever got one can wait for its processing.
                pressure.Committed(Requests(batch, out var bytes), bytes);
                progress.Stored(_ids[batch.Count - 1]);

                // Only now is every delivery in the batch on disk: release their 200s.
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Committed.TrySetResult(_ids[i]);
                }

                appender.Settle();
            }
            catch (Exception ex)
            {
                LogCommitFailed(logger, ex, batch.Count);
                foreach (var item in batch)
                {
                    item.Committed.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>How many of the batch are requests waiting for their 200, and their bytes: what a surge is made of.</summary>
    private static int Requests(List<InboxItem> batch, out long bytes)
    {
        var count = 0;
        bytes = 0;
        foreach (var item in batch)
        {
            if (!item.Bulk)
            {
                count++;
                bytes += item.Body.Length;
            }
        }

        return count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not commit {Count} inbound deliveries; their requests get 503 so Meta retries")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int count);
}
