using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReferralStudio.Inbox;
using ReferralStudio.Tests.Conversions;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Data;

/// <summary>
/// A pair of files written by the last release (net9, EF Core 6: its migrations end at
/// <see cref="LastReleasedMigration"/>) upgrades in place on the first start of this version: every row is
/// read back through the API as before, and new deliveries continue the same conversations and ids.
/// </summary>
public sealed class UpgradeInPlaceTests : IDisposable
{
    private const string LastReleasedMigration = "20261206082915_WhatsAppParticipantIdentity";
    private const string LastReleasedInboxMigration = "20261121082854_InitialInbox";
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-01T09:00:00Z");
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_Released_Database_Upgrades_And_Keeps_Every_Row()
    {
        await using (var inbox = new InboxDbContext(new DbContextOptionsBuilder<InboxDbContext>().UseSqlite(_database.InboxConnectionString).Options))
        {
            await inbox.GetService<IMigrator>().MigrateAsync(LastReleasedInboxMigration);
        }

        await _database.MigrateToAsync(LastReleasedMigration);
        await WriteReleasedRowsAsync();
        SqliteConnection.ClearAllPools();

        await using var app = await TestApp.StartAsync(_database.FilePath);

        var conversation = await app.Api.GetJsonAsync("/api/conversations/11");
        Assert.Equal("igsid-upgrade", conversation.Str("participantId"));
        Assert.Equal("Released Customer", conversation.Str("participantName"));
        var first = conversation.GetProperty("firstReferral");
        Assert.Equal("summer_berlin", first.Str("ref"));
        Assert.Equal("ad-77", first.Str("adId"));
        Assert.Equal("Summer in Berlin", first.Str("headline"));
        Assert.Equal(3, first.GetProperty("triggerId").GetInt64());
        Assert.Equal(T0, first.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(["campaign:berlin"], conversation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        var trigger = await app.Api.GetJsonAsync("/api/triggers/3");
        Assert.Equal("summer_*", trigger.Str("pattern"));
        Assert.Equal(["instagram"], trigger.GetProperty("platforms").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["campaign:{1}"], trigger.GetProperty("actions").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(1, trigger.GetProperty("stats").GetProperty("conversations").GetInt32());

        // The released processor had applied delivery 1: the next delivery is 2 and continues conversation 11.
        var response = await app.DeliverAsync(Instagram(Referral("igsid-upgrade", T0.AddHours(1), "summer_paris")));
        response.EnsureSuccessStatusCode();
        var continued = await app.Api.GetJsonAsync("/api/conversations/11");
        Assert.Equal("summer_berlin", continued.GetProperty("firstReferral").Str("ref"));
        Assert.Equal("summer_paris", continued.GetProperty("metadata").GetProperty("referral").Str("ref"));
        Assert.Equal(["campaign:berlin", "campaign:paris"], continued.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Order());
        Assert.Equal(1, (await app.Api.GetJsonAsync("/api/conversations?ref=summer_berlin")).GetProperty("total").GetInt32());

        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(Id) FROM InboundDeliveries";
        await using (var inboxConnection = new SqliteConnection(_database.InboxConnectionString))
        {
            await inboxConnection.OpenAsync();
            await using var max = inboxConnection.CreateCommand();
            max.CommandText = "SELECT MAX(Id) FROM InboundDeliveries";
            Assert.Equal(2L, await max.ExecuteScalarAsync());
        }

        await CampaignCheck.RollupEqualsRebuildAsync(_database.FilePath);
        command.CommandText = "SELECT COUNT(*) FROM pragma_foreign_key_check";
        Assert.Equal(0L, await command.ExecuteScalarAsync());
        command.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'IX_ReferralTouches_Ref_OccurredAt'";
        Assert.Equal("""CREATE INDEX "IX_ReferralTouches_Ref_OccurredAt" ON "ReferralTouches" ("Ref", "OccurredAt" DESC)""", await command.ExecuteScalarAsync());
    }

    /// <summary>Rows as the released version wrote them: one processed delivery and everything it caused.</summary>
    private async Task WriteReleasedRowsAsync()
    {
        var at = T0.ToUnixTimeMilliseconds();
        var day = new DateTimeOffset(T0.UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var body = Instagram(Referral("igsid-upgrade", T0, "summer_berlin"));
        await using (var inbox = new SqliteConnection(_database.InboxConnectionString))
        {
            await inbox.OpenAsync();
            await using var insert = inbox.CreateCommand();
            insert.CommandText = "INSERT INTO InboundDeliveries (Id, ReceivedAt, Status, ObjectType, Body, Reason, Simulated) VALUES (1, $at, 0, 'instagram', $body, NULL, 0)";
            insert.Parameters.AddWithValue("$at", at);
            insert.Parameters.AddWithValue("$body", System.Text.Encoding.UTF8.GetBytes(body));
            await insert.ExecuteNonQueryAsync();
        }

        await _database.ExecuteAsync($"""
            PRAGMA foreign_keys = OFF;
            INSERT INTO Triggers (Id, Name, Pattern, Platforms, AdIds, Priority, Enabled, Tags, GreetingText, GreetingMode, CreatedAt, UpdatedAt)
            VALUES (3, 'Summer', 'summer_*', '["instagram"]', '[]', 0, 1, '["campaign:{"{1}"}"]', NULL, 0, {at}, {at});
            INSERT INTO WebhookEvents (Id, DeliveryId, DedupKey, Status, Platform, Kind, Passive, AccountId, ParticipantId, OccurredAt, ReceivedAt, Ref, ConversationId)
            VALUES (31, 1, 'instagram:r:igsid-upgrade:{at}', 0, 'instagram', 'referral', 0, '{InstagramAccount}', 'igsid-upgrade', {at}, {at}, 'summer_berlin', 11);
            INSERT INTO ReferralTouches (Id, ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt, AdId, Headline, TriggerId, Platform, AccountId, ParticipantId, Simulated)
            VALUES (21, 11, 31, 'summer_berlin', 'ADS', 'OPEN_THREAD', 'referral', 0, 1, {at}, {at}, 'ad-77', 'Summer in Berlin', 3, 'instagram', '{InstagramAccount}', 'igsid-upgrade', 0);
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, CreatedAt, LastActivityAt, WindowExpiresAt, FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
            VALUES (11, 'instagram', '{InstagramAccount}', 'igsid-upgrade', 'Released Customer', {at}, {at}, {at + 86_400_000}, 21, {at}, 21, {at}, 0, 0, 0, 0);
            INSERT INTO TriggerFirings (Id, TriggerId, ConversationId, ReferralTouchId, Captures, FiredAt) VALUES (41, 3, 11, 21, '["berlin"]', {at});
            INSERT INTO ConversationTags (ConversationId, Label, TriggerId, AddedAt) VALUES (11, 'campaign:berlin', 3, {at});
            INSERT INTO DeliveryOutcomes (DeliveryId, Status, Reason, ProcessedAt, EventCount, DuplicateCount, RejectedEventCount, IgnoredEventCount) VALUES (1, 1, NULL, {at}, 1, 0, 0, 0);
            INSERT INTO CampaignKeys (Id, TriggerId, Ref, AdId) VALUES (1, 3, 'summer_berlin', 'ad-77');
            INSERT INTO CampaignHours (Model, Start, KeyId, Conversations, Converted, Conversions, Value) VALUES (0, {at}, 1, 1, 0, 0, 0), (1, {at}, 1, 1, 0, 0, 0);
            INSERT INTO CampaignDays (Model, Start, KeyId, Conversations, Converted, Conversions, Value) VALUES (0, {day}, 1, 1, 0, 0, 0), (1, {day}, 1, 1, 0, 0, 0);
            UPDATE InboxCursors SET LastDeliveryId = 1;
            """);
    }
}
