using Npgsql;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Attribution.WhatsAppIdentityTests;
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
        Assert.Empty(database.ForeignKeyViolations());
    }

    [Fact]
    public async Task Only_The_Writers_Session_Skips_Foreign_Key_Checks()
    {
        // scripts/services.sh lets the role set session_replication_role, as the README tells operators.
        await database.MigrateAsync();

        const string Orphan = "INSERT INTO participantaliases (alias, platform, accountid, conversationid) VALUES ('orphan', 'whatsapp', 'a', -1)";
        using (var session = new PostgresWriterSession(database.DataSource.OpenConnection()))
        {
            Assert.False(session.ChecksForeignKeys);
            session.Begin();
            using (var orphan = session.Prepare(Orphan))
            {
                orphan.Execute();
            }

            // Where the checks run, this runs the deferred one now and refuses the row.
            using (var check = session.Prepare("SET CONSTRAINTS ALL IMMEDIATE"))
            {
                check.Execute();
            }

            session.Rollback();
        }

        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand(Orphan, connection, transaction);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
    }

    [Fact]
    public async Task A_WhatsApp_Participant_Known_By_Alias_Continues_The_Same_Conversation()
    {
        await using var app = await TestApp.StartAsync(settings: database.AppSettings);
        var (phone, bsuid) = (NewPhone(), NewBsuid());
        await app.DeliverAsync(WhatsAppFrom(Contact(phone, null), Text(phone, null, T0, "Hi ref=by_phone")));
        // The BSUID arrives beside the phone: it becomes the conversation's alias.
        await app.DeliverAsync(WhatsAppFrom(Contact(phone, bsuid), Text(phone, bsuid, T0.AddMinutes(1), "still me")));

        // Then under the BSUID alone, and a newcomer: read ahead by key, then by alias, found for one and not the other.
        var stranger = NewBsuid();
        await app.DeliverAsync(WhatsAppFrom(Contact(null, bsuid), Text(null, bsuid, T0.AddMinutes(2), "and again")));
        await app.DeliverAsync(WhatsAppFrom(Contact(null, stranger), Text(null, stranger, T0.AddMinutes(3), "first time ref=newcomer")));

        // Found by either identifier, one conversation.
        Assert.Equal(1, await app.ConversationCountAsync("whatsapp", phone));
        Assert.Equal(1, await app.ConversationCountAsync("whatsapp", bsuid));
        var conversation = await app.ConversationOfAsync("whatsapp", phone);
        Assert.Equal(conversation.GetProperty("id").GetInt64(), (await app.ConversationOfAsync("whatsapp", bsuid)).GetProperty("id").GetInt64());
        Assert.Equal(bsuid, conversation.GetProperty("participant").Str("userId"));
        Assert.Equal("by_phone", conversation.GetProperty("firstReferral").Str("ref"));
        Assert.Equal("newcomer", (await app.ConversationOfAsync("whatsapp", stranger)).GetProperty("firstReferral").Str("ref"));
        Assert.Empty(database.ForeignKeyViolations());
    }
}
