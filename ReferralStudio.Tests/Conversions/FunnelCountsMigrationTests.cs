using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Conversions;

/// <summary>
/// A database from before the funnel gets its figures filled by the migration that adds them: campaign touches per
/// key in the rollup, and the code each counted scan day went to.
/// </summary>
public sealed class FunnelCountsMigrationTests : IDisposable
{
    private const string BeforeFunnel = "20261207165028_MetaConversions";
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-10T00:00:00Z");
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Migration_Counts_Existing_Touches_And_Gives_Each_Scan_Day_Its_Code()
    {
        await _database.MigrateToAsync(BeforeFunnel);
        await InsertDataAsync();
        await using (var db = new AppDbContext(_database.Options))
        {
            await db.Database.MigrateAsync();
        }

        // The touches as a rebuild from the base tables counts them (the rest of the rollup is the older migration's
        // business: these rows were written around it), and then the whole report as the base tables make it.
        var migrated = Touches(await CampaignCheck.RollupAsync(_database.FilePath));
        Assert.Equal(2 * 2 * 2, migrated.Count); // two (bucket, key) pairs with campaign touches without an ad, by hour and by day, under both models
        await using (var connection = new SqliteConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            await CampaignRollup.RebuildAsync(connection);
        }

        Assert.Equal(Touches(await CampaignCheck.RollupAsync(_database.FilePath)), migrated);
        foreach (var first in new[] { true, false })
        {
            await CampaignCheck.SameAsReferenceAsync(() => new AppDbContext(_database.Options), new CampaignCaches(), first, null, null, "migrated");
        }

        // Day 10 and 11 went to the first target; the link was re-pointed on the 12th, so that day and later to the second.
        await using var scans = new SqliteConnection(_database.ConnectionString);
        await scans.OpenAsync();
        await using var command = scans.CreateCommand();
        command.CommandText = "SELECT Day, Code FROM LinkScanDays ORDER BY Day";
        var codes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            codes.Add($"{reader.GetString(0)} {reader.GetString(1)}");
        }

        Assert.Equal(["2026-11-10 box_2026", "2026-11-11 box_2026", "2026-11-12 box_2027", "2026-11-13 box_2027"], codes);
    }

    /// <summary>The campaign rollup's buckets and keys with their campaign touches, where there are any.</summary>
    private static List<string> Touches(List<string> rollup) =>
        [.. rollup.Where(r => r.StartsWith("Campaign", StringComparison.Ordinal)).Select(r => (Bucket: r[..r.IndexOf(':')], Touches: r[(r.LastIndexOf(' ') + 1)..])).Where(r => r.Touches != "0").Select(r => $"{r.Bucket}: {r.Touches}")];

    /// <summary>Rows written straight into the tables, as the previous version of the app left them.</summary>
    private Task InsertDataAsync()
    {
        var at = T0.ToUnixTimeMilliseconds();
        const long hour = 3_600_000;
        return _database.ExecuteAsync($"""
            PRAGMA foreign_keys = OFF;
            INSERT INTO Triggers (Id, Name, Pattern, Platforms, AdIds, Priority, Enabled, Tags, GreetingText, GreetingMode, CreatedAt, UpdatedAt)
            VALUES (1, 'Box', 'box_*', '[]', '[]', 0, 1, '[]', NULL, 0, {at}, {at});
            INSERT INTO ReferralTouches (Id, ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt, AdId, TriggerId, Platform, AccountId, ParticipantId, Simulated)
            VALUES (1, 1, 1, 'box_2026', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at + 1 * hour}, {at + 1 * hour}, NULL, 1, 'instagram', 'acct', 'p1', 0),
                   (2, 1, 2, 'BOX_2026', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at + 1 * hour + 60_000}, {at + 1 * hour}, NULL, 1, 'instagram', 'acct', 'p1', 0),
                   (3, 2, 3, 'box_2027', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at + 50 * hour}, {at + 50 * hour}, NULL, 1, 'instagram', 'acct', 'p2', 0),
                   (4, 2, 4, NULL, 'ADS', 'OPEN_THREAD', 'ad', 0, 1, {at + 51 * hour}, {at + 51 * hour}, '120210000000001', NULL, 'instagram', 'acct', 'p2', 0),
                   (5, 2, 5, 'not_a_campaign', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 1, 0, {at + 52 * hour}, {at + 52 * hour}, NULL, NULL, 'instagram', 'acct', 'p2', 0);
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, CreatedAt, LastActivityAt, FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
            VALUES (1, 'instagram', 'acct', 'p1', {at}, {at + 1 * hour}, 1, {at + 1 * hour}, 2, {at + 1 * hour + 60_000}, 0, 0, 0, 0),
                   (2, 'instagram', 'acct', 'p2', {at}, {at + 52 * hour}, 3, {at + 50 * hour}, 4, {at + 51 * hour}, 0, 0, 0, 0);
            INSERT INTO Conversions (ConversationId, Type, Value, Currency, OccurredAt, ExternalId, FirstTouchId, LastTouchId, RecordedAt)
            VALUES (1, 'purchase', 19.99, 'EUR', {at + 3 * hour}, 'o1', 1, 2, {at});
            INSERT INTO TrackableLinks (Id, Slug, Platform, Account, Code, WhatsAppTemplate, Enabled, CreatedAt, UpdatedAt)
            VALUES (1, 'spring-box', 'instagram', 'acme.shop', 'box_2027', NULL, 1, {at}, {at + 60 * hour});
            INSERT INTO TrackableLinkTargets (LinkId, Platform, Account, Code, WhatsAppTemplate, ChangedAt, ChangedBy)
            VALUES (1, 'instagram', 'acme.shop', 'box_2026', NULL, {at}, 'admin@example.com'),
                   (1, 'instagram', 'acme.shop', 'box_2027', NULL, {at + 60 * hour}, 'admin@example.com');
            INSERT INTO LinkScanDays (LinkId, Day, Platform, Device, Scans)
            VALUES (1, '2026-11-10', 'instagram', 'ios', 4), (1, '2026-11-11', 'instagram', 'ios', 1),
                   (1, '2026-11-12', 'instagram', 'android', 2), (1, '2026-11-13', 'instagram', 'ios', 3);
            """);
    }
}
