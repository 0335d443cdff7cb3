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
            ["ConversationTags", "Conversions", "IdentityEvents", "MetaConversionAttempts", "MetaConversionEvents", "OutgoingMessages", "ParticipantAliases", "ReferralTouches", "TriggerFirings", "WebhookEvents"],
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

    [Fact]
    public async Task A_Users_Trigger_With_A_Demo_Triggers_Name_Survives_Clearing()
    {
        var demo = _app.Services.GetRequiredService<DemoLoader>();
        // The same name and pattern as a demo trigger (the demo then makes no trigger of its own for it), and the
        // same name as another with a pattern of the user's (the demo makes its own beside it).
        var summer = await CreateTriggerAsync("Summer sale", "summer_sale");
        var friday = await CreateTriggerAsync("Black Friday", "bf_2026");

        await demo.LoadAsync(conversations: 80);

        Assert.Equal(["Black Friday", "Black Friday", "Summer sale"], await TriggerNamesAsync("Black Friday", "Summer sale"));
        var summary = await demo.SummarizeAsync();
        Assert.Equal(new DemoSummary(80, (int)await CountAsync("SELECT COUNT(*) FROM Conversions"), 5, 3), summary);

        var cleared = await demo.ClearAsync();

        Assert.True(cleared.Cleared);
        Assert.Equal(summary, cleared.Removed);
        Assert.Equal(["Black Friday", "Summer sale"], await TriggerNamesAsync("Black Friday", "Summer sale"));
        Assert.Equal("summer_sale", (await _app.Api.GetJsonAsync($"/api/triggers/{summer}")).Str("pattern"));
        Assert.Equal("bf_2026", (await _app.Api.GetJsonAsync($"/api/triggers/{friday}")).Str("pattern"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM Triggers"));
        Assert.Equal(DemoSummary.None, await demo.SummarizeAsync());
        Assert.False(await demo.HasDemoDataAsync());

        // The kept trigger still matches: the live matcher was rebuilt without the demo's.
        await _app.DeliverAsync(Instagram(Referral("after-clear", DateTimeOffset.UtcNow, "summer_sale")));
        Assert.Equal(summer, (await _app.ConversationOfAsync("instagram", "after-clear")).GetProperty("firstReferral").GetProperty("triggerId").GetInt64());
    }

    [Fact]
    public async Task A_Real_Conversation_From_A_Signed_Webhook_Survives_Clearing()
    {
        var demo = _app.Services.GetRequiredService<DemoLoader>();
        var now = DateTimeOffset.UtcNow;
        // A code the demo's triggers match, so the real touch fires a demo trigger.
        await _app.DeliverAsync(Instagram(Message("real-1", now.AddDays(-2), "hi", RefLink("summer_sale"))));
        await _app.Api.PostJsonAsync("/api/conversions", new { platform = "instagram", participantId = "real-1", type = "purchase", value = 20, occurredAt = now.AddDays(-1), externalId = "real-order-1" });

        await demo.LoadAsync(conversations: 60);
        Assert.Equal(61, await CountAsync("SELECT COUNT(*) FROM Conversations"));
        Assert.Equal(60, (await demo.SummarizeAsync()).Conversations);

        await demo.ClearAsync();

        var real = await _app.ConversationOfAsync("instagram", "real-1");
        Assert.Equal("summer_sale", real.GetProperty("firstReferral").Str("ref"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM Conversations"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM ReferralTouches"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM Conversions WHERE ExternalId = 'real-order-1'"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM InboundDeliveries"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM DeliveryOutcomes"));
        Assert.Empty(Reliability.TestDatabase.ForeignKeyViolations(_app.DatabasePath));
        await CampaignCheck.RollupEqualsRebuildAsync(_app.DatabasePath);
    }

    private async Task<long> CreateTriggerAsync(string name, string pattern)
    {
        var (status, body) = await _app.Api.PostJsonAsync("/api/triggers", new { name, pattern });
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        return body.GetProperty("id").GetInt64();
    }

    private async Task<List<string>> TriggerNamesAsync(params string[] names)
    {
        var all = await _app.Api.GetJsonAsync("/api/triggers");
        return [.. all.EnumerateArray().Select(t => t.Str("name")!).Where(names.Contains).Order(StringComparer.Ordinal)];
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
