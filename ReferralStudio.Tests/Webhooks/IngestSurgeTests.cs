using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Inbox;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Webhooks;

/// <summary>
/// While acknowledgements queue for the inbox's disk, processing steps aside (so the 200s Meta waits for
/// come first) but never stops: a long surge still sees a batch applied every couple of seconds.
/// </summary>
public sealed class IngestSurgeTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    [Fact]
    public void A_Large_Group_Commit_Starts_A_Surge_That_Ends_Half_A_Second_After_The_Last_One()
    {
        var clock = new SteppedClock();
        var progress = new DeliveryProgress(clock);
        Assert.False(progress.Surging);

        // A steady trickle commits a delivery or two at a time: never a surge.
        progress.Stored(1, DeliveryProgress.SurgeBatch - 1);
        Assert.False(progress.Surging);

        progress.Stored(40, DeliveryProgress.SurgeBatch);
        Assert.True(progress.Surging);
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.True(progress.Surging);

        // Another queue-sized commit extends it; small ones do not.
        progress.Stored(200, 160);
        progress.Stored(201, 1);
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.True(progress.Surging);
        clock.Advance(TimeSpan.FromMilliseconds(2));
        Assert.False(progress.Surging);
        Assert.Equal(201, progress.LastStoredId);
    }

    [Fact]
    public void A_Few_Large_Deliveries_Committed_Together_Are_A_Surge_Too()
    {
        var clock = new SteppedClock();
        var progress = new DeliveryProgress(clock);

        progress.Stored(1, 2, DeliveryProgress.SurgeBytes - 1);
        Assert.False(progress.Surging);
        // Three 1,000-event batches of about 400 KB each.
        progress.Stored(4, 3, 3 * 400_000);
        Assert.True(progress.Surging);
    }

    [Fact]
    public async Task Processing_Keeps_Going_Through_A_Surge_That_Never_Ends_And_Catches_Up_After_It()
    {
        // The surge window's clock only moves when the test says so: this surge lasts until it does.
        var clock = new SteppedClock();
        var progress = new DeliveryProgress(clock);
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton(progress));
        progress.Stored(0, 500);
        Assert.True(progress.Surging);

        // Acknowledged at once, and applied within the processor's longest step aside (DeliverAsync waits for it).
        await app.DeliverAsync(Instagram(Referral("during-surge", T0, "surge_sale")));
        Assert.True(progress.Surging);
        Assert.Equal("surge_sale", await FirstRefAsync(app, "during-surge"));

        clock.Advance(DeliveryProgress.SurgeHold);
        Assert.False(progress.Surging);
        await app.DeliverAsync(Instagram(Referral("after-surge", T0.AddMinutes(1), "calm_sale")));
        Assert.Equal("calm_sale", await FirstRefAsync(app, "after-surge"));
    }

    private static async Task<string?> FirstRefAsync(TestApp app, string participant)
    {
        var page = await app.Api.GetJsonAsync($"/api/conversations?participantId={participant}");
        var conversation = Assert.Single(page.GetProperty("items").EnumerateArray());
        return conversation.GetProperty("firstReferral").GetProperty("ref").GetString();
    }

    /// <summary>Monotonic time that moves only by hand.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
