using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReferralStudio.Inbox;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Inbox;

/// <summary>
/// While acknowledgements queue for the inbox's disk, processing steps aside (so the 200s Meta waits for
/// come first) but never stops: a long surge still sees a batch applied every couple of seconds.
/// </summary>
public sealed class IngestPressureTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void A_Large_Group_Commit_Starts_A_Surge_That_Ends_Half_A_Second_After_The_Last_One()
    {
        var clock = new FakeTimeProvider();
        var pressure = new IngestPressure(clock);
        Assert.False(pressure.Surging);

        // A steady trickle commits a delivery or two at a time: never a surge.
        pressure.Committed(IngestPressure.SurgeBatch - 1, 0);
        Assert.False(pressure.Surging);

        pressure.Committed(IngestPressure.SurgeBatch, 0);
        Assert.True(pressure.Surging);
        clock.Advance(IngestPressure.SurgeHold - Ms);
        Assert.True(pressure.Surging);

        // Another queue-sized commit extends it; small ones do not.
        pressure.Committed(160, 0);
        pressure.Committed(1, 0);
        clock.Advance(IngestPressure.SurgeHold - Ms);
        Assert.True(pressure.Surging);
        clock.Advance(2 * Ms);
        Assert.False(pressure.Surging);
    }

    [Fact]
    public void A_Few_Large_Deliveries_Committed_Together_Are_A_Surge_Too()
    {
        var pressure = new IngestPressure(new FakeTimeProvider());

        pressure.Committed(2, IngestPressure.SurgeBytes - 1);
        Assert.False(pressure.Surging);
        // Three 1,000-event batches of about 400 KB each.
        pressure.Committed(3, 3 * 400_000);
        Assert.True(pressure.Surging);
    }

    [Fact]
    public void The_Processor_Steps_Aside_Only_In_A_Surge_And_After_A_Slice_Of_Work()
    {
        var clock = new FakeTimeProvider();
        var pressure = new IngestPressure(clock);
        pressure.Working();
        clock.Advance(IngestPressure.Slice);
        Assert.False(pressure.Due());

        pressure.Committed(IngestPressure.SurgeBatch, 0);
        Assert.True(pressure.Due());
        pressure.Working();
        Assert.False(pressure.Due());
        clock.Advance(IngestPressure.Slice - Ms);
        Assert.False(pressure.Due());
        clock.Advance(Ms);
        Assert.True(pressure.Due());
    }

    [Fact]
    public async Task Stepping_Aside_Ends_When_The_Surge_Does()
    {
        var clock = new FakeTimeProvider();
        var pressure = new IngestPressure(clock);
        pressure.Committed(IngestPressure.SurgeBatch, 0);

        var stepping = pressure.StepAsideAsync(CancellationToken.None);
        clock.Advance(IngestPressure.SurgeHold - Ms);
        Assert.False(stepping.IsCompleted);
        clock.Advance(Ms);

        await stepping.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(pressure.Due());
    }

    [Fact]
    public async Task Stepping_Aside_Ends_After_Two_Seconds_However_Long_The_Surge_Lasts()
    {
        var clock = new FakeTimeProvider();
        var pressure = new IngestPressure(clock);
        pressure.Committed(IngestPressure.SurgeBatch, 0);
        var began = clock.GetTimestamp();

        var stepping = pressure.StepAsideAsync(CancellationToken.None);
        // Commits keep showing a surge every 400 ms: it never ends by itself.
        while (clock.GetElapsedTime(began) < IngestPressure.MaxYield - TimeSpan.FromMilliseconds(400))
        {
            clock.Advance(TimeSpan.FromMilliseconds(400));
            pressure.Committed(IngestPressure.SurgeBatch, 0);
            Assert.False(stepping.IsCompleted);
        }

        while (!stepping.IsCompleted && clock.GetElapsedTime(began) < 10 * IngestPressure.MaxYield)
        {
            clock.Advance(TimeSpan.FromMilliseconds(400));
            pressure.Committed(IngestPressure.SurgeBatch, 0);
        }

        await stepping.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(pressure.Surging);
    }

    [Fact]
    public async Task Processing_Keeps_Going_Through_A_Surge_That_Never_Ends_And_Catches_Up_After_It()
    {
        // The surge window's clock only moves when the test says so: this surge lasts until it does.
        var clock = new FakeTimeProvider();
        var pressure = new IngestPressure(clock);
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton(pressure));
        pressure.Committed(500, 0);
        Assert.True(pressure.Surging);

        // Acknowledged at once, and applied although the surge goes on (DeliverAsync waits for it).
        await app.DeliverAsync(Instagram(Referral("during-surge", T0, "surge_sale")));
        Assert.True(pressure.Surging);
        Assert.Equal("surge_sale", await FirstRefAsync(app, "during-surge"));

        clock.Advance(IngestPressure.SurgeHold);
        Assert.False(pressure.Surging);
        await app.DeliverAsync(Instagram(Referral("after-surge", T0.AddMinutes(1), "calm_sale")));
        Assert.Equal("calm_sale", await FirstRefAsync(app, "after-surge"));
    }

    [Fact]
    public async Task Deliveries_The_App_Stores_In_Bulk_Are_No_Surge_And_Requests_Among_Them_Still_Count()
    {
        var clock = new FakeTimeProvider();
        var pressure = new IngestPressure(clock);
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton(pressure));
        var writer = app.Services.GetRequiredService<InboxWriter>();
        InboxItem Item(int i, bool bulk) =>
            new(System.Text.Encoding.UTF8.GetBytes(Instagram(Referral($"bulk-{i}", T0, "bulk_sale"))), ReferralStudio.Data.DeliveryStatus.Pending, "instagram", null, T0) { Bulk = bulk };

        // The demo loader's way: many queued at once, stored in a few large group commits.
        var bulk = Enumerable.Range(0, 8 * IngestPressure.SurgeBatch).Select(i => Item(i, bulk: true)).ToList();
        await Task.WhenAll(bulk.Select(item => writer.StoreAsync(item, CancellationToken.None)));
        Assert.False(pressure.Surging);

        // Requests waiting for their 200 are a surge whatever is stored beside them.
        var mixed = Enumerable.Range(0, 8 * IngestPressure.SurgeBatch).Select(i => Item(1000 + i, bulk: i % 2 == 0)).ToList();
        await Task.WhenAll(mixed.Select(item => writer.StoreAsync(item, CancellationToken.None)));
        Assert.True(pressure.Surging);
    }

    private static async Task<string?> FirstRefAsync(TestApp app, string participant)
    {
        var page = await app.Api.GetJsonAsync($"/api/conversations?participantId={participant}");
        var conversation = Assert.Single(page.GetProperty("items").EnumerateArray());
        return conversation.GetProperty("firstReferral").GetProperty("ref").GetString();
    }
}
