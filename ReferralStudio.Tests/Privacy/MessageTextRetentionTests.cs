using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReferralStudio.Privacy;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Privacy;

/// <summary><c>Privacy:RetainMessageTextsFor</c> clears old message texts, in events and outbound payloads, and keeps new ones.</summary>
public sealed class MessageTextRetentionTests
{
    [Fact]
    public async Task Old_Message_Texts_Are_Cleared_From_Events_And_Outbound_Payloads_And_New_Ones_Kept()
    {
        await using var receiver = await LoopbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(receivers: [receiver], settings: new Dictionary<string, string?> { ["Privacy:RetainMessageTextsFor"] = "1.00:00:00" });
        var (status, body) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(receiver.BaseAddress, "hooks").ToString(), events = new[] { "message.received" } });
        Assert.True(status == System.Net.HttpStatusCode.Created, body.ToString());
        string oldText = Unique("old-text"), newText = Unique("new-text");
        await app.DeliverAsync(Instagram(Message(Unique("igsid"), app.Time.GetUtcNow(), oldText)));
        app.Time.Advance(TimeSpan.FromDays(2));
        await app.DeliverAsync(Instagram(Message(Unique("igsid"), app.Time.GetUtcNow(), newText)));

        await app.Services.GetRequiredService<MessageTextRetention>().ClearDueTextsAsync(CancellationToken.None);

        Assert.Equal([newText], await ColumnAsync(app, "SELECT Text FROM WebhookEvents WHERE Text IS NOT NULL"));
        Assert.Equal([newText], await ColumnAsync(app, "SELECT json_extract(Payload, '$.data.message.text') FROM OutboundDeliveries WHERE EventType = 'message.received' AND json_extract(Payload, '$.data.message.text') IS NOT NULL"));
        Assert.Equal(2, (await ColumnAsync(app, "SELECT Id FROM WebhookEvents")).Count);
    }

    [Fact]
    public async Task A_Retention_That_Is_Not_Positive_Stops_The_Start_Naming_The_Setting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Privacy:RetainMessageTextsFor"] = "00:00:00" }));
        Assert.Contains("Privacy:RetainMessageTextsFor", error.Message);
    }

    private static async Task<List<string?>> ColumnAsync(TestApp app, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string?>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? null : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return values;
    }
}
