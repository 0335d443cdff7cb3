using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Inbox;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Data;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Inbox;

/// <summary>
/// <c>Inbox:RetainProcessedBodiesFor</c> empties old processed bodies only; ids are never issued twice, even
/// after the newest rows are deleted, and the start-up pair check still passes.
/// </summary>
public sealed class InboxRetentionTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T12:00:00Z");
    private const string Key = "Inbox:RetainProcessedBodiesFor";

    [Fact]
    public async Task Old_Processed_Bodies_Are_Dropped_Pending_And_Recent_Ones_Kept_And_Ids_Continue_Above_Every_Id_Issued()
    {
        var path = TestApp.NewDatabasePath();
        var inboxPath = FilePairTests.InboxOf(path);
        var clock = new ManualTimeProvider(T0);
        await using (var app = await TestApp.StartAsync(path, clock))
        {
            for (var i = 0; i < 3; i++)
            {
                await app.DeliverAsync(Instagram(Referral($"old-{i}", T0, $"old_{i}")));
            }

            clock.Advance(TimeSpan.FromDays(2));
            await app.DeliverAsync(Instagram(Referral("recent", T0, "recent")));
        }

        // Stored as old as the rest but not processed yet (the state a stop between commit and processing leaves).
        InsertPending(inboxPath, T0, Instagram(Referral("pending-0", T0, "pending_0")), Instagram(Referral("pending-1", T0, "pending_1")));
        var bodies = Bodies(inboxPath);
        Assert.Equal([1L, 2, 3, 4, 5, 6], bodies.Keys);

        var retention = new InboxRetention(
            new SqliteFiles($"Data Source={path}", "/"),
            Options.Create(new InboxOptions { RetainProcessedBodiesFor = TimeSpan.FromDays(1) }),
            clock,
            NullLogger<InboxRetention>.Instance);
        Assert.Equal(3, await retention.DropDueBodiesAsync(CancellationToken.None));
        Assert.Equal(0, await retention.DropDueBodiesAsync(CancellationToken.None));

        var after = Bodies(inboxPath);
        Assert.All([1L, 2, 3], id => Assert.Empty(after[id]));
        Assert.All([4L, 5, 6], id => Assert.Equal(bodies[id], after[id]));

        // The pending bodies were kept whole: processed at the next start, with their refs.
        SqliteConnection.ClearAllPools();
        await using (var app = await TestApp.StartAsync(path, clock, Retain("1.00:00:00")))
        {
            await app.WhenIdleAsync();
            Assert.Equal("pending_1", (await app.ConversationOfAsync("instagram", "pending-1")).GetProperty("firstReferral").Str("ref"));
            await using var db = Reliability.TestDatabase.Open(path);
            var dropped = await db.InboundDeliveries.SingleAsync(d => d.Id == 1);
            Assert.Equal((DeliveryStatus.Processed, 1, 0), (dropped.Status, dropped.EventCount, dropped.Body.Length));
        }

        // Deleting the newest processed rows (as clearing demo data does) leaves MAX(Id) below the cursor;
        // the pair check reads the high-water mark instead, and the next id is above everything ever issued.
        Delete(inboxPath, 5, 6);
        Assert.Equal(4, Bodies(inboxPath).Keys.Max());
        await using (var app = await TestApp.StartAsync(path, clock, Retain("1.00:00:00")))
        {
            await app.DeliverAsync(Instagram(Referral("after-delete", T0, "after_delete")));
            Assert.Equal("after_delete", (await app.ConversationOfAsync("instagram", "after-delete")).GetProperty("firstReferral").Str("ref"));
        }

        Assert.Equal([1L, 2, 3, 4, 7], Bodies(inboxPath).Keys);
    }

    [Fact]
    public async Task The_Running_App_Drops_Bodies_Once_Due_On_Its_Own_Clock_And_Keeps_The_Attribution()
    {
        await using var app = await TestApp.StartAsync(settings: Retain("1.00:00:00"));
        await app.DeliverAsync(Instagram(Referral("kept-a-day", T0, "kept_a_day")));
        var retention = app.Services.GetRequiredService<InboxRetention>();

        var pass = retention.NextPassAsync();
        retention.Wake();
        await pass.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEmpty(Bodies(FilePairTests.InboxOf(app.DatabasePath))[1]);

        app.Time.Advance(TimeSpan.FromHours(25));
        pass = retention.NextPassAsync();
        retention.Wake();
        await pass.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(Bodies(FilePairTests.InboxOf(app.DatabasePath))[1]);
        // The attribution it produced is untouched.
        Assert.Equal("kept_a_day", (await app.ConversationOfAsync("instagram", "kept-a-day")).GetProperty("firstReferral").Str("ref"));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-1.00:00:00")]
    public async Task App_Refuses_To_Start_With_A_Retention_That_Is_Not_Positive(string value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(settings: Retain(value)));

        Assert.Contains(Key, error.Message);
    }

    private static Dictionary<string, string?> Retain(string value) => new() { [Key] = value };

    private static SortedDictionary<long, byte[]> Bodies(string inboxPath)
    {
        using var connection = new SqliteConnection($"Data Source={inboxPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, Body FROM InboundDeliveries";
        using var reader = command.ExecuteReader();
        var bodies = new SortedDictionary<long, byte[]>();
        while (reader.Read())
        {
            bodies[reader.GetInt64(0)] = (byte[])reader.GetValue(1);
        }

        return bodies;
    }

    private static void InsertPending(string inboxPath, DateTimeOffset at, params string[] bodies)
    {
        using var connection = new SqliteConnection($"Data Source={inboxPath};Pooling=False");
        connection.Open();
        foreach (var body in bodies)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO InboundDeliveries (ReceivedAt, Status, ObjectType, Body, Simulated) VALUES ($at, 0, 'instagram', $body, 0)";
            insert.Parameters.AddWithValue("$at", Ms(at));
            insert.Parameters.AddWithValue("$body", Encoding.UTF8.GetBytes(body));
            insert.ExecuteNonQuery();
        }
    }

    private static void Delete(string inboxPath, params long[] ids)
    {
        using var connection = new SqliteConnection($"Data Source={inboxPath};Pooling=False");
        connection.Open();
        using var delete = connection.CreateCommand();
        delete.CommandText = $"DELETE FROM InboundDeliveries WHERE Id IN ({string.Join(", ", ids)})";
        delete.ExecuteNonQuery();
    }
}
