using Microsoft.EntityFrameworkCore;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Conversions;

/// <summary>A database with attribution data from before the rollup gets it filled by the migration that adds it.</summary>
public sealed class CampaignRollupMigrationTests : IDisposable
{
    private const string BeforeRollup = "20261121073653_FeedSearchIndexes";
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-10T00:00:00Z");
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Migration_Backfills_The_Rollup_From_Existing_Data()
    {
        var options = _database.Options;
        await _database.MigrateToAsync(BeforeRollup);
        await InsertAttributionDataAsync();
        await using (var db = new AppDbContext(options))
        {
            await db.Database.MigrateAsync();
        }

        var caches = new CampaignCaches();
        foreach (var first in new[] { true, false })
        {
            await CampaignCheck.SameAsReferenceAsync(() => new AppDbContext(options), caches, first, null, null, "backfilled");
            await CampaignCheck.SameAsReferenceAsync(() => new AppDbContext(options), caches, first, T0.AddHours(5), T0.AddDays(2).AddMinutes(30), "backfilled");
            await CampaignCheck.SameAsReferenceAsync(() => new AppDbContext(options), caches, first, T0.AddDays(1).AddMinutes(-5), T0.AddDays(1).AddMinutes(5), "backfilled");
        }

        Assert.Contains(await CampaignCheck.RollupAsync(_database.FilePath), r => r.StartsWith("CampaignDays", StringComparison.Ordinal));
        await CampaignCheck.RollupEqualsRebuildAsync(_database.FilePath);
    }

    /// <summary>Rows written straight into the tables, as an older version of the app left them.</summary>
    private Task InsertAttributionDataAsync()
    {
        var at = T0.ToUnixTimeMilliseconds();
        const long hour = 3_600_000;
        return _database.ExecuteAsync($"""
            PRAGMA foreign_keys = OFF;
            INSERT INTO Triggers (Id, Name, Pattern, Platforms, AdIds, Priority, Enabled, Tags, GreetingText, GreetingMode, CreatedAt, UpdatedAt)
            VALUES (1, 'Spring', 'spring_*', '[]', '[]', 0, 1, '[]', NULL, 0, {at}, {at}),
                   (2, 'Alice', 'collab_alice', '[]', '[]', 0, 1, '[]', NULL, 0, {at}, {at});
            INSERT INTO ReferralTouches (Id, ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt, AdId, TriggerId, Platform, AccountId, ParticipantId, Simulated)
            VALUES (1, 1, 1, 'spring_feed', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at + 1 * hour}, {at + 1 * hour}, NULL, 1, 'instagram', 'acct', 'p1', 0),
                   (2, 1, 2, 'collab_alice', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at + 30 * hour}, {at + 30 * hour}, NULL, 2, 'instagram', 'acct', 'p1', 0),
                   (3, 2, 3, 'SPRING_FEED', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at + 24 * hour}, {at + 24 * hour}, NULL, 1, 'instagram', 'acct', 'p2', 0),
                   (4, 3, 4, NULL, 'ADS', 'OPEN_THREAD', 'ad', 0, 1, {at + 24 * hour + 120_000}, {at + 24 * hour}, '120210000000001', NULL, 'instagram', 'acct', 'p3', 0),
                   (5, 3, 5, 'loose', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at + 50 * hour}, {at + 50 * hour}, NULL, NULL, 'instagram', 'acct', 'p3', 0),
                   (6, 4, 6, 'spring_story', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at + 49 * hour - 1}, {at + 49 * hour}, NULL, 1, 'instagram', 'acct', 'p4', 0);
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, CreatedAt, LastActivityAt, FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
            VALUES (1, 'instagram', 'acct', 'p1', {at}, {at + 30 * hour}, 1, {at + 1 * hour}, 2, {at + 30 * hour}, 0, 0, 0, 0),
                   (2, 'instagram', 'acct', 'p2', {at}, {at + 24 * hour}, 3, {at + 24 * hour}, 3, {at + 24 * hour}, 0, 0, 0, 0),
                   (3, 'instagram', 'acct', 'p3', {at}, {at + 50 * hour}, 4, {at + 24 * hour + 120_000}, 5, {at + 50 * hour}, 0, 0, 0, 0),
                   (4, 'instagram', 'acct', 'p4', {at}, {at + 49 * hour}, 6, {at + 49 * hour - 1}, 6, {at + 49 * hour - 1}, 0, 0, 0, 0);
            INSERT INTO Conversions (ConversationId, Type, Value, Currency, OccurredAt, ExternalId, FirstTouchId, LastTouchId, RecordedAt)
            VALUES (1, 'purchase', 19.99, 'EUR', {at + 31 * hour}, 'o1', 1, 2, {at}),
                   (1, 'purchase', 5.01, 'EUR', {at + 2 * hour}, 'o2', 1, 1, {at}),
                   (2, 'signup', NULL, NULL, {at + 24 * hour + 5}, 'o3', 3, 3, {at}),
                   (3, 'purchase', 100, 'EUR', {at + 25 * hour}, 'o4', 4, 4, {at});
            """);
    }
}
