using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Accounts;
using ReferralStudio.Audit;
using ReferralStudio.Data;
using ReferralStudio.Demo;
using ReferralStudio.Insight;
using ReferralStudio.MetaConversions;
using ReferralStudio.Simulation;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.MetaConversions;

/// <summary>
/// Conversions of ad-started conversations reach Meta's Conversions API for Business Messaging, here a fake Graph API on
/// loopback that records each request; the app runs on the hand-moved clock, so retries happen when the test moves it.
/// </summary>
public class MetaConversionsTests : IAsyncLifetime
{
    private const string WhatsAppDataset = "900000000000001";
    private const string MessengerDataset = "900000000000002";
    private const string InstagramDataset = "900000000000003";
    private const string CapiToken = "EAAG-capi-token";
    private const string WabaId = "102290129340001";
    private readonly TestStore _store;
    private LoopbackServer _graph = null!;
    private TestApp _app = null!;

    public MetaConversionsTests()
        : this(TestStore.Sqlite())
    {
    }

    /// <summary>The same tests on another engine (<see cref="PostgresMetaConversionsTests"/>): the claim and the ad touch lookup are SQL.</summary>
    protected MetaConversionsTests(TestStore store) => _store = store;

    private DateTimeOffset Now => _app.Time.GetUtcNow();

    public async Task InitializeAsync()
    {
        _graph = await LoopbackServer.StartAsync();
        _graph.Default = new ScriptedResponse(200, """{"events_received":1,"messages":[],"fbtrace_id":"A1"}""");
        await _store.PrepareAsync();
        _app = await StartAppAsync();
        var accounts = _app.Services.GetRequiredService<BusinessAccounts>();
        await accounts.SaveAsync(AuditActor.System, null, "whatsapp", "+15550783881", PhoneNumberId, null, new ConversionsApiSettings(WhatsAppDataset, CapiToken, WabaId));
        await accounts.SaveAsync(AuditActor.System, null, "messenger", "acme.page", PageId, null, new ConversionsApiSettings(MessengerDataset, CapiToken));
        await accounts.SaveAsync(AuditActor.System, null, "instagram", "acme.shop", InstagramAccount, null, new ConversionsApiSettings(InstagramDataset, CapiToken));
    }

    /// <summary>The app on the hand-moved clock, its Conversions API pointed at the fake; again on the same store after a "crash".</summary>
    private Task<TestApp> StartAppAsync() => TestApp.StartAsync(_store.Path, settings: _store.With(new Dictionary<string, string?>
    {
        ["ConversionsApi:GraphApiBaseUrl"] = _graph.BaseAddress.ToString().TrimEnd('/'),
        ["ConversionsApi:GraphApiVersion"] = "v25.0",
        ["ConversionsApi:Retry:BaseDelay"] = "00:01:00",
        ["ConversionsApi:Retry:JitterFraction"] = "0",
        // Added to the defaults (purchase, lead, ...), which stay.
        ["ConversionsApi:EventNames:booking"] = "LeadSubmitted",
    }));

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _graph.DisposeAsync();
        await _store.DisposeAsync();
    }

    private MetaConversionSender Sender => _app.Services.GetRequiredService<MetaConversionSender>();

    private async Task<JsonElement> RecordAsync(object body)
    {
        var (status, conversion) = await _app.Api.PostJsonAsync("/api/conversions", body);
        Assert.True(status == HttpStatusCode.Created, conversion.ToString());
        return conversion;
    }

    private async Task<JsonElement> ConversionAsync(string externalId) =>
        Assert.Single((await _app.Api.GetJsonAsync($"/api/conversions?externalId={externalId}")).GetProperty("items").EnumerateArray());

    /// <summary>The conversion once its Meta status satisfies <paramref name="done"/>, waiting on the sender's signal (registered before each look).</summary>
    private async Task<JsonElement> MetaStatusAsync(JsonElement conversion, Func<JsonElement, bool> done)
    {
        var id = conversion.GetProperty("id").GetInt64();
        var externalId = conversion.Str("externalId")!;
        while (true)
        {
            var recorded = Sender.Recorded.WhenSettledAsync(id);
            var status = (await ConversionAsync(externalId)).GetProperty("metaStatus");
            if (done(status))
            {
                return status;
            }

            await recorded.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private Task<JsonElement> SettledAsync(JsonElement conversion) =>
        MetaStatusAsync(conversion, s => s.Str("status") is not ("pending" or "sending"));

    private static JsonElement EventOf(ReceivedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return Assert.Single(body.RootElement.GetProperty("data").EnumerateArray()).Clone();
    }

    private static Dictionary<string, string?> Fields(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());

    private async Task<string> TimelineDetailAsync(long conversationId, string externalId)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var timeline = await TimelineQuery.LoadAsync(db, conversationId, default);
        return Assert.Single(timeline!.Items, i => i.Kind == TimelineKind.Conversion && i.Detail!.Contains(externalId)).Detail!;
    }

    [Fact]
    public async Task WhatsApp_Conversion_From_A_Click_To_WhatsApp_Ad_Is_Sent_With_Its_Ctwa_Clid()
    {
        var waId = "4915100000" + Random.Shared.Next(100, 999);
        await _app.DeliverAsync(WhatsApp(WhatsAppText(waId, Now.AddHours(-2), "Is this still available?", CtwaReferral("120200000000001", "ARAkLk-clid-1"))));
        var occurredAt = Now.AddMinutes(-30);

        var conversion = await RecordAsync(new { platform = "whatsapp", participantId = waId, type = "purchase", value = 49.90, currency = "eur", occurredAt, externalId = "order-wa-1" });
        var request = await _graph.NextRequestAsync();

        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v25.0/{WhatsAppDataset}/events?access_token={CapiToken}", request.Path);
        var sent = EventOf(request);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["event_name"] = "Purchase",
                ["event_time"] = occurredAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["action_source"] = "business_messaging",
                ["messaging_channel"] = "whatsapp",
                ["event_id"] = "order-wa-1",
                ["user_data"] = $$"""{"whatsapp_business_account_id":"{{WabaId}}","ctwa_clid":"ARAkLk-clid-1"}""",
                ["custom_data"] = """{"currency":"EUR","value":49.9}""",
            },
            Fields(sent));

        var status = await SettledAsync(conversion);
        Assert.Equal("sent", status.Str("status"));
        Assert.Equal(1, status.GetProperty("attempts").GetInt32());
        Assert.Equal(200, Assert.Single(status.GetProperty("attemptLog").EnumerateArray()).GetProperty("statusCode").GetInt32());
        Assert.EndsWith("sent to Meta", await TimelineDetailAsync(conversion.GetProperty("conversationId").GetInt64(), "order-wa-1"));
    }

    [Fact]
    public async Task Messenger_Conversion_From_A_Click_To_Messenger_Ad_Names_The_Page_And_The_Page_Scoped_Id()
    {
        var psid = Unique("psid");
        await _app.DeliverAsync(Messenger(Message(psid, Now.AddHours(-1), "hi", AdReferral("120200000000002"), account: PageId)));

        var conversion = await RecordAsync(new { platform = "messenger", participantId = psid, type = "Booking", externalId = "lead-m-1" });
        var sent = EventOf(await _graph.NextRequestAsync());

        Assert.Equal("LeadSubmitted", sent.Str("event_name"));
        Assert.Equal("messenger", sent.Str("messaging_channel"));
        Assert.Equal("business_messaging", sent.Str("action_source"));
        Assert.Equal("lead-m-1", sent.Str("event_id"));
        Assert.Equal(new Dictionary<string, string?> { ["page_id"] = PageId, ["page_scoped_user_id"] = psid }, Fields(sent.GetProperty("user_data")));
        Assert.False(sent.TryGetProperty("custom_data", out _), "a conversion without a value sends no custom_data");
        Assert.Equal("sent", (await SettledAsync(conversion)).Str("status"));
    }

    [Fact]
    public async Task Instagram_Conversion_From_A_Click_To_Instagram_Ad_Names_The_Account_And_The_Instagram_Scoped_Id()
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Message(igsid, Now.AddHours(-1), "hi", AdReferral("120200000000003"))));

        var conversion = await RecordAsync(new { platform = "instagram", participantId = igsid, type = "purchase", value = 12.5, currency = "USD", externalId = "order-ig-1" });
        var request = await _graph.NextRequestAsync();

        Assert.StartsWith($"/v25.0/{InstagramDataset}/events?", request.Path);
        var sent = EventOf(request);
        Assert.Equal("instagram", sent.Str("messaging_channel"));
        Assert.Equal(new Dictionary<string, string?> { ["instagram_business_account_id"] = InstagramAccount, ["ig_sid"] = igsid }, Fields(sent.GetProperty("user_data")));
        Assert.Equal("""{"currency":"USD","value":12.5}""", sent.GetProperty("custom_data").GetRawText());
        Assert.Equal("sent", (await SettledAsync(conversion)).Str("status"));
    }

    [Fact]
    public async Task A_Server_Error_Is_Retried_Later_With_The_Same_Event_Id_And_Both_Attempts_Are_Kept()
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Message(igsid, Now.AddHours(-1), "hi", AdReferral("120200000000004"))));
        _graph.Enqueue(new ScriptedResponse(500, """{"error":{"message":"An unknown error occurred","type":"OAuthException","code":1,"is_transient":true,"fbtrace_id":"B2"}}"""));

        var conversion = await RecordAsync(new { platform = "instagram", participantId = igsid, type = "purchase", value = 30, currency = "EUR", externalId = "order-retry-1" });
        var first = await _graph.NextRequestAsync();
        var waiting = await MetaStatusAsync(conversion, s => s.GetProperty("attempts").GetInt32() == 1 && s.Str("status") == "pending");

        Assert.Equal(Now.AddMinutes(1), waiting.GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.Equal("Meta error 1: An unknown error occurred", waiting.Str("lastError"));
        // The same conversion posted again is the same record: nothing more is queued for Meta.
        var (repeatStatus, repeat) = await _app.Api.PostJsonAsync("/api/conversions", new { platform = "instagram", participantId = igsid, type = "purchase", value = 30, currency = "EUR", externalId = "order-retry-1" });
        Assert.Equal(HttpStatusCode.OK, repeatStatus);
        Assert.Equal(1, repeat.GetProperty("metaStatus").GetProperty("attempts").GetInt32());

        _app.Time.Advance(TimeSpan.FromMinutes(1));
        Sender.Wake();
        var second = await _graph.NextRequestAsync();
        var status = await SettledAsync(conversion);

        Assert.Equal("order-retry-1", EventOf(first).Str("event_id"));
        Assert.Equal(EventOf(first).GetRawText(), EventOf(second).GetRawText());
        Assert.Equal(2, _graph.Requests.Count);
        Assert.Equal("sent", status.Str("status"));
        Assert.Equal(2, status.GetProperty("attempts").GetInt32());
        var attempts = status.GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal([500, 200], attempts.Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Equal("Meta error 1: An unknown error occurred", attempts[0].Str("error"));
        Assert.Null(attempts[1].Str("error"));
    }

    [Fact]
    public async Task Meta_Refusing_The_Event_Fails_It_At_Once_With_Metas_Error_On_The_Timeline()
    {
        var psid = Unique("psid");
        await _app.DeliverAsync(Messenger(Message(psid, Now.AddHours(-1), "hi", AdReferral("120200000000005"), account: PageId)));
        _graph.Enqueue(new ScriptedResponse(400, """{"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"error_subcode":2804066,"error_user_msg":"Messaging Event Invalid Event Type","fbtrace_id":"C3"}}"""));

        var conversion = await RecordAsync(new { platform = "messenger", participantId = psid, type = "purchase", value = 5, currency = "EUR", externalId = "order-refused-1" });
        var status = await SettledAsync(conversion);

        Assert.Equal("failed", status.Str("status"));
        Assert.Equal(1, status.GetProperty("attempts").GetInt32());
        Assert.Equal(400, status.GetProperty("lastStatusCode").GetInt32());
        const string Error = "Meta error 100/2804066: Invalid parameter (Messaging Event Invalid Event Type)";
        Assert.Equal(Error, status.Str("lastError"));
        Assert.EndsWith($"failed: {Error}", await TimelineDetailAsync(conversion.GetProperty("conversationId").GetInt64(), "order-refused-1"));
    }

    [Fact]
    public async Task Organic_Simulated_And_Demo_Conversations_Send_Nothing_To_Meta()
    {
        // Organic: a link, no ad.
        var organic = Unique("igsid");
        await _app.DeliverAsync(Instagram(Message(organic, Now.AddHours(-1), "hi", RefLink("spring_feed"))));
        // Simulated: an ad click from the simulator, on an account with a token.
        var simulated = Unique("sim");
        var referral = new SimulatedReferral("instagram", "ad", InstagramAccount, simulated, null, "120200000000006", null, "hi", Now.AddHours(-1));
        Assert.True((await _app.Services.GetRequiredService<Simulator>().SendAndFollowAsync(referral, referral.ToJson(), default)).Attributed);
        // Demo: an ad click on a demo account.
        var demo = Unique("demo");
        await _app.DeliverAsync(Envelope("instagram", Entry(DemoDataGenerator.InstagramAccountId,
            Message(demo, Now.AddHours(-1), "hi", AdReferral("120200000000007"), account: DemoDataGenerator.InstagramAccountId))));

        var conversions = new[]
        {
            await RecordAsync(new { platform = "instagram", participantId = organic, type = "purchase", value = 1, currency = "EUR", externalId = "organic-1" }),
            await RecordAsync(new { platform = "instagram", participantId = simulated, type = "purchase", value = 1, currency = "EUR", externalId = "simulated-1" }),
            await RecordAsync(new { platform = "instagram", participantId = demo, type = "purchase", value = 1, currency = "EUR", externalId = "demo-1" }),
        };

        foreach (var conversion in conversions)
        {
            Assert.Equal(JsonValueKind.Null, conversion.GetProperty("metaStatus").ValueKind);
            Assert.Equal(JsonValueKind.Null, (await ConversionAsync(conversion.Str("externalId")!)).GetProperty("metaStatus").ValueKind);
        }

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.MetaConversionEvents.CountAsync());
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task Without_A_Conversions_Api_Token_The_Event_Is_A_Dry_Run_With_The_Body_It_Would_Send()
    {
        var accounts = _app.Services.GetRequiredService<BusinessAccounts>();
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var page = await db.BusinessAccounts.SingleAsync(a => a.AccountId == PageId);
            Assert.NotNull(await accounts.RemoveConversionsTokenAsync(AuditActor.System, page.Id));
        }

        var psid = Unique("psid");
        await _app.DeliverAsync(Messenger(Message(psid, Now.AddHours(-1), "hi", AdReferral("120200000000008"), account: PageId)));

        var conversion = await RecordAsync(new { platform = "messenger", participantId = psid, type = "purchase", value = 20, currency = "EUR", externalId = "order-dry-1" });
        var status = await SettledAsync(conversion);

        Assert.Equal("dry_run", status.Str("status"));
        Assert.Equal(0, status.GetProperty("attempts").GetInt32());
        Assert.Equal("Dry run: the account has no Conversions API token.", status.Str("lastError"));
        var wouldSend = Assert.Single(status.GetProperty("body").GetProperty("data").EnumerateArray());
        Assert.Equal("order-dry-1", wouldSend.Str("event_id"));
        Assert.Equal(psid, wouldSend.GetProperty("user_data").Str("page_scoped_user_id"));
        Assert.Empty(_graph.Requests);
        Assert.Contains("dry run, not sent to Meta", await TimelineDetailAsync(conversion.GetProperty("conversationId").GetInt64(), "order-dry-1"));
        // Operators see it too: the metric counts conversions by how they settled.
        var metrics = await _app.Api.GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^referralstudio_conversions_sent_total\{[^}]*outcome=""dry_run""[^}]*\} [1-9]", metrics);
    }

    [Fact]
    public async Task A_WhatsApp_Account_Without_Its_Business_Account_Id_Makes_A_Dry_Run()
    {
        var accounts = _app.Services.GetRequiredService<BusinessAccounts>();
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var number = await db.BusinessAccounts.SingleAsync(a => a.AccountId == PhoneNumberId);
            // The token stays (blank keeps it); the WhatsApp Business Account id is cleared.
            Assert.Null((await accounts.SaveAsync(AuditActor.System, number.Id, "whatsapp", number.Handle, PhoneNumberId, null, new ConversionsApiSettings(WhatsAppDataset, null, null))).Error);
        }

        var waId = "4915200000" + Random.Shared.Next(100, 999);
        await _app.DeliverAsync(WhatsApp(WhatsAppText(waId, Now.AddHours(-2), "Hello", CtwaReferral("120200000000012", "ARAkLk-clid-2"))));

        var conversion = await RecordAsync(new { platform = "whatsapp", participantId = waId, type = "lead", externalId = "lead-wa-nowaba" });
        var status = await SettledAsync(conversion);

        Assert.Equal("dry_run", status.Str("status"));
        Assert.Equal("Dry run: the WhatsApp account has no WhatsApp Business Account id.", status.Str("lastError"));
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task A_Conversion_Type_Without_A_Meta_Event_Is_Recorded_As_Not_Sent_With_The_Reason()
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Message(igsid, Now.AddHours(-1), "hi", AdReferral("120200000000009"))));

        var conversion = await RecordAsync(new { platform = "instagram", participantId = igsid, type = "newsletter", externalId = "newsletter-1" });

        var status = conversion.GetProperty("metaStatus");
        Assert.Equal("skipped", status.Str("status"));
        Assert.Contains("'newsletter'", status.Str("lastError"));
        Assert.Contains("ConversionsApi:EventNames", status.Str("lastError"));
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task A_Send_Cut_Short_By_A_Crash_Is_Recorded_As_Uncertain_And_Never_Sent_Twice()
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Message(igsid, Now.AddHours(-1), "hi", AdReferral("120200000000011"))));
        var conversion = await RecordAsync(new { platform = "instagram", participantId = igsid, type = "purchase", value = 8, currency = "EUR", externalId = "order-crash-1" });
        await _graph.NextRequestAsync();
        await SettledAsync(conversion);
        // As if the process had died between claiming the row and saving Meta's answer.
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await db.MetaConversionEvents.Where(m => m.EventId == "order-crash-1")
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, MetaConversionStatus.Sending).SetProperty(m => m.CompletedAt, (DateTimeOffset?)null));
        }

        await _app.DisposeAsync();
        _app = await StartAppAsync();
        var status = await SettledAsync(conversion);

        Assert.Equal("uncertain", status.Str("status"));
        Assert.StartsWith("The app stopped while this conversion was being sent", status.Str("lastError"));
        Assert.Single(_graph.Requests);
        Assert.StartsWith("external id order-crash-1 · uncertain: The app stopped", await TimelineDetailAsync(conversion.GetProperty("conversationId").GetInt64(), "order-crash-1"));
    }

    [Fact]
    public async Task A_Row_Is_Claimed_By_One_Sender_Only()
    {
        var psid = Unique("psid");
        await _app.DeliverAsync(Messenger(Message(psid, Now.AddHours(-1), "hi", AdReferral("120200000000010"), account: PageId)));
        var accounts = _app.Services.GetRequiredService<BusinessAccounts>();
        var contexts = _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        // Without a token the sender settles the row as a dry run; it is then put back to pending to be claimed here.
        await accounts.RemoveConversionsTokenAsync(AuditActor.System, (await db.BusinessAccounts.SingleAsync(a => a.AccountId == PageId)).Id);
        var conversion = await RecordAsync(new { platform = "messenger", participantId = psid, type = "lead", externalId = "lead-claim-1" });
        await SettledAsync(conversion);
        var row = await db.MetaConversionEvents.SingleAsync(m => m.EventId == "lead-claim-1");
        // Not due for a day, so the app's own sender leaves it to the two claims below.
        var later = Now.AddDays(1);
        await db.MetaConversionEvents.Where(m => m.Id == row.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, MetaConversionStatus.Pending).SetProperty(m => m.NextAttemptAt, later));
        await using var other = await contexts.CreateDbContextAsync();

        var firstClaim = await MetaConversionSender.TryClaimAsync(db, row.Id, default);
        var secondClaim = await MetaConversionSender.TryClaimAsync(other, row.Id, default);

        Assert.True(firstClaim);
        Assert.False(secondClaim);
        Assert.Equal(MetaConversionStatus.Sending, (await other.MetaConversionEvents.AsNoTracking().SingleAsync(m => m.Id == row.Id)).Status);
    }
}

/// <summary><see cref="MetaConversionsTests"/> on PostgreSQL.</summary>
public sealed class PostgresMetaConversionsTests() : MetaConversionsTests(TestStore.Postgres());
