using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Storage.Postgres;

/// <summary>Webhooks in, attribution out, on PostgreSQL: the same app and API as on SQLite.</summary>
public sealed class PostgresSpineTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    [Fact]
    public async Task Referrals_Are_Stored_Attributed_And_Listed()
    {
        await using var app = await TestApp.StartAsync(settings: database.AppSettings);
        await app.DeliverAsync(Instagram(
            Referral("ig-1", T0, "summer_sale"),
            Referral("ig-2", T0.AddHours(1), "SUMMER_SALE"),
            Referral("ig-3", T0.AddHours(2), "winter")));
        await app.DeliverAsync(Messenger(Referral("psid-1", T0.AddHours(3), "summer_sale", "SHORTLINK", PageId)));
        await app.DeliverAsync(WhatsApp(WhatsAppText("4915550001", T0.AddHours(4), "ref: summer_sale")));

        var page = await app.Api.GetJsonAsync("/api/conversations");

        Assert.Equal(5, page.GetProperty("total").GetInt32());
        var participants = page.GetProperty("items").EnumerateArray().Select(i => i.Str("participantId")!).ToArray();
        Assert.Equal(["4915550001", "psid-1", "ig-3", "ig-2", "ig-1"], participants);
    }
}
