using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Operations;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Operations;

/// <summary>The receiver and the workers measure on every event: with the exporter listening, that allocates nothing.</summary>
public sealed class HotPathMetricsTests
{
    [Fact]
    public async Task Recording_A_Delivery_Allocates_Nothing_While_Prometheus_Listens()
    {
        await using var app = await TestApp.StartAsync();
        var metrics = app.Services.GetRequiredService<StudioMetrics>();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // The first measurement of each series creates it; the rest of the warm-up lets the JIT finish with the loop
        // (replacing a running loop's code can allocate once on this thread, on a busy machine during the measured run).
        for (var i = 0; i < 10_000; i++)
        {
            RecordOneOfEach(metrics, started);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            RecordOneOfEach(metrics, started);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void RecordOneOfEach(StudioMetrics metrics, long started)
    {
        metrics.Received();
        metrics.Acknowledged(started);
        metrics.Refused(StudioMetrics.RefusalReason.SignatureMismatch);
        metrics.OutboundAttempt(503);
        metrics.Greeting(StudioMetrics.GreetingOutcome.Sent);
    }
}
