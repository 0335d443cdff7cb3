using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Insight;

/// <summary>The overview page's figures: campaigns by the shared name rule, affiliates from their tags, touches per day.</summary>
public class InsightQueriesTests : IAsyncLifetime
{
    private readonly TestStore _store;
    private TestApp _app = null!;
    private DateTimeOffset _now;

    public InsightQueriesTests()
        : this(TestStore.Sqlite())
    {
    }

    /// <summary>The same tests on another engine (<see cref="PostgresInsightQueriesTests"/>).</summary>
    protected InsightQueriesTests(TestStore store) => _store = store;

    public async Task InitializeAsync()
    {
        _app = await _store.StartAppAsync();
        _now = _app.Time.GetUtcNow();
        var (status, _) = await _app.Api.PostJsonAsync("/api/triggers", new { name = "Collabs", pattern = "collab_*", actions = new { tags = new[] { "affiliate:{1}" } } });
        Assert.Equal(HttpStatusCode.Created, status);
        await _app.DeliverAsync(Instagram(
            Referral(Unique("anna-1"), _now.AddMinutes(-30), "collab_anna"),
            Referral(Unique("anna-2"), _now.AddMinutes(-20), "collab_anna"),
            Referral(Unique("ben"), _now.AddMinutes(-10), "collab_ben"),
            Referral(Unique("plain"), _now.AddMinutes(-5), "spring_flyer")));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Overview_Counts_Campaigns_And_Affiliates_In_The_Range()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var days = _app.Services.GetRequiredService<BusinessDay>();
        var today = days.Today;

        var stats = await InsightQueries.OverviewAsync(db, days, today.AddDays(-1), today.AddDays(1), default);

        Assert.Equal(4, stats.InRange);
        var top = await OverviewLists.TopCampaignsAsync(db, _app.Services.GetRequiredService<CampaignCaches>(), days.Window(today.AddDays(-1)).Start, days.Window(today.AddDays(1)).End, 8, default);
        Assert.Equal([("Collabs", 3), ("spring_flyer", 1)], top.Select(c => (c.Name, c.Count)));
        // Each links to the feed by its trigger, else by its code: the lowest code under a name.
        Assert.Equal(await db.Triggers.Where(t => t.Name == "Collabs").Select(t => (long?)t.Id).SingleAsync(), top[0].TriggerId);
        Assert.Equal("collab_anna", top[0].Ref);
        Assert.Equal(((long?)null, "spring_flyer", "ref=spring_flyer"), (top[1].TriggerId, top[1].Ref, top[1].FeedFilter));
        Assert.Equal([("anna", 2), ("ben", 1)], stats.TopAffiliates);
        Assert.Equal(4, stats.Today);
        var outside = await InsightQueries.OverviewAsync(db, days, today.AddDays(1), today.AddDays(2), default);
        Assert.Empty(await OverviewLists.TopCampaignsAsync(db, _app.Services.GetRequiredService<CampaignCaches>(), days.Window(today.AddDays(1)).Start, days.Window(today.AddDays(2)).End, 8, default));
        Assert.Empty(outside.TopAffiliates);
    }

    [Fact]
    public async Task Touches_And_Attributions_Are_Counted_Per_Day()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var days = _app.Services.GetRequiredService<BusinessDay>();
        var today = _now.UtcDateTime.Date;
        var day = DateOnly.FromDateTime(today);

        var touches = await InsightQueries.TouchesPerDayAsync(db, days, day.AddDays(-1), day.AddDays(1), default);
        var attributed = await InsightQueries.AttributedPerDayAsync(db, days, day.AddDays(-1), day.AddDays(1), default);

        Assert.Equal([new DailyCount(today, "Collabs", 3), new DailyCount(today, "other", 1)], touches.OrderBy(t => t.Series));
        Assert.Equal([new DayCount(day.AddDays(-1), 0, false), new DayCount(day, 4, true), new DayCount(day.AddDays(1), 0, false)], attributed);
    }

    [Fact]
    public async Task Touches_Fall_On_The_Business_Day_Of_A_Zone_Half_An_Hour_Off_Utc()
    {
        // Kolkata is UTC+05:30: its days start on a half hour of UTC, and a minute either side lands on different days.
        var kolkata = new BusinessDay(_app.Time, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        var yesterday = kolkata.Today.AddDays(-1);
        var midnight = kolkata.Window(yesterday).Start;
        await _app.DeliverAsync(Instagram(
            Referral(Unique("late"), midnight.AddMinutes(-1), "collab_late"),
            Referral(Unique("early"), midnight.AddMinutes(1), "collab_early")));
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

        var touches = await InsightQueries.TouchesPerDayAsync(db, kolkata, yesterday.AddDays(-1), yesterday, default);

        Assert.Equal(
            [new DailyCount(yesterday.AddDays(-1).ToDateTime(TimeOnly.MinValue), "Collabs", 1), new DailyCount(yesterday.ToDateTime(TimeOnly.MinValue), "Collabs", 1)],
            touches);
    }

    [Fact]
    public async Task Each_Day_Counts_Its_Own_Touches_Whatever_Order_They_Were_Written_In()
    {
        // PostgreSQL reads the quarters in no particular order: each must still land on the day whose window holds it,
        // a touch at midnight on the day it starts.
        var kolkata = new BusinessDay(_app.Time, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        var first = kolkata.Today.AddDays(-4);
        DateTimeOffset At(int day, int minutes) => kolkata.Window(first.AddDays(day)).Start.AddMinutes(minutes);
        await _app.DeliverAsync(Instagram(
            Referral(Unique("d2-late"), At(2, 1_439), "collab_d2"),
            Referral(Unique("d0-noon"), At(0, 720), "collab_d0"),
            Referral(Unique("d2-midnight"), At(2, 0), "collab_d2"),
            Referral(Unique("d1-early"), At(1, 15), "collab_d1"),
            Referral(Unique("d2-noon"), At(2, 720), "collab_d2"),
            Referral(Unique("d1-midnight"), At(1, 0), "collab_d1")));
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

        var touches = await InsightQueries.TouchesPerDayAsync(db, kolkata, first, first.AddDays(2), default);

        Assert.Equal(
            [
                new DailyCount(first.ToDateTime(TimeOnly.MinValue), "Collabs", 1),
                new DailyCount(first.AddDays(1).ToDateTime(TimeOnly.MinValue), "Collabs", 2),
                new DailyCount(first.AddDays(2).ToDateTime(TimeOnly.MinValue), "Collabs", 3),
            ],
            touches);
    }
}

/// <summary><see cref="InsightQueriesTests"/> on PostgreSQL: the same answers.</summary>
public sealed class PostgresInsightQueriesTests() : InsightQueriesTests(TestStore.Postgres());
