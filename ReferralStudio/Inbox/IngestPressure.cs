namespace ReferralStudio.Inbox;

/// <summary>
/// Acknowledging webhooks comes first. While they arrive faster than single commits keep up with (a group commit of
/// <see cref="SurgeBatch"/> deliveries or <see cref="SurgeBytes"/>), the processor's CPU and disk writes would slow
/// every 200 (bench/RESULTS.md, session 4: single-event ingest with and without processing alongside), so it steps
/// aside: everything waiting is in the inbox already and is applied once the surge has passed. Through a long surge it
/// still works <see cref="Slice"/> in every <see cref="MaxYield"/>, so the live board keeps moving. Measured and waited
/// for on the clock it is given: the system's monotonic one in the app (a surge is about scheduling now), a fake one
/// in tests.
/// </summary>
public sealed class IngestPressure(TimeProvider clock)
{
    /// <summary>
    /// A group commit this large means requests are queueing behind the inbox's fsync: at a steady 2,000
    /// deliveries/s commits hold one or two, at the durable path's limit a hundred and more.
    /// </summary>
    public const int SurgeBatch = 32;

    /// <summary>The same in bytes: a few 1,000-event deliveries committed together are a surge for the disk even when few requests wait.</summary>
    public const long SurgeBytes = 1024 * 1024;

    /// <summary>How long a surge lasts after the last commit that showed one.</summary>
    public static readonly TimeSpan SurgeHold = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest the processor steps aside at a time.</summary>
    public static readonly TimeSpan MaxYield = TimeSpan.FromSeconds(2);

    /// <summary>How long the processor works between steps aside during a surge.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100);

    private long _surgeUntil = long.MinValue;
    // The processor's side (one thread): when its current slice of work began.
    private long _workingSince = clock.GetTimestamp();

    /// <summary>True while a recent group commit showed acknowledgements queueing for the disk.</summary>
    public bool Surging => clock.GetTimestamp() < Volatile.Read(ref _surgeUntil);

    /// <summary>The inbox committed <paramref name="count"/> deliveries of <paramref name="bytes"/> together.</summary>
    public void Committed(int count, long bytes)
    {
        if (count >= SurgeBatch || bytes >= SurgeBytes)
        {
            Volatile.Write(ref _surgeUntil, clock.GetTimestamp() + Ticks(SurgeHold));
        }
    }

    /// <summary>The processor starts a run of work: its first slice begins now.</summary>
    public void Working() => _workingSince = clock.GetTimestamp();

    /// <summary>Whether the processor should step aside now: a surge, and its slice of work is done.</summary>
    public bool Due() => Surging && clock.GetElapsedTime(_workingSince) >= Slice;

    /// <summary>Waits until the surge has passed or <see cref="MaxYield"/> is over, whichever comes first.</summary>
    public async Task StepAsideAsync(CancellationToken cancellationToken)
    {
        var until = clock.GetTimestamp() + Ticks(MaxYield);
        while (!cancellationToken.IsCancellationRequested)
        {
            // A surge that goes on is extended by each commit showing one: look again when this wait is over.
            var remaining = Math.Min(Volatile.Read(ref _surgeUntil), until) - clock.GetTimestamp();
            if (remaining <= 0)
            {
                break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds((double)remaining / clock.TimestampFrequency), clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Working();
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * clock.TimestampFrequency);
}
