using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Demo;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Demo;

/// <summary>When the overview offers demo data: while the chosen range has no attribution of the user's own.</summary>
public sealed class DemoOfferTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z");
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(time: new ManualTimeProvider(Now));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private DemoLoader Demo => _app.Services.GetRequiredService<DemoLoader>();

    [Fact]
    public async Task An_Empty_Database_Has_No_Real_Attribution_And_No_Demo_Data()
    {
        Assert.False(await Demo.HasRealAttributionAsync(Now.AddDays(-30), Now));
        Assert.False(await Demo.HasDemoDataAsync());
        Assert.Equal(DemoSummary.None, await Demo.SummarizeAsync());
    }

    [Fact]
    public async Task Demo_Data_Alone_Is_Not_Real_Attribution()
    {
        await Demo.LoadAsync(conversations: 150);

        Assert.True(await Demo.HasDemoDataAsync());
        Assert.False(await Demo.HasRealAttributionAsync(Now.AddDays(-30), Now.AddDays(1)));
    }

    [Fact]
    public async Task A_Signed_Webhooks_Referral_Is_Real_Attribution_In_Its_Range_Only()
    {
        await Demo.LoadAsync(conversations: 150);
        var at = Now.AddDays(-2);
        await _app.DeliverAsync(Instagram(Referral("real-1", at, "summer_sale")));

        Assert.True(await Demo.HasRealAttributionAsync(Now.AddDays(-30), Now));
        Assert.True(await Demo.HasRealAttributionAsync(at, at.AddMilliseconds(1)));
        // The range is [from, until): a touch at until is outside it.
        Assert.False(await Demo.HasRealAttributionAsync(at.AddDays(-1), at));
        Assert.False(await Demo.HasRealAttributionAsync(at.AddMilliseconds(1), Now));
    }

    [Fact]
    public async Task The_Old_README_Examples_2025_Referral_Does_Not_Hide_The_Offer_For_Good()
    {
        var readme = DateTimeOffset.FromUnixTimeMilliseconds(1763700000000);
        await _app.DeliverAsync(Instagram(Referral("IGSID-1", readme, "summer_sale")));

        // The overview's default range: the last 30 days.
        var today = new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero);
        Assert.False(await Demo.HasRealAttributionAsync(today.AddDays(-29), today.AddDays(1)));
        Assert.True(await Demo.HasRealAttributionAsync(readme.AddDays(-1), readme.AddDays(1)));
    }

    [Fact]
    public async Task Messages_Without_A_Campaign_Are_Not_Attribution()
    {
        await _app.DeliverAsync(Instagram(Message("plain-1", Now.AddHours(-1), "hello, no link here")));

        Assert.False(await Demo.HasRealAttributionAsync(Now.AddDays(-30), Now));
        Assert.False(await Demo.HasDemoDataAsync());
    }

    [Fact]
    public async Task Real_Attribution_Is_Found_Through_Index_Seeks_Only()
    {
        await using var connection = new SqliteFiles($"Data Source={_app.DatabasePath}", "/").Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + DemoQueries.RealAttributionSql;
        command.Parameters.AddWithValue("@from", 0L);
        command.Parameters.AddWithValue("@until", 1L);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        // Every read of the touches is a SEARCH on the account index; the only scans are of the CTE's few rows.
        Assert.All(plan.Where(line => line.Contains("ReferralTouches", StringComparison.Ordinal) || Regex.IsMatch(line, @"\bt\b")),
            line => Assert.Matches(@"^SEARCH (ReferralTouches|t)( EXISTS)? USING (COVERING )?INDEX IX_ReferralTouches_AccountId_OccurredAt", line));
        Assert.All(plan.Where(line => line.StartsWith("SCAN ", StringComparison.Ordinal)),
            line => Assert.Matches("^SCAN (a|CONSTANT ROW)$", line));
    }
}
