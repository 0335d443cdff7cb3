using ReferralStudio.Inbox;

namespace ReferralStudio.Tests.Inbox;

/// <summary>
/// "Processed up to here" is what the demo loader and the tests wait on: it must complete only for deliveries the
/// processor applied, and a waiter must not hang or be told "processed" when the processor stops first.
/// </summary>
public sealed class DeliveryProgressTests
{
    [Fact]
    public async Task A_Waiter_Completes_Only_Once_Its_Delivery_Is_Processed()
    {
        var progress = new DeliveryProgress();
        progress.Stored(5);
        var waiting = progress.WhenProcessedAsync(5);

        progress.Processed(4);
        Assert.False(waiting.IsCompleted);

        progress.Processed(5);
        await waiting;
        Assert.True(progress.WhenProcessedAsync(3).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Stopping_Cancels_Waiters_For_Deliveries_Never_Applied()
    {
        var progress = new DeliveryProgress();
        progress.Stored(9);
        progress.Processed(6);
        var applied = progress.WhenProcessedAsync(6);
        var notApplied = progress.WhenProcessedAsync(9);

        progress.Abandon();

        await applied;
        await Assert.ThrowsAsync<TaskCanceledException>(() => notApplied);
        await Assert.ThrowsAsync<TaskCanceledException>(() => progress.WhenProcessedAsync(8));
        Assert.Equal(6, progress.LastProcessedId);
    }
}
