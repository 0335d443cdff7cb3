using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Data;
using ReferralStudio.Demo;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Demo;

public sealed class DemoLoaderTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(systemClock: true);

    public async Task DisposeAsync() => await _app.DisposeAsync();

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

        await demo.ClearAsync();

        foreach (var table in new[] { "Conversations", "ReferralTouches", "WebhookEvents", "Conversions", "ConversationTags", "TriggerFirings", "InboundDeliveries", "BusinessAccounts", "Triggers" })
        {
            Assert.True(await CountAsync($"SELECT COUNT(*) FROM {table}") == 0, $"{table} still has rows");
        }

        Assert.True(await demo.IsEmptyAsync());
    }

    private async Task<long> CountAsync(string sql)
    {
        // The app's own connection: the inbox attached, InboundDeliveries as the app sees it.
        await using var connection = new Database($"Data Source={_app.DatabasePath}", "/").Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
