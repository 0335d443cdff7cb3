using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Data;

/// <summary>
/// A database from before the inbox had a file of its own keeps every delivery: stored bodies move to
/// the inbox file, outcomes stay, and only what was still pending is processed after the upgrade.
/// </summary>
public sealed class InboxUpgradeTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    [Fact]
    public async Task Upgrading_Moves_Deliveries_To_The_Inbox_File_And_Processes_Only_The_Pending_Ones()
    {
        var path = TestApp.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var old = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={path}").Options))
        {
            await old.GetService<IMigrator>().MigrateAsync("20261121073653_FeedSearchIndexes");
        }

        // Processed before the upgrade (its effects are not in this file, so a second run would show),
        // rejected at the endpoint, and still pending when the old version stopped.
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await InsertLegacyAsync(connection, 1, Instagram(Referral("processed-before", T0, "old_code")), status: 1, reason: null, events: 1);
            await InsertLegacyAsync(connection, 2, "{not json", status: 2, reason: "invalid JSON", events: 0);
            await InsertLegacyAsync(connection, 3, Instagram(Referral("pending-before", T0.AddMinutes(1), "pending_code")), status: 0, reason: null, events: 0);
        }

        SqliteConnection.ClearAllPools();
        await using var app = await TestApp.StartAsync(path);
        await app.WhenIdleAsync();

        Assert.Equal("pending_code", (await app.ConversationOfAsync("instagram", "pending-before")).GetProperty("firstReferral").Str("ref"));
        Assert.Equal(0, await app.ConversationCountAsync("instagram", "processed-before"));

        await using var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseAppDatabase(new SqliteFiles($"Data Source={path}", "/")).Options);
        var deliveries = await db.InboundDeliveries.OrderBy(d => d.Id).ToListAsync();
        Assert.Equal([1L, 2L, 3L], deliveries.Select(d => d.Id));
        Assert.Equal([DeliveryStatus.Processed, DeliveryStatus.Rejected, DeliveryStatus.Processed], deliveries.Select(d => d.Status));
        Assert.Equal(1, deliveries[0].EventCount);
        Assert.Equal("invalid JSON", deliveries[1].Reason);
        Assert.Equal(Instagram(Referral("processed-before", T0, "old_code")), Encoding.UTF8.GetString(deliveries[0].Body));

        // New deliveries continue after the moved ids.
        await app.DeliverAsync(Instagram(Referral("after-upgrade", T0.AddMinutes(2), "new_code")));
        Assert.Equal(4, await db.InboundDeliveries.MaxAsync(d => d.Id));
        Assert.Equal("new_code", (await app.ConversationOfAsync("instagram", "after-upgrade")).GetProperty("firstReferral").Str("ref"));
    }

    private static async Task InsertLegacyAsync(SqliteConnection connection, long id, string body, int status, string? reason, int events)
    {
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO InboundDeliveries (Id, ReceivedAt, Status, ObjectType, Body, Reason, ProcessedAt, EventCount, DuplicateCount, RejectedEventCount, IgnoredEventCount, Simulated)
            VALUES ($id, $at, $status, 'instagram', $body, $reason, CASE WHEN $status = 1 THEN $at END, $events, 0, 0, 0, 0)
            """;
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$at", T0.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$status", status);
        insert.Parameters.AddWithValue("$body", Encoding.UTF8.GetBytes(body));
        insert.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
        insert.Parameters.AddWithValue("$events", events);
        await insert.ExecuteNonQueryAsync();
    }
}
