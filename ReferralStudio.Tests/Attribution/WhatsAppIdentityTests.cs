using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Tests.Conversions;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Attribution;

/// <summary>
/// WhatsApp participants known by phone, by business-scoped user id (BSUID) or both: one person is one
/// conversation per business account, whichever identifier a message carries (shared/reference/meta-webhooks.md §9).
/// </summary>
public sealed class WhatsAppIdentityTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T09:00:00Z");
    private readonly TestApp _app = fixture.App;

    public static string NewBsuid() => "US." + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999) + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999);

    public static string NewPhone() => "1555" + RandomNumberGenerator.GetInt32(1_000_000, 9_999_999);

    /// <summary>A <c>messages</c> change with one contact and its messages, as Meta shapes it in 2026.</summary>
    public static string WhatsAppFrom(Dictionary<string, object?> contact, params object[] messages) => WhatsAppValue(new
    {
        messaging_product = "whatsapp",
        metadata = new { display_phone_number = "15550783881", phone_number_id = PhoneNumberId },
        contacts = new[] { contact },
        messages,
    });

    /// <summary>A contact: <c>wa_id</c> only when the phone is shared, <c>user_id</c> only when Meta sends a BSUID.</summary>
    public static Dictionary<string, object?> Contact(string? phone, string? bsuid, string name = "Sheena", string? username = null, string? parent = null) =>
        Without(new()
        {
            ["profile"] = Without(new() { ["name"] = name, ["username"] = username }),
            ["wa_id"] = phone,
            ["user_id"] = bsuid,
            ["parent_user_id"] = parent,
        });

    /// <summary>A text message: <c>from</c> is the phone and is absent when the phone is withheld.</summary>
    public static Dictionary<string, object?> Text(string? phone, string? bsuid, DateTimeOffset at, string body, object? referral = null, string? id = null) =>
        Without(new()
        {
            ["from"] = phone,
            ["from_user_id"] = phone is null ? bsuid : null,
            ["id"] = id ?? Unique("wamid"),
            ["timestamp"] = at.ToUnixTimeSeconds().ToString(),
            ["type"] = "text",
            ["text"] = new { body },
            ["referral"] = referral,
        });

    private static Dictionary<string, object?> Without(Dictionary<string, object?> values) =>
        values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value);

    private static string UserIdUpdate(string? phone, string previous, string current, DateTimeOffset at) => Envelope(
        "whatsapp_business_account",
        new
        {
            id = "WABA-1",
            changes = new[]
            {
                new
                {
                    field = "user_id_update",
                    value = new
                    {
                        messaging_product = "whatsapp",
                        metadata = new { display_phone_number = "15550783881", phone_number_id = PhoneNumberId },
                        user_id_update = new[]
                        {
                            new { wa_id = phone, user_id = new { previous, current }, timestamp = at.ToUnixTimeSeconds().ToString() },
                        },
                    },
                },
            },
        });

    private Task<int> CountAsync(string participantId) => _app.ConversationCountAsync("whatsapp", participantId);

    private async Task<long> IdOfAsync(string participantId) => (await _app.ConversationOfAsync("whatsapp", participantId)).GetProperty("id").GetInt64();

    private async Task<List<TimelineItem>> TimelineAsync(long conversationId)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return [.. (await TimelineQuery.LoadAsync(db, conversationId, CancellationToken.None))!.Items];
    }

    [Fact]
    public async Task Phone_Withheld_Message_Is_Attributed_To_Its_Click_To_WhatsApp_Ad()
    {
        var bsuid = NewBsuid();
        await _app.DeliverAsync(WhatsAppFrom(
            Contact(null, bsuid, "Sheena", "@realsheenanelson", "US.ENT.11815799212886844830"),
            Text(null, bsuid, T0, "Hi! I saw your ad", CtwaReferral("120226305854810726", "ARAkLkA8rmlF"))));

        var conversation = await _app.ConversationOfAsync("whatsapp", bsuid);
        var referral = conversation.GetProperty("firstReferral");
        Assert.Equal("120226305854810726", referral.Str("adId"));
        Assert.Equal("ARAkLkA8rmlF", referral.Str("ctwaClid"));
        Assert.Equal(bsuid, conversation.Str("participantId"));
        var participant = conversation.GetProperty("participant");
        Assert.Equal(bsuid, participant.Str("id"));
        Assert.Null(participant.Str("phone"));
        Assert.Equal(bsuid, participant.Str("userId"));
        Assert.Equal("US.ENT.11815799212886844830", participant.Str("parentUserId"));
        Assert.Equal("@realsheenanelson", participant.Str("username"));
        Assert.Equal("Sheena", participant.Str("name"));
        Assert.Equal(T0 + TimeSpan.FromHours(24), conversation.GetProperty("windowExpiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Phone_And_Bsuid_In_One_Message_Are_One_Conversation_Found_By_Either()
    {
        var (phone, bsuid) = (NewPhone(), NewBsuid());
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, bsuid), Text(phone, bsuid, T0, "Hi ref=both_ids")));

        Assert.Equal(1, await CountAsync(phone));
        Assert.Equal(1, await CountAsync(bsuid));
        var conversation = await _app.ConversationOfAsync("whatsapp", bsuid);
        Assert.Equal(await IdOfAsync(phone), conversation.GetProperty("id").GetInt64());
        Assert.Equal(phone, conversation.GetProperty("participant").Str("id"));
        Assert.Equal(phone, conversation.GetProperty("participant").Str("phone"));
        Assert.Equal(bsuid, conversation.GetProperty("participant").Str("userId"));
        Assert.Equal("both_ids", conversation.GetProperty("firstReferral").Str("ref"));
    }

    [Fact]
    public async Task Phone_First_Then_Bsuid_Only_Continues_The_Same_Conversation()
    {
        var (phone, bsuid) = (NewPhone(), NewBsuid());
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, null), Text(phone, null, T0, "Hi", CtwaReferral("ad-phone-first", "clid-1"))));
        var id = await IdOfAsync(phone);
        // Meta adds the BSUID beside the phone for a while, then may withhold the phone.
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, bsuid), Text(phone, bsuid, T0.AddMinutes(10), "Still there?")));
        await _app.DeliverAsync(WhatsAppFrom(Contact(null, bsuid, username: "@sheena"), Text(null, bsuid, T0.AddHours(2), "Hello again")));

        var conversation = await _app.ConversationOfAsync("whatsapp", bsuid);
        Assert.Equal(id, conversation.GetProperty("id").GetInt64());
        Assert.Equal(1, await CountAsync(phone));
        Assert.Equal("ad-phone-first", conversation.GetProperty("firstReferral").Str("adId"));
        Assert.Equal(T0.AddHours(26), conversation.GetProperty("windowExpiresAt").GetDateTimeOffset());
        Assert.Equal(phone, conversation.GetProperty("participant").Str("id"));
        Assert.Equal("@sheena", conversation.GetProperty("participant").Str("username"));
        Assert.Equal(3, (await TimelineAsync(id)).Count(i => i.Kind == TimelineKind.Message));
    }

    [Fact]
    public async Task Bsuid_First_Then_Phone_Keeps_The_Bsuid_As_The_Stable_Id()
    {
        var (phone, bsuid) = (NewPhone(), NewBsuid());
        await _app.DeliverAsync(WhatsAppFrom(Contact(null, bsuid), Text(null, bsuid, T0, "Hi", CtwaReferral("ad-bsuid-first", "clid-2"))));
        var id = await IdOfAsync(bsuid);
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, bsuid), Text(phone, bsuid, T0.AddMinutes(5), "my number is shared now")));
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, null), Text(phone, null, T0.AddMinutes(6), "phone only")));

        var conversation = await _app.ConversationOfAsync("whatsapp", phone);
        Assert.Equal(id, conversation.GetProperty("id").GetInt64());
        Assert.Equal(bsuid, conversation.GetProperty("participant").Str("id"));
        Assert.Equal(phone, conversation.GetProperty("participant").Str("phone"));
        Assert.Equal("ad-bsuid-first", conversation.GetProperty("firstReferral").Str("adId"));
        Assert.Equal(1, await CountAsync(bsuid));
    }

    [Fact]
    public async Task Two_Conversations_That_Turn_Out_To_Be_One_Person_Are_Merged_Without_Losing_Anything()
    {
        var (phone, bsuid) = (NewPhone(), NewBsuid());
        var code = Unique("merge").Replace("-", "_")[..20];
        var (status, _) = await _app.Api.PostJsonAsync("/api/triggers", new { name = "Merge " + code, pattern = code + "*", actions = new { tags = new[] { "merged-person" } } });
        Assert.Equal(HttpStatusCode.Created, status);

        // Seen by phone only, then (on another device, phone withheld) by BSUID only, with an earlier ad touch.
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, null), Text(phone, null, T0.AddHours(1), $"Hi ref={code}_late")));
        await _app.DeliverAsync(WhatsAppFrom(Contact(null, bsuid), Text(null, bsuid, T0, "Hi", CtwaReferral("ad-merge-early", "clid-3"))));
        var byPhone = await IdOfAsync(phone);
        var byBsuid = await IdOfAsync(bsuid);
        Assert.NotEqual(byPhone, byBsuid);
        var (converted, _) = await _app.Api.PostJsonAsync("/api/conversions", new { conversationId = byBsuid, type = "purchase", value = 30, currency = "EUR", occurredAt = T0.AddMinutes(30), externalId = Unique("order") });
        Assert.Equal(HttpStatusCode.Created, converted);

        // One message carries both: the same person.
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, bsuid), Text(phone, bsuid, T0.AddHours(3), "both")));

        var survivor = Math.Min(byPhone, byBsuid);
        var merged = Math.Max(byPhone, byBsuid);
        var conversation = await _app.ConversationOfAsync("whatsapp", phone);
        Assert.Equal(survivor, conversation.GetProperty("id").GetInt64());
        Assert.Equal(survivor, await IdOfAsync(bsuid));
        Assert.Equal(2, conversation.GetProperty("referrals").GetArrayLength());
        Assert.Equal("ad-merge-early", conversation.GetProperty("firstReferral").Str("adId"));
        Assert.Equal($"{code}_late", conversation.GetProperty("metadata").GetProperty("referral").Str("ref"));
        Assert.Equal(["merged-person"], conversation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(T0.AddHours(27), conversation.GetProperty("windowExpiresAt").GetDateTimeOffset());
        var conversions = await _app.Api.GetJsonAsync($"/api/conversions?conversationId={survivor}");
        Assert.Equal(1, conversions.GetProperty("items").GetArrayLength());
        await _app.Api.GetJsonAsync($"/api/conversations/{merged}", HttpStatusCode.NotFound);

        var timeline = await TimelineAsync(survivor);
        var merge = Assert.Single(timeline, i => i.Kind == TimelineKind.Identity);
        Assert.Contains($"Conversation {merged}", merge.Detail);
        Assert.Equal(3, timeline.Count(i => i.Kind == TimelineKind.Message));
        Assert.Contains(timeline, i => i.Kind == TimelineKind.Automation);
        Assert.Contains(timeline, i => i.Kind == TimelineKind.Conversion);

        // The feed filters touches by the participant copied onto them: every touch names the survivor's.
        await using (var db = ReferralStudio.Tests.Reliability.TestDatabase.Open(_app.DatabasePath))
        {
            var participants = await db.ReferralTouches.AsNoTracking().Where(t => t.ConversationId == survivor).Select(t => t.ParticipantId).ToListAsync();
            var id = conversation.GetProperty("participant").Str("id")!;
            Assert.Equal([id, id], participants);
        }

        // Analytics read a rollup the merge moved in the same transaction: it still equals a rebuild from the tables.
        await CampaignCheck.RollupEqualsRebuildAsync(_app.DatabasePath);
        Assert.Empty(ReferralStudio.Tests.Reliability.TestDatabase.ForeignKeyViolations(_app.DatabasePath));
    }

    [Fact]
    public async Task Bsuid_Change_By_User_Id_Update_Links_The_New_Id_To_The_Same_Conversation()
    {
        var (phone, oldId, newId) = (NewPhone(), NewBsuid(), NewBsuid());
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, oldId), Text(phone, oldId, T0, "Hi", CtwaReferral("ad-change", "clid-4"))));
        var id = await IdOfAsync(phone);

        await _app.DeliverAsync(UserIdUpdate(phone, oldId, newId, T0.AddMinutes(1)));
        await _app.DeliverAsync(WhatsAppFrom(Contact(null, newId), Text(null, newId, T0.AddMinutes(2), "new number, same me")));

        Assert.Equal(id, await IdOfAsync(newId));
        Assert.Equal(id, await IdOfAsync(oldId));
        var conversation = await _app.ConversationOfAsync("whatsapp", newId);
        Assert.Equal(newId, conversation.GetProperty("participant").Str("userId"));
        Assert.Equal("ad-change", conversation.GetProperty("firstReferral").Str("adId"));
        var change = Assert.Single(await TimelineAsync(id), i => i.Kind == TimelineKind.Identity);
        Assert.Contains(newId, change.Detail);

        // Meta retries the update: nothing changes twice.
        await _app.DeliverAsync(UserIdUpdate(phone, oldId, newId, T0.AddMinutes(1)));
        Assert.Single(await TimelineAsync(id), i => i.Kind == TimelineKind.Identity);
    }

    [Fact]
    public async Task Bsuid_Change_By_System_Message_Merges_A_Conversation_Already_Started_Under_The_New_Id()
    {
        var (phone, oldId, newId) = (NewPhone(), NewBsuid(), NewBsuid());
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, oldId), Text(phone, oldId, T0, "Hi ref=sys_change")));
        var id = await IdOfAsync(phone);
        // The first message under the new id arrives before the system message that explains it.
        await _app.DeliverAsync(WhatsAppFrom(Contact(null, newId), Text(null, newId, T0.AddMinutes(3), "hello from my new id")));
        Assert.NotEqual(id, await IdOfAsync(newId));

        var system = new Dictionary<string, object?>
        {
            ["from"] = phone,
            ["id"] = Unique("wamid"),
            ["timestamp"] = T0.AddMinutes(2).ToUnixTimeSeconds().ToString(),
            ["type"] = "system",
            ["system"] = new { body = $"User Sheena changed from {oldId} to {newId}", type = "user_changed_user_id", user_id = newId },
        };
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, oldId), system));

        Assert.Equal(id, await IdOfAsync(newId));
        var conversation = await _app.ConversationOfAsync("whatsapp", phone);
        Assert.Equal("sys_change", conversation.GetProperty("firstReferral").Str("ref"));
        Assert.Equal(newId, conversation.GetProperty("participant").Str("userId"));
        var identity = (await TimelineAsync(id)).Where(i => i.Kind == TimelineKind.Identity).Select(i => i.Title).ToList();
        Assert.Contains("Conversations merged", identity);
        Assert.Contains("WhatsApp user id changed", identity);
        // The system message is not a message from the person.
        Assert.Equal(2, (await TimelineAsync(id)).Count(i => i.Kind == TimelineKind.Message));
    }

    [Fact]
    public async Task Group_Message_Is_Kept_As_Context_And_Never_Attributed_Or_Greeted()
    {
        var bsuid = NewBsuid();
        var wamid = Unique("wamid");
        var group = new Dictionary<string, object?>
        {
            ["group_id"] = "120363025246125486@g.us",
            ["from_user_id"] = bsuid,
            ["id"] = wamid,
            ["timestamp"] = T0.ToUnixTimeSeconds().ToString(),
            ["type"] = "text",
            ["text"] = new { body = "ref=group_code" },
        };
        await _app.DeliverAsync(WhatsAppFrom(Contact(null, bsuid), group));

        Assert.Equal(0, await CountAsync(bsuid));
        await using var db = ReferralStudio.Tests.Reliability.TestDatabase.Open(_app.DatabasePath);
        var stored = await db.WebhookEvents.AsNoTracking().SingleAsync(e => e.MessageId == wamid);
        Assert.Equal(EventStatus.GroupContext, stored.Status);
        Assert.Null(stored.ConversationId);
        Assert.Contains("120363025246125486@g.us", stored.RawJson);
        Assert.False(await db.ReferralTouches.AnyAsync(t => t.ParticipantId == bsuid));
        Assert.False(await db.OutgoingMessages.AnyAsync(m => m.RecipientId == bsuid));
    }

    [Fact]
    public async Task Status_Carrying_A_User_Id_Creates_Nothing()
    {
        var bsuid = NewBsuid();
        await _app.DeliverAsync(WhatsAppValue(new
        {
            messaging_product = "whatsapp",
            metadata = new { display_phone_number = "15550783881", phone_number_id = PhoneNumberId },
            statuses = new[] { new { id = Unique("wamid"), status = "delivered", timestamp = T0.ToUnixTimeSeconds().ToString(), user_id = bsuid } },
        }));

        Assert.Equal(0, await CountAsync(bsuid));
    }

    [Fact]
    public async Task A_Delivery_Of_Duplicates_Only_Creates_And_Changes_Nothing()
    {
        var (phone, bsuid) = (NewPhone(), NewBsuid());
        var wamid = Unique("wamid");
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, null), Text(phone, null, T0, "Hi", id: wamid)));
        var before = await _app.ConversationOfAsync("whatsapp", phone);

        // The same wamid again, now with the phone withheld: Meta's duplicate, not a new person.
        await _app.DeliverAsync(WhatsAppFrom(Contact(null, bsuid), Text(null, bsuid, T0.AddMinutes(5), "Hi", id: wamid)));
        // And on Instagram: the same mid from another sender id.
        var mid = Unique("mid");
        var (first, second) = (Unique("igsid"), Unique("igsid"));
        await _app.DeliverAsync(Instagram(InstagramMessage(first, mid)));
        await _app.DeliverAsync(Instagram(InstagramMessage(second, mid)));

        Assert.Equal(0, await CountAsync(bsuid));
        Assert.Equal(1, await _app.ConversationCountAsync("instagram", first));
        Assert.Equal(0, await _app.ConversationCountAsync("instagram", second));
        var after = await _app.ConversationOfAsync("whatsapp", phone);
        Assert.Equal(before.GetRawText(), after.GetRawText());
        await using var db = ReferralStudio.Tests.Reliability.TestDatabase.Open(_app.DatabasePath);
        Assert.False(await db.Conversations.AnyAsync(c => !db.WebhookEvents.Any(e => e.ConversationId == c.Id)));
    }

    private static object InstagramMessage(string sender, string mid) => new
    {
        sender = new { id = sender },
        recipient = new { id = InstagramAccount },
        timestamp = T0.ToUnixTimeMilliseconds(),
        message = new { mid, text = "hello" },
    };

    [Fact]
    public async Task Participant_Appears_In_Outbound_Payloads()
    {
        await using var receiver = await LoopbackServer.StartAsync();
        // An app of its own: outbound webhooks go only to ports allowed when it starts, and this receiver's port is new.
        await using var app = await TestApp.StartAsync(receivers: [receiver]);
        var (status, _) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = receiver.BaseAddress + "hook", events = new[] { "conversation.started" } });
        Assert.Equal(HttpStatusCode.Created, status);
        var bsuid = NewBsuid();

        await app.DeliverAsync(WhatsAppFrom(Contact(null, bsuid, "Sheena", "@sheena"), Text(null, bsuid, T0, "Hi", CtwaReferral("ad-outbound", "clid-5"))));

        ReceivedRequest request;
        do
        {
            request = await receiver.NextRequestAsync();
        }
        while (!request.Text.Contains(bsuid, StringComparison.Ordinal));

        using var body = JsonDocument.Parse(request.Body);
        var participant = body.RootElement.GetProperty("data").GetProperty("participant");
        Assert.Equal(bsuid, participant.Str("id"));
        Assert.Equal(bsuid, participant.Str("userId"));
        Assert.Equal(JsonValueKind.Null, participant.GetProperty("phone").ValueKind);
        Assert.Equal("@sheena", participant.Str("username"));
    }
}
