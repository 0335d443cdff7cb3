using System.Diagnostics;
using ReferralStudio.Inbox;

namespace ReferralStudio.Attribution;

/// <summary>
/// Acknowledging webhooks comes first: while they arrive faster than single commits keep up with, the
/// processor's CPU and disk writes would slow every 200 (bench/RESULTS.md, session 4: single-event ingest with
/// and without processing alongside). Everything waiting is in the inbox already; the backlog is applied once the
/// surge has passed. Through a long surge the processor still works <see cref="Slice"/> in every
/// <see cref="MaxYield"/>, so the live board keeps moving.
/// </summary>
internal sealed class SurgeYield(DeliveryProgress progress)
{
    private static readonly TimeSpan MaxYield = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(20);

    private long _workingSince = Stopwatch.GetTimestamp();

    /// <summary>Whether to step aside now: a surge, and this slice of work is done.</summary>
    public bool Due() => progress.Surging && Stopwatch.GetElapsedTime(_workingSince) >= Slice;

    public void StepAside(CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(MaxYield.TotalSeconds * Stopwatch.Frequency);
        while (progress.Surging && Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
        {
            cancellationToken.WaitHandle.WaitOne(CheckInterval);
        }

        _workingSince = Stopwatch.GetTimestamp();
    }
}
