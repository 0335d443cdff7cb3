using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Attribution.WhatsAppIdentityTests;

namespace ReferralStudio.Tests.Data;

/// <summary>
/// A database from before WhatsApp identities (every participant keyed by phone) upgrades in place: no conversation
/// is lost or split, and the person's later BSUID-only messages continue the conversation their phone started.
/// </summary>
public sealed class WhatsAppIdentityMigrationTests : IDisposable
{
    private const string BeforeIdentities = "20261121132115_FewerHotPathIndexes";
    private const string Phone = "15550001234";
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-19T10:00:00Z");
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Existing_WhatsApp_Conversations_Keep_Their_Ids_And_Learn_Their_Phone()
    {
        await _database.MigrateToAsync(BeforeIdentities);
        await InsertOldConversationsAsync();

        await using (var app = await TestApp.StartAsync(_database.FilePath))
        {
            var old = await app.ConversationOfAsync("whatsapp", Phone);
            Assert.Equal(7, old.GetProperty("id").GetInt64());
            Assert.Equal(Phone, old.GetProperty("participant").Str("phone"));
            Assert.Equal("ad-before-upgrade", old.GetProperty("firstReferral").Str("adId"));
            var instagram = await app.ConversationOfAsync("instagram", "igsid-old");
            Assert.Null(instagram.GetProperty("participant").Str("phone"));

            // Meta now adds the BSUID, later withholds the phone: still conversation 7.
            var bsuid = NewBsuid();
            await app.DeliverAsync(WhatsAppFrom(Contact(Phone, bsuid), Text(Phone, bsuid, T0.AddDays(1), "hello again")));
            await app.DeliverAsync(WhatsAppFrom(Contact(null, bsuid), Text(null, bsuid, T0.AddDays(1).AddMinutes(1), "phone withheld now")));

            var continued = await app.ConversationOfAsync("whatsapp", bsuid);
            Assert.Equal(7, continued.GetProperty("id").GetInt64());
            Assert.Equal(Phone, continued.GetProperty("participant").Str("id"));
            Assert.Equal(bsuid, continued.GetProperty("participant").Str("userId"));
            Assert.Equal("ad-before-upgrade", continued.GetProperty("firstReferral").Str("adId"));
            Assert.Equal(2, (await app.Api.GetJsonAsync("/api/conversations?pageSize=10")).GetProperty("total").GetInt32());
        }
    }

    /// <summary>Rows as the previous version of the app wrote them.</summary>
    private Task InsertOldConversationsAsync()
    {
        var at = T0.ToUnixTimeMilliseconds();
        return _database.ExecuteAsync($"""
            PRAGMA foreign_keys = OFF;
            INSERT INTO WebhookEvents (Id, DeliveryId, DedupKey, Status, Platform, Kind, Passive, AccountId, ParticipantId, OccurredAt, ReceivedAt, MessageId, Text, ConversationId)
            VALUES (1, 1, 'whatsapp:m:wamid.old', 0, 'whatsapp', 'message', 0, '{Payloads.PhoneNumberId}', '{Phone}', {at}, {at}, 'wamid.old', 'Hi', 7),
                   (2, 2, 'instagram:m:mid.old', 0, 'instagram', 'message', 0, 'acct', 'igsid-old', {at}, {at}, 'mid.old', 'Hi', 8);
            INSERT INTO ReferralTouches (Id, ConversationId, EventId, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt, AdId, SourceId, CtwaClid, Platform, AccountId, ParticipantId, Simulated)
            VALUES (1, 7, 1, 'ad', NULL, 'ad', 0, 1, {at}, {at}, 'ad-before-upgrade', 'ad-before-upgrade', 'clid-old', 'whatsapp', '{Payloads.PhoneNumberId}', '{Phone}', 0);
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, CreatedAt, LastActivityAt, WindowExpiresAt, FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
            VALUES (7, 'whatsapp', '{Payloads.PhoneNumberId}', '{Phone}', 'Old Customer', {at}, {at}, {at + 86_400_000}, 1, {at}, 1, {at}, 1, 1, 0, 0),
                   (8, 'instagram', 'acct', 'igsid-old', NULL, {at}, {at}, {at + 86_400_000}, NULL, NULL, NULL, NULL, 1, 1, 0, 0);
            """);
    }
}
