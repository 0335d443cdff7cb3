namespace ReferralStudio.Hosting;

/// <summary>
/// Wakes a background worker when there is new work, coalescing many signals into one wake-up,
/// or after a delay (the next scheduled retry), whichever comes first. No polling loop.
/// </summary>
public sealed class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Lock _lock = new();

    public void Set()
    {
        lock (_lock)
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
    }

    /// <summary>Waits for <see cref="Set"/> or until <paramref name="timeout"/> passes (infinite when null).</summary>
    public async Task WaitAsync(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (timeout is not { } delay)
        {
            await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource(delay, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _signal.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The delay ran out: time for the scheduled work.
        }
    }
}
