using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Insight;

/// <summary>
/// The feed, timeline, overview and campaign queries never limit rows without an order: EF's warning for that
/// was logged again for every new filter shape. Here the warning throws, so any such query fails the test.
/// </summary>
public sealed class RowLimitWarningTests : IAsyncLifetime
{
    private readonly string _first = Unique("p1");
    private TestApp _app = null!;
    private DateTimeOffset _now;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _now = _app.Time.GetUtcNow();
        await _app.DeliverAsync(Instagram(
            Referral(_first, _now.AddMinutes(-30), "summer_sale"),
            Referral(Unique("p2"), _now.AddMinutes(-20), "summer_story"),
            Referral(Unique("p3"), _now.AddMinutes(-10), "collab_ben")));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private AppDbContext Strict() => new(new DbContextOptionsBuilder<AppDbContext>()
        .UseSqlite($"Data Source={_app.DatabasePath}")
        .ConfigureWarnings(w => w.Throw(CoreEventId.RowLimitingOperationWithoutOrderByWarning))
        .Options);

    public static TheoryData<string> Filters() => ["", "platform=instagram", "ref=summer", "ref=summer&since=2026-11-19T00:00:00Z&until=2026-11-21T00:00:00Z",
        "q=summer_sale", "trigger=1", "arrival=standalone", "ref=summer&arrival=standalone", "since=2026-11-19T00:00:00Z"];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Feed_Pages_And_Counts_Do_Not_Limit_Rows_Without_An_Order(string query)
    {
        var (filter, errors) = FeedFilter.Read(new Microsoft.AspNetCore.Http.QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)));
        Assert.False(errors.Any);
        await using var db = Strict();

        foreach (var sort in new[] { FeedQuery.DefaultSort, "OccurredAt asc", "Ref asc" })
        {
            var (rows, total, more) = await FeedQuery.PageAsync(db, filter, sort, 0, 50, default);
            Assert.Equal(rows.Count, total);
            Assert.False(more);
        }
    }

    [Fact]
    public async Task Feed_Counts_Stop_At_The_Cap_Through_The_Same_Sql()
    {
        await using var db = Strict();

        var (rows, total, _) = await FeedQuery.PageAsync(db, new FeedFilter(RefPrefix: "summer"), null, 0, 1, default);

        Assert.Single(rows);
        Assert.Equal(2, total);
    }

    [Fact]
    public async Task Timeline_Overview_And_Campaign_Queries_Do_Not_Limit_Rows_Without_An_Order()
    {
        var conversation = (await _app.ConversationOfAsync("instagram", _first)).GetProperty("id").GetInt64();
        await using var db = Strict();
        var (since, until) = (_now.AddDays(-1), _now.AddDays(1));

        Assert.NotNull(await TimelineQuery.LoadAsync(db, conversation, default));
        var days = new BusinessDay(TimeProvider.System, TimeZoneInfo.Utc);
        await InsightQueries.OverviewAsync(db, days, days.DayOf(since), days.DayOf(until), default);
        await InsightQueries.AttributedPerDayAsync(db, days, days.DayOf(since), days.DayOf(until), default);
        await ConversionCurrencies.InRangeAsync(db, since, until, default);
        await InsightQueries.TouchesPerDayAsync(db, days, days.DayOf(since), days.DayOf(until), default);
        await OverviewLists.TopCampaignsAsync(db, _app.Services.GetRequiredService<CampaignCaches>(), since, until, 8, default);
        await OverviewLists.LatestAsync(db, since, until, 6, default);
        await CampaignReport.RunAsync(db, _app.Services.GetRequiredService<CampaignCaches>(), true, since, until, default);
    }

    [Fact]
    public async Task Recording_A_Conversion_By_Participant_Does_Not_Limit_Rows_Without_An_Order()
    {
        await using var db = Strict();

        var (conversion, created, errors) = await ConversionsApi.RecordCoreAsync(
            new RecordConversionRequest(Platform: "instagram", ParticipantId: _first, Type: "purchase", Value: 12.5m, Currency: "EUR", ExternalId: Unique("order")),
            db, _app.Services.GetRequiredService<ReferralStudio.Outbound.OutboundQueue>(), _app.Services.GetRequiredService<ReferralStudio.MetaConversions.MetaConversionQueue>(),
            _app.Time, default);

        Assert.False(errors.Any);
        Assert.True(created);
        Assert.Equal("purchase", conversion!.Type);
    }
}
