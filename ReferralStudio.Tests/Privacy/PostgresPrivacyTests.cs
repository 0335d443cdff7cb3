using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Backup;
using ReferralStudio.Privacy;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Privacy;

/// <summary>
/// Privacy and retention on PostgreSQL through paths that need no trigger or conversion (both are engine work in
/// progress elsewhere): erasure of one of two people in one batch, message-text and inbox-body retention, and the
/// backup command's refusal. Each test on a database of its own.
/// </summary>
public sealed class PostgresPrivacyTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Erase_Removes_One_Person_Of_A_Batch_Through_Every_Table_And_Keeps_The_Other()
    {
        await using var receiver = await LoopbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(receivers: [receiver], settings: _database.AppSettings);
        var (status, body) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(receiver.BaseAddress, "hooks").ToString(), events = new[] { "referral.received", "conversation.started", "message.received" } });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        string phone = "49151" + Random.Shared.NextInt64(10_000_000, 99_999_999), otherPhone = "49152" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        string text = Unique("text-person"), otherText = Unique("text-other");
        var now = app.Time.GetUtcNow();
        await app.DeliverAsync(WhatsAppValue(new
        {
            messaging_product = "whatsapp",
            metadata = new { display_phone_number = "15550783881", phone_number_id = PhoneNumberId },
            contacts = new[] { new { profile = new { name = "Zorblaxa Quimby" }, wa_id = phone }, new { profile = new { name = "Otherina Vance" }, wa_id = otherPhone } },
            messages = new[]
            {
                WhatsAppText(phone, now.AddMinutes(-5), text + " ref: pg_privacy"),
                WhatsAppText(otherPhone, now.AddMinutes(-4), otherText + " ref: pg_privacy"),
            },
        }));
        var id = (await app.ConversationOfAsync("whatsapp", phone)).GetProperty("id").GetInt64();
        var otherId = (await app.ConversationOfAsync("whatsapp", otherPhone)).GetProperty("id").GetInt64();

        var export = await app.Api.GetJsonAsync($"/api/conversations/{id}/export");
        Assert.Contains(export.GetProperty("events").EnumerateArray(), e => e.Str("text")?.Contains(text, StringComparison.Ordinal) == true);
        Assert.NotEmpty(export.GetProperty("outboundDeliveries").EnumerateArray());
        Assert.All(export.GetProperty("outboundDeliveries").EnumerateArray(), d => Assert.Equal(id, d.GetProperty("payload").GetProperty("data").GetProperty("conversation").GetProperty("id").GetInt64()));
        Assert.Contains(text, Assert.Single(export.GetProperty("inboundDeliveries").EnumerateArray()).GetProperty("body").GetRawText());
        Assert.DoesNotContain(otherPhone, export.ToString());
        Assert.NotEmpty(await PostgresPersonalDataTests.RowsHoldingAsync(_database.DataSource, text));

        var (erasedStatus, erased) = await app.Api.SendJsonAsync(HttpMethod.Delete, $"/api/conversations/{id}/personal-data");

        Assert.True(erasedStatus == HttpStatusCode.OK, erased.ToString());
        Assert.Equal(1, erased.GetProperty("conversations").GetInt32());
        Assert.Equal(1, erased.GetProperty("touches").GetInt32());
        Assert.Equal(1, erased.GetProperty("inboundBodiesEmptied").GetInt32());
        Assert.True(erased.GetProperty("outboundDeliveries").GetInt32() >= 2, erased.ToString());
        foreach (var trace in new[] { phone, "Zorblaxa Quimby", text })
        {
            Assert.Empty(await PostgresPersonalDataTests.RowsHoldingAsync(_database.DataSource, trace));
        }

        var kept = await app.Api.GetJsonAsync($"/api/conversations/{otherId}/export");
        Assert.Equal("Otherina Vance", kept.GetProperty("conversation").Str("participantName"));
        // The rollups count only the other person now.
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT COALESCE(SUM(conversations), 0) FROM campaignhours WHERE model = 0"));
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT COALESCE(SUM(conversations), 0) FROM campaigndays WHERE model = 1"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Api.SendJsonAsync(HttpMethod.Delete, $"/api/conversations/{id}/personal-data")).Status);
    }

    [Fact]
    public async Task Old_Message_Texts_And_Inbox_Bodies_Are_Cleared_And_New_Ones_Kept()
    {
        await using var receiver = await LoopbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(receivers: [receiver], settings: new Dictionary<string, string?>(_database.AppSettings)
        {
            ["Privacy:RetainMessageTextsFor"] = "1.00:00:00",
            ["Inbox:RetainProcessedBodiesFor"] = "1.00:00:00",
        });
        var (status, body) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(receiver.BaseAddress, "hooks").ToString(), events = new[] { "message.received" } });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        string oldText = Unique("old-text"), newText = Unique("new-text");
        await app.DeliverAsync(Instagram(Message(Unique("igsid"), app.Time.GetUtcNow(), oldText)));
        app.Time.Advance(TimeSpan.FromDays(2));
        await app.DeliverAsync(Instagram(Message(Unique("igsid"), app.Time.GetUtcNow(), newText)));

        Assert.True(await app.Services.GetRequiredService<MessageTextRetention>().ClearDueTextsAsync(CancellationToken.None) >= 2);
        Assert.Equal(1, await app.Services.GetRequiredService<PostgresInboxRetention>().DropDueBodiesAsync(CancellationToken.None));

        Assert.Equal(newText, await _database.ScalarAsync<string>("SELECT string_agg(text, ',') FROM webhookevents WHERE text IS NOT NULL"));
        Assert.Equal(2L, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM webhookevents"));
        Assert.Equal(newText, await _database.ScalarAsync<string>(
            "SELECT string_agg(payload::jsonb #>> '{data,message,text}', ',') FROM outbounddeliveries WHERE eventtype = 'message.received' AND payload::jsonb #>> '{data,message,text}' IS NOT NULL"));
        Assert.Empty(await PostgresPersonalDataTests.RowsHoldingAsync(_database.DataSource, oldText));
        Assert.NotEmpty(await PostgresPersonalDataTests.RowsHoldingAsync(_database.DataSource, newText));
    }

    [Fact]
    public void Backup_And_Restore_Refuse_On_PostgreSQL_And_Point_At_Pg_Dump()
    {
        foreach (var verb in new[] { "backup", "restore" })
        {
            using StringWriter output = new(), error = new();
            var code = BackupCommands.Run([verb, Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), "--Database:Provider=postgres"], output, error);

            Assert.Equal(1, code);
            Assert.Contains("pg_dump -Fc", error.ToString());
            Assert.Contains("pg_restore", error.ToString());
        }
    }
}
