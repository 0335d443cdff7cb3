using ReferralStudio.Hosting;

namespace ReferralStudio.Inbox;

/// <summary>
/// Watermarks of the inbox: the newest stored delivery id and the newest id the processor has
/// finished. The writer wakes the processor through it, and callers can await "processed up to here"
/// instead of polling the database.
/// </summary>
public sealed class DeliveryProgress
{
    private readonly Lock _lock = new();
    private readonly List<(long Id, TaskCompletionSource Done)> _waiters = [];
    private readonly WakeSignal _work = new();
    private long _stored;
    private long _processed;
    private bool _abandoned;

    public long LastStoredId => Interlocked.Read(ref _stored);

    public long LastProcessedId => Interlocked.Read(ref _processed);

    /// <summary>Called after a commit: records the id and wakes the processor.</summary>
    public void Stored(long id)
    {
        InterlockedMax(ref _stored, id);
        Signal();
    }

    /// <summary>Wakes the processor without a new delivery (start-up, replays).</summary>
    public void Signal() => _work.Set();

    public Task WaitForWorkAsync(CancellationToken cancellationToken) => _work.WaitAsync(timeout: null, TimeProvider.System, cancellationToken);

    public void Processed(long id)
    {
        InterlockedMax(ref _processed, id);
        lock (_lock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Id <= id)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// The processor has stopped: every waiter for a delivery not yet processed is cancelled rather than left
    /// waiting or told it was processed.
    /// </summary>
    public void Abandon()
    {
        lock (_lock)
        {
            _abandoned = true;
            foreach (var (_, done) in _waiters)
            {
                done.TrySetCanceled();
            }

            _waiters.Clear();
        }
    }

    /// <summary>Completes once every delivery up to <paramref name="id"/> has been processed (cancelled if the processor stops first).</summary>
    public Task WhenProcessedAsync(long id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_processed >= id)
            {
                return Task.CompletedTask;
            }

            if (_abandoned)
            {
                return Task.FromCanceled(new CancellationToken(canceled: true));
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((id, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Completes once everything stored so far has been processed.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default) =>
        WhenProcessedAsync(LastStoredId, cancellationToken);

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
