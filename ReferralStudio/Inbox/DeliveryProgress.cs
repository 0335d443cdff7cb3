namespace ReferralStudio.Inbox;

/// <summary>
/// Watermarks of the inbox: the newest stored delivery id and the newest id the processor has
/// finished. The writer wakes the processor through it, and callers can await "processed up to here"
/// instead of polling the database. It also tells the processor when acknowledgements are queueing
/// for the disk (<see cref="Surging"/>), so processing can step aside for them.
/// </summary>
/// <param name="clock">Monotonic time for the surge window (the system's; a manual one in tests).</param>
public sealed class DeliveryProgress(TimeProvider? clock = null)
{
    /// <summary>
    /// A group commit this large means requests are queueing behind the inbox's fsync: at a steady
    /// 2,000 deliveries/s commits hold one or two, at the durable path's limit a hundred and more.
    /// </summary>
    public const int SurgeBatch = 32;

    /// <summary>
    /// The same in bytes: a few 1,000-event deliveries committed together (about 400 KB each) are a surge
    /// for the disk even when few requests wait.
    /// </summary>
    public const long SurgeBytes = 1024 * 1024;

    /// <summary>How long a surge lasts after the last commit that showed one.</summary>
    public static readonly TimeSpan SurgeHold = TimeSpan.FromMilliseconds(500);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private long _surgeUntil = long.MinValue;
    private readonly List<(long Id, TaskCompletionSource Done)> _waiters = [];
    private readonly SemaphoreSlim _work = new(0, 1);
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

    /// <summary>Called after a commit of <paramref name="count"/> deliveries, before their 200s go out.</summary>
    public void Stored(long id, int count, long bytes = 0)
    {
        if (count >= SurgeBatch || bytes >= SurgeBytes)
        {
            Volatile.Write(ref _surgeUntil, _clock.GetTimestamp() + (long)(SurgeHold.TotalSeconds * _clock.TimestampFrequency));
        }

        Stored(id);
    }

    /// <summary>
    /// True while webhooks arrive faster than single commits keep up with (a recent group commit held
    /// <see cref="SurgeBatch"/> deliveries or <see cref="SurgeBytes"/> or more): the processor then steps
    /// aside, so its CPU and disk writes do not slow the acknowledgements Meta is waiting for.
    /// </summary>
    public bool Surging => _clock.GetTimestamp() < Volatile.Read(ref _surgeUntil);

    /// <summary>Wakes the processor without a new delivery (start-up, replays).</summary>
    public void Signal()
    {
        lock (_lock)
        {
            if (_work.CurrentCount == 0)
            {
                _work.Release();
            }
        }
    }

    public Task WaitForWorkAsync(CancellationToken cancellationToken) => _work.WaitAsync(cancellationToken);

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
