using System.Text;
using Microsoft.Data.Sqlite;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Attribution;

public sealed class RestartTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    [Fact]
    public async Task Deliveries_Stored_But_Not_Processed_Before_A_Stop_Are_Processed_After_The_Next_Start()
    {
        var path = TestApp.NewDatabasePath();
        await using (var first = await TestApp.StartAsync(path))
        {
            await first.DeliverAsync(Instagram(Referral("before-stop", T0, "early_bird")));
        }

        // The state a crash leaves between the durable commit and processing: pending rows in the inbox.
        var pending = new[]
        {
            Instagram(Message("after-restart", T0.AddMinutes(1), "hi", RefLink("pending_one"))),
            Messenger(Referral("after-restart-psid", T0.AddMinutes(2), "pending_two", "SHORTLINK", PageId)),
        };
        await using (var connection = new SqliteConnection($"Data Source={new SqliteFiles($"Data Source={path}", "/").InboxFilePath}"))
        {
            await connection.OpenAsync();
            foreach (var body in pending)
            {
                await using var insert = connection.CreateCommand();
                insert.CommandText = """
                    INSERT INTO InboundDeliveries (ReceivedAt, Status, ObjectType, Body, Simulated)
                    VALUES ($at, 0, $object, $body, 0)
                    """;
                insert.Parameters.AddWithValue("$at", Ms(T0));
                insert.Parameters.AddWithValue("$object", body.Contains("\"instagram\"") ? "instagram" : "page");
                insert.Parameters.AddWithValue("$body", Encoding.UTF8.GetBytes(body));
                await insert.ExecuteNonQueryAsync();
            }
        }

        SqliteConnection.ClearAllPools();
        await using var second = await TestApp.StartAsync(path);
        await second.WhenIdleAsync();

        Assert.Equal("pending_one", (await second.ConversationOfAsync("instagram", "after-restart")).GetProperty("firstReferral").Str("ref"));
        Assert.Equal("pending_two", (await second.ConversationOfAsync("messenger", "after-restart-psid")).GetProperty("firstReferral").Str("ref"));
        // What was processed before the stop is not processed again.
        Assert.Equal(1, (await second.ConversationOfAsync("instagram", "before-stop")).GetProperty("referrals").GetArrayLength());
    }
}
