using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Data;
using ReferralStudio.Demo;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Conversions;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Demo;

public sealed class DemoLoaderTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(systemClock: true);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Clearing_Reaches_Every_Table_Keyed_To_A_Conversation()
    {
        await using var db = await _app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

        Assert.Equal(
            ["ConversationTags", "Conversions", "IdentityEvents", "OutgoingMessages", "ParticipantAliases", "ReferralTouches", "TriggerFirings", "WebhookEvents"],
            DemoLoader.ConversationTables(db));
    }

    [Fact]
    public async Task Demo_Data_Goes_Through_The_Pipeline_And_Clears_Completely()
    {
        var demo = _app.Services.GetRequiredService<DemoLoader>();
        Assert.True(await demo.IsEmptyAsync());

        await demo.LoadAsync(conversations: 300);

        Assert.False(await demo.IsEmptyAsync());
        Assert.True(await demo.HasDemoDataAsync());
        Assert.Equal(300, await CountAsync("SELECT COUNT(*) FROM Conversations"));
        Assert.True(await CountAsync("SELECT COUNT(*) FROM Conversations WHERE FirstReferralId IS NOT NULL") > 250);
        Assert.True(await CountAsync("SELECT COUNT(*) FROM ReferralTouches WHERE TriggerId IS NOT NULL") > 200);
        Assert.True(await CountAsync("SELECT COUNT(*) FROM Conversions") > 10);
        Assert.True(await CountAsync("SELECT COUNT(*) FROM ConversationTags WHERE Label LIKE 'affiliate:%'") > 0);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM WebhookEvents WHERE Status = 1"));
        // Conversations, touches, events, firings, tags, greetings and outbound rows all reference real rows.
        Assert.Empty(Reliability.TestDatabase.ForeignKeyViolations(_app.DatabasePath));

        await demo.ClearAsync();

        foreach (var table in new[] { "Conversations", "ReferralTouches", "WebhookEvents", "Conversions", "ConversationTags", "TriggerFirings", "InboundDeliveries", "BusinessAccounts", "Triggers" })
        {
            Assert.True(await CountAsync($"SELECT COUNT(*) FROM {table}") == 0, $"{table} still has rows");
        }

        Assert.True(await demo.IsEmptyAsync());
    }

    [Fact]
    public async Task Demo_Load_And_Clear_Keep_Campaign_Analytics_Equal_To_The_Base_Tables()
    {
        var demo = _app.Services.GetRequiredService<DemoLoader>();
        var now = DateTimeOffset.UtcNow;
        // The user's own data, some of it under a pattern the demo's triggers also match.
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Mine", pattern = "mine_*" });
        await _app.DeliverAsync(Instagram(
            Message("own-1", now.AddDays(-3), "hi", RefLink("mine_story")),
            Referral("own-2", now.AddDays(-2), "collab_alice"),
            Referral("own-1", now.AddDays(-1), "mine_feed")));
        await _app.Api.PostJsonAsync("/api/conversions", new { platform = "instagram", participantId = "own-1", type = "purchase", value = 12.5, occurredAt = now.AddHours(-1), externalId = "own-order-1" });

        await demo.LoadAsync(conversations: 150);
        await _app.Api.PostJsonAsync("/api/conversions", new { platform = "instagram", participantId = "own-2", type = "purchase", value = 30, occurredAt = now.AddHours(-2), externalId = "own-order-2" });
        await SameAsReferenceAsync(now, "demo loaded");

        await demo.ClearAsync();

        await SameAsReferenceAsync(now, "demo cleared");
        Assert.True(await CountAsync("SELECT COUNT(*) FROM CampaignDays") > 0);
        await CampaignCheck.RollupEqualsRebuildAsync(_app.DatabasePath);
    }

    private async Task SameAsReferenceAsync(DateTimeOffset now, string context)
    {
        foreach (var first in new[] { true, false })
        {
            await CampaignCheck.SameAsReferenceAsync(_app, first, null, null, context);
            await CampaignCheck.SameAsReferenceAsync(_app, first, now.AddDays(-30), now, context);
            await CampaignCheck.SameAsReferenceAsync(_app, first, now.AddDays(-7).AddMinutes(-17), now.AddDays(-1).AddMinutes(3), context);
            var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
            await CampaignCheck.SameAsReferenceAsync(_app, first, today.AddDays(-2), today.AddDays(-1), context);
        }
    }

    private async Task<long> CountAsync(string sql)
    {
        // The app's own connection: the inbox attached, InboundDeliveries as the app sees it.
        await using var connection = new SqliteFiles($"Data Source={_app.DatabasePath}", "/").Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
