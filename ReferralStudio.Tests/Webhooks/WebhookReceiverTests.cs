using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Infrastructure;
using ReferralStudio.Webhooks;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Webhooks;

/// <summary>The receiver's contract with Meta: handshake, signature gate, limits and durable acceptance.</summary>
public sealed class WebhookReceiverTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    [Fact]
    public async Task Subscription_Handshake_Echoes_Challenge_When_Token_Matches()
    {
        using var response = await _app.Client.GetAsync($"/webhooks/meta?hub.mode=subscribe&hub.verify_token={TestApp.VerifyToken}&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")]
    [InlineData("hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1")]
    [InlineData("hub.challenge=1")]
    public async Task Subscription_Handshake_Is_Refused_With_403_Otherwise(string query)
    {
        using var response = await _app.Client.GetAsync($"/webhooks/meta?{query}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha256=nothex")]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567")]
    public async Task Unsigned_Or_Wrongly_Signed_Delivery_Gets_401_And_Nothing_Is_Stored(string? signature)
    {
        var body = Encoding.UTF8.GetBytes(Instagram(Referral(Unique("igsid"), T0, "sneaky")));
        var before = await CountDeliveriesAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/meta") { Content = new ByteArrayContent(body) };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        }

        using var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("X-Hub-Signature-256", problem.Str("field"));
        Assert.Equal(before, await CountDeliveriesAsync());
    }

    [Fact]
    public async Task Tampered_Body_Gets_401()
    {
        var original = Encoding.UTF8.GetBytes(Instagram(Referral(Unique("igsid"), T0, "original")));
        var signature = ReferralStudio.Webhooks.MetaSignature.Sign(original, Encoding.UTF8.GetBytes(TestApp.AppSecret));
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(original).Replace("original", "tampered"));

        using var response = await _app.PostWebhookAsync(tampered, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Signature_Is_Checked_Over_Raw_Bytes_So_Escaped_Unicode_Verifies()
    {
        // Meta signs the escaped form; the raw bytes must be hashed as they arrived.
        var igsid = Unique("igsid");
        var body = $$$$"""{"object":"instagram","entry":[{"id":"{{{{InstagramAccount}}}}","time":1,"messaging":[{"sender":{"id":"{{{{igsid}}}}"},"recipient":{"id":"{{{{InstagramAccount}}}}"},"timestamp":{{{{Ms(T0)}}}},"message":{"mid":"{{{{Unique("mid")}}}}","text":"\u00e4\u00f6\u00e5 \ud83d\ude00","referral":{"ref":"unicode_ok","source":"SHORTLINKS","type":"OPEN_THREAD"}}}]}]}""";

        await _app.DeliverAsync(body);

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        Assert.Equal("unicode_ok", conversation.GetProperty("firstReferral").Str("ref"));
    }

    [Fact]
    public async Task Oversized_Body_Gets_413_Before_It_Is_Read()
    {
        var before = await CountDeliveriesAsync();
        var huge = new byte[4 * 1024 * 1024 + 1];

        using var response = await _app.PostWebhookAsync(huge, "sha256=" + new string('0', 64));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body", (await ProblemAsync(response)).Str("field"));
        Assert.Equal(before, await CountDeliveriesAsync());
    }

    [Fact]
    public async Task Oversized_Chunked_Body_Gets_413()
    {
        // Just over the limit: the server answers once it has read the limit and closes with the rest unread, so a body
        // much larger than the limit is still being written then (a broken pipe instead of the answer).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/meta")
        {
            Content = new StreamContent(new MemoryStream(new byte[new MetaOptions().MaxBodyBytes + 16 * 1024])),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + new string('0', 64));

        using var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("this is not json", "not valid JSON")]
    [InlineData("[1,2,3]", "must be a JSON object")]
    [InlineData("{\"object\":\"instagram\",\"entry\":[", "not valid JSON")]
    public async Task Body_That_Is_Not_A_Json_Object_Gets_400_And_Is_Kept_As_Rejected(string body, string reason)
    {
        using var response = await _app.PostWebhookAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (await ProblemAsync(response)).Str("detail"));
        var stored = await LatestDeliveryAsync();
        Assert.Equal(DeliveryStatus.Rejected, stored.Status);
        Assert.Equal(body, Encoding.UTF8.GetString(stored.Body));
        Assert.Contains(reason, stored.Reason);
    }

    [Fact]
    public async Task Json_Nested_Too_Deep_Gets_400_With_Reason()
    {
        var body = "{\"object\":\"page\",\"x\":" + new string('[', 200) + new string(']', 200) + "}";

        using var response = await _app.PostWebhookAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("deeper than 64", (await ProblemAsync(response)).Str("detail"));
        Assert.Equal(DeliveryStatus.Rejected, (await LatestDeliveryAsync()).Status);
    }

    [Fact]
    public async Task Unhandled_Object_Gets_200_And_Is_Recorded_As_Ignored()
    {
        using var response = await _app.PostWebhookAsync("""{"object":"permissions","entry":[{"id":"1","time":1,"changes":[]}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await LatestDeliveryAsync();
        Assert.Equal(DeliveryStatus.Ignored, stored.Status);
        Assert.Equal("permissions", stored.ObjectType);
    }

    [Fact]
    public async Task Accepted_Delivery_Is_Committed_Before_The_200()
    {
        var body = Instagram(Referral(Unique("igsid"), T0, "durable"));

        using var response = await _app.PostWebhookAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Read through a separate connection straight from the file: the row exists the moment the 200 arrives.
        await using var db = NewContext();
        var stored = await db.InboundDeliveries.OrderByDescending(d => d.Id).FirstAsync();
        Assert.Equal(body, Encoding.UTF8.GetString(stored.Body));
    }

    [Fact]
    public async Task Mixed_Batch_Is_Applied_In_Timestamp_Order_And_Bad_Events_Do_Not_Stop_The_Rest()
    {
        var alice = Unique("alice");
        var bob = Unique("bob");
        var nobody = Unique("nobody");
        // Two entries for the same account, events out of order, with noise and two bad events mixed in.
        var body = Envelope("instagram",
            Entry(InstagramAccount,
                Referral(alice, T0.AddMinutes(30), "later_code"),
                Echo(alice, T0.AddMinutes(1)),
                Read(alice, T0.AddMinutes(2)),
                new { sender = new { }, recipient = new { id = InstagramAccount }, timestamp = Ms(T0), referral = new { @ref = "no_sender", source = "SHORTLINKS" } }),
            Entry(InstagramAccount,
                Message(alice, T0, "hi", RefLink("earlier_code")),
                Referral(bob, T0.AddMinutes(5), "bob_code"),
                new { sender = new { id = nobody }, recipient = new { id = InstagramAccount }, timestamp = Ms(T0), referral = new { @ref = 12345, source = "SHORTLINKS" } }));

        using var response = await _app.DeliverAsync(body);

        var aliceConversation = await _app.ConversationOfAsync("instagram", alice);
        Assert.Equal("earlier_code", aliceConversation.GetProperty("firstReferral").Str("ref"));
        Assert.Equal("later_code", aliceConversation.GetProperty("metadata").GetProperty("referral").Str("ref"));
        Assert.Equal(2, aliceConversation.GetProperty("referrals").GetArrayLength());
        Assert.Equal("bob_code", (await _app.ConversationOfAsync("instagram", bob)).GetProperty("firstReferral").Str("ref"));
        Assert.Equal(0, await _app.ConversationCountAsync("instagram", nobody));

        var delivery = await LatestDeliveryAsync();
        Assert.Equal(DeliveryStatus.Processed, delivery.Status);
        Assert.Equal(3, delivery.EventCount);
        Assert.Equal(2, delivery.RejectedEventCount);
        Assert.Equal(2, delivery.IgnoredEventCount);
        await using var db = NewContext();
        var rejected = await db.WebhookEvents.Where(e => e.DeliveryId == delivery.Id && e.Status == EventStatus.Rejected).ToListAsync();
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, e => Assert.False(string.IsNullOrEmpty(e.Reason)));
        Assert.Contains(rejected, e => e.RawJson!.Contains("12345"));
    }

    [Fact]
    public async Task Invalid_Ref_Is_Kept_Verbatim_As_Rejected_And_Never_Attributed()
    {
        var igsid = Unique("igsid");
        var invalid = "summer sale!";
        await _app.DeliverAsync(Instagram(Message(igsid, T0, "hello", RefLink(invalid))));

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        Assert.Equal(JsonValueKind.Null, conversation.GetProperty("firstReferral").ValueKind);
        Assert.Equal(0, conversation.GetProperty("referrals").GetArrayLength());
        await using var db = NewContext();
        var stored = await db.WebhookEvents.SingleAsync(e => e.ParticipantId == igsid);
        Assert.Equal(invalid, stored.Ref);
        Assert.False(string.IsNullOrEmpty(stored.RefRejection));
    }

    [Fact]
    public async Task Overlong_Ref_Is_Rejected_Without_Truncation()
    {
        var igsid = Unique("igsid");
        var overlong = new string('a', 2084);
        await _app.DeliverAsync(Instagram(Referral(igsid, T0, overlong)));

        await using var db = NewContext();
        var stored = await db.WebhookEvents.SingleAsync(e => e.ParticipantId == igsid);
        Assert.Equal(2084, stored.Ref!.Length);
        Assert.Contains("2083", stored.RefRejection);
        Assert.False(await db.ReferralTouches.AnyAsync(t => t.Ref == overlong));
    }

    [Fact]
    public async Task Duplicate_Deliveries_Yield_One_Record_Each()
    {
        var igsid = Unique("igsid");
        var message = Message(igsid, T0, "hi", RefLink("dup_code"));
        var standalone = Referral(igsid, T0.AddHours(1), "dup_code_2");
        var first = Instagram(message, standalone);
        // Meta's retry may come alone, re-batched with other events, or concurrently.
        var rebatched = Envelope("instagram", Entry(InstagramAccount, Read(igsid, T0.AddHours(2))), Entry(InstagramAccount, standalone, message));

        var responses = await Task.WhenAll(_app.PostWebhookAsync(first), _app.PostWebhookAsync(first), _app.PostWebhookAsync(rebatched));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await _app.WhenIdleAsync();

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        Assert.Equal(2, conversation.GetProperty("referrals").GetArrayLength());
        await using var db = NewContext();
        Assert.Equal(2, await db.WebhookEvents.CountAsync(e => e.ParticipantId == igsid));
        var conversationId = conversation.GetProperty("id").GetInt64();
        Assert.Equal(1, (await db.Conversations.SingleAsync(c => c.Id == conversationId)).MessageCount);
    }

    private AppDbContext NewContext() =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseAppDatabase(new SqliteFiles($"Data Source={_app.DatabasePath}", "/")).Options);

    private async Task<int> CountDeliveriesAsync()
    {
        await using var db = NewContext();
        return await db.InboundDeliveries.CountAsync();
    }

    private async Task<InboundDelivery> LatestDeliveryAsync()
    {
        await _app.WhenIdleAsync();
        await using var db = NewContext();
        return await db.InboundDeliveries.OrderByDescending(d => d.Id).FirstAsync();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
