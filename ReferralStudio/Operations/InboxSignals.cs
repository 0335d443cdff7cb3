using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Operations;

/// <summary>
/// The inbox's backlog and the processor's lag, for readiness and the gauges. The backlog comes from the watermarks in
/// memory; the lag costs one indexed read, and only while something is pending.
/// </summary>
public sealed class InboxSignals(DeliveryProgress progress, IStorageProbe storage, TimeProvider time)
{
    /// <summary>Deliveries stored but not yet processed (rejected and ignored ones count until the processor passes them).</summary>
    public long Backlog()
    {
        // Processed first: it never passes stored, so the difference is never negative for a moment.
        var processed = progress.LastProcessedId;
        return Math.Max(0, progress.LastStoredId - processed);
    }

    /// <summary>How long the oldest delivery not yet processed has waited; zero when the processor has caught up.</summary>
    public TimeSpan Lag()
    {
        var processed = progress.LastProcessedId;
        if (progress.LastStoredId <= processed || storage.OldestPendingReceivedAt(processed) is not { } oldest)
        {
            return TimeSpan.Zero;
        }

        var waited = time.GetUtcNow() - oldest;
        return waited > TimeSpan.Zero ? waited : TimeSpan.Zero;
    }
}
