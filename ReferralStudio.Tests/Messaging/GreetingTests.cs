using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Demo;
using ReferralStudio.Messaging;
using ReferralStudio.Simulation;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Messaging;

/// <summary>Triggers tag conversations and greet through a fake Graph API served on loopback.</summary>
public sealed class GreetingTests : IAsyncLifetime
{
    private const string Token = "EAAG-test-page-token";
    // The system clock: retries are scheduled in real (millisecond) delays.
    private readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private LoopbackServer _graph = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _graph = await LoopbackServer.StartAsync();
        _graph.Default = new ScriptedResponse(200, """{"recipient_id":"x","message_id":"m_sent_1"}""");
        _app = await TestApp.StartAsync(systemClock: true, settings: new Dictionary<string, string?>
        {
            ["Meta:GraphApiBaseUrl"] = _graph.BaseAddress.ToString().TrimEnd('/'),
            ["Meta:GraphApiVersion"] = "v25.0",
            [$"Meta:AccessTokens:{InstagramAccount}"] = Token,
            [$"Meta:AccessTokens:{PhoneNumberId}"] = Token,
            [$"Meta:AccessTokens:{DemoDataGenerator.InstagramAccountId}"] = Token,
            ["Meta:RetryBaseDelay"] = "00:00:00.050",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _graph.DisposeAsync();
    }

    private async Task TriggerAsync(string pattern, string? greeting, string mode = "immediate", params string[] tags)
    {
        var (status, body) = await _app.Api.PostJsonAsync("/api/triggers", new
        {
            name = "T " + pattern,
            pattern,
            actions = new { tags, greeting = greeting is null ? null : new { text = greeting, mode } },
        });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
    }

    /// <summary>Waits until the sender has finished with the conversation's greeting, then returns it.</summary>
    private async Task<JsonElement> SettledGreetingAsync(long conversationId)
    {
        var outbox = await _app.Api.GetJsonAsync($"/api/messages/outbox?conversationId={conversationId}");
        var message = Assert.Single(outbox.GetProperty("items").EnumerateArray());
        var id = message.GetProperty("id").GetInt64();
        var settled = _app.Services.GetRequiredService<GreetingSender>().Settled.WhenSettledAsync(id);
        var current = (await _app.Api.GetJsonAsync($"/api/messages/outbox?conversationId={conversationId}")).GetProperty("items")[0];
        if (current.Str("status") is "pending" or "waiting_for_message" or "sending")
        {
            await settled.WaitAsync(TimeSpan.FromSeconds(30));
            current = (await _app.Api.GetJsonAsync($"/api/messages/outbox?conversationId={conversationId}")).GetProperty("items")[0];
        }

        return current;
    }

    [Fact]
    public async Task Wildcard_Trigger_Tags_The_Conversation_With_The_Captured_Part()
    {
        await TriggerAsync("collab_*", null, tags: ["affiliate:{1}", "campaign:collab"]);
        var igsid = Unique("igsid");

        await _app.DeliverAsync(Instagram(Referral(igsid, Now.AddMinutes(-1), "collab_Alice")));

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        Assert.Equal(["affiliate:Alice", "campaign:collab"], conversation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.True(conversation.GetProperty("firstReferral").GetProperty("triggerId").GetInt64() > 0);
    }

    [Fact]
    public async Task Immediate_Greeting_Is_Sent_Through_The_Send_Api_Inside_The_Window()
    {
        await TriggerAsync("summer_*", "Hi {1} fan! Your code is {ref}.");
        var igsid = Unique("igsid");

        await _app.DeliverAsync(Instagram(Referral(igsid, Now.AddMinutes(-5), "summer_beach")));
        var request = await _graph.NextRequestAsync();

        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v25.0/{InstagramAccount}/messages", request.Path);
        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(igsid, body.RootElement.GetProperty("recipient").Str("id"));
        Assert.Equal("RESPONSE", body.RootElement.Str("messaging_type"));
        Assert.Equal("Hi beach fan! Your code is summer_beach.", body.RootElement.GetProperty("message").Str("text"));

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        var greeting = await SettledGreetingAsync(conversation.GetProperty("id").GetInt64());
        Assert.Equal("sent", greeting.Str("status"));
        Assert.Equal("m_sent_1", greeting.Str("externalMessageId"));
    }

    [Fact]
    public async Task Greeting_Is_Held_Back_When_The_Window_Has_Closed()
    {
        await TriggerAsync("late_*", "Too late to say hi");
        var igsid = Unique("igsid");

        // Meta delivered this referral two days late: the 24-hour window it opened is over.
        await _app.DeliverAsync(Instagram(Referral(igsid, Now.AddDays(-2), "late_code")));

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        var greeting = await SettledGreetingAsync(conversation.GetProperty("id").GetInt64());
        Assert.Equal("expired", greeting.Str("status"));
        Assert.DoesNotContain(_graph.Requests, r => r.Text.Contains("Too late"));
    }

    [Fact]
    public async Task After_First_Message_Greeting_Waits_For_The_Person_To_Write()
    {
        await TriggerAsync("wait_*", "Thanks for writing!", mode: "after_first_message");
        var igsid = Unique("igsid");

        await _app.DeliverAsync(Instagram(Referral(igsid, Now.AddMinutes(-10), "wait_here")));
        var conversationId = (await _app.ConversationOfAsync("instagram", igsid)).GetProperty("id").GetInt64();
        var waiting = (await _app.Api.GetJsonAsync($"/api/messages/outbox?conversationId={conversationId}")).GetProperty("items")[0];
        Assert.Equal("waiting_for_message", waiting.Str("status"));

        await _app.DeliverAsync(Instagram(Message(igsid, Now.AddMinutes(-1), "hello?")));

        var greeting = await SettledGreetingAsync(conversationId);
        Assert.Equal("sent", greeting.Str("status"));
        Assert.Contains(_graph.Requests, r => r.Text.Contains("Thanks for writing!"));
    }

    [Fact]
    public async Task Standby_Referral_Is_Attributed_But_Never_Greets()
    {
        await TriggerAsync("standby_*", "Should not be sent");
        var psid = Unique("psid");

        await _app.DeliverAsync(Envelope("instagram", StandbyEntry(InstagramAccount, Referral(psid, Now.AddMinutes(-1), "standby_code"))));

        var conversation = await _app.ConversationOfAsync("instagram", psid);
        Assert.Equal("standby_code", conversation.GetProperty("firstReferral").Str("ref"));
        var outbox = await _app.Api.GetJsonAsync($"/api/messages/outbox?conversationId={conversation.GetProperty("id").GetInt64()}");
        Assert.Equal(0, outbox.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Without_A_Token_The_Greeting_Is_Recorded_As_A_Dry_Run()
    {
        await TriggerAsync("dry_*", "Dry hello");
        var psid = Unique("psid");

        // No token is configured for the Messenger page.
        await _app.DeliverAsync(Messenger(Referral(psid, Now.AddMinutes(-1), "dry_run", "SHORTLINK", PageId)));

        var conversation = await _app.ConversationOfAsync("messenger", psid);
        var greeting = await SettledGreetingAsync(conversation.GetProperty("id").GetInt64());
        Assert.Equal("dry_run", greeting.Str("status"));
        Assert.Equal("Dry hello", greeting.Str("text"));
        Assert.DoesNotContain(_graph.Requests, r => r.Text.Contains("Dry hello"));
    }

    [Fact]
    public async Task A_Simulated_Referral_Never_Sends_A_Real_Dm_Although_The_Account_Has_A_Token()
    {
        await TriggerAsync("rehearse_*", "Simulated hello", "immediate");
        var igsid = Unique("sim");
        var referral = new SimulatedReferral("instagram", "standalone", InstagramAccount, igsid, "rehearse_one", null, null, null, Now.AddMinutes(-1));

        var outcome = await _app.Services.GetRequiredService<Simulator>().SendAndFollowAsync(referral, referral.ToJson(), default);

        Assert.True(outcome.Attributed, outcome.Body);
        var greeting = await SettledGreetingAsync(outcome.ConversationId!.Value);
        Assert.Equal("dry_run", greeting.Str("status"));
        Assert.Equal("Not sent: the conversation was started by the simulator.", greeting.Str("lastError"));
        Assert.DoesNotContain(_graph.Requests, r => r.Text.Contains("Simulated hello"));
    }

    [Fact]
    public async Task A_Demo_Conversation_Never_Sends_A_Real_Dm_Although_The_Account_Has_A_Token()
    {
        await TriggerAsync("demo_greet_*", "Demo hello", "immediate");
        var igsid = Unique("demo");

        await _app.DeliverAsync(Envelope("instagram", Entry(DemoDataGenerator.InstagramAccountId,
            Referral(igsid, Now.AddMinutes(-1), "demo_greet_one", account: DemoDataGenerator.InstagramAccountId))));

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        var greeting = await SettledGreetingAsync(conversation.GetProperty("id").GetInt64());
        Assert.Equal("dry_run", greeting.Str("status"));
        Assert.Equal("Not sent: the conversation is demo data.", greeting.Str("lastError"));
        Assert.DoesNotContain(_graph.Requests, r => r.Text.Contains("Demo hello"));
    }

    [Fact]
    public async Task Send_Api_Failures_Are_Retried_And_Recorded()
    {
        await TriggerAsync("retry_*", "Persistent hello");
        _graph.Enqueue(new ScriptedResponse(503, """{"error":{"message":"Temporarily unavailable"}}"""));
        var igsid = Unique("igsid");

        await _app.DeliverAsync(Instagram(Referral(igsid, Now.AddMinutes(-1), "retry_me")));

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        var greeting = await SettledGreetingAsync(conversation.GetProperty("id").GetInt64());
        Assert.Equal("sent", greeting.Str("status"));
        Assert.Equal(2, greeting.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Send_Api_Refusal_Is_Recorded_With_Metas_Reason()
    {
        await TriggerAsync("refused_*", "Refused hello");
        _graph.Enqueue(new ScriptedResponse(400, """{"error":{"message":"(#10) This message is sent outside of allowed window.","code":10}}"""));
        var igsid = Unique("igsid");

        await _app.DeliverAsync(Instagram(Referral(igsid, Now.AddMinutes(-1), "refused_x")));

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        var greeting = await SettledGreetingAsync(conversation.GetProperty("id").GetInt64());
        Assert.Equal("failed", greeting.Str("status"));
        Assert.Contains("outside of allowed window", greeting.Str("lastError"));
    }

    [Fact]
    public async Task Greeting_To_A_Participant_Known_Only_By_Bsuid_Uses_The_Recipient_Field()
    {
        await TriggerAsync("bsuid_*", "Hi {1}!");
        var bsuid = Attribution.WhatsAppIdentityTests.NewBsuid();

        await _app.DeliverAsync(Attribution.WhatsAppIdentityTests.WhatsAppFrom(
            Attribution.WhatsAppIdentityTests.Contact(null, bsuid),
            Attribution.WhatsAppIdentityTests.Text(null, bsuid, Now.AddMinutes(-1), "Hello ref=bsuid_there")));
        var request = await _graph.NextRequestAsync();

        Assert.Equal($"/v25.0/{PhoneNumberId}/messages", request.Path);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("whatsapp", body.RootElement.Str("messaging_product"));
        Assert.Equal(bsuid, body.RootElement.Str("recipient"));
        Assert.False(body.RootElement.TryGetProperty("to", out _));
        Assert.Equal("Hi there!", body.RootElement.GetProperty("text").Str("body"));
        var conversation = await _app.ConversationOfAsync("whatsapp", bsuid);
        Assert.Equal("sent", (await SettledGreetingAsync(conversation.GetProperty("id").GetInt64())).Str("status"));
    }

    [Fact]
    public async Task Greeting_To_A_Whatsapp_Participant_With_A_Known_Phone_Goes_To_The_Phone()
    {
        await TriggerAsync("phone_*", "Hello {1}");
        var (phone, bsuid) = (Attribution.WhatsAppIdentityTests.NewPhone(), Attribution.WhatsAppIdentityTests.NewBsuid());

        await _app.DeliverAsync(Attribution.WhatsAppIdentityTests.WhatsAppFrom(
            Attribution.WhatsAppIdentityTests.Contact(phone, bsuid),
            Attribution.WhatsAppIdentityTests.Text(phone, bsuid, Now.AddMinutes(-1), "ref=phone_friend")));
        var request = await _graph.NextRequestAsync();

        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(phone, body.RootElement.Str("to"));
        Assert.False(body.RootElement.TryGetProperty("recipient", out _));
    }

    [Fact]
    public async Task Metas_Refusal_Of_A_Bsuid_Recipient_Is_Recorded_With_Its_Code_And_Message()
    {
        await TriggerAsync("nobsuid_*", "Hi");
        _graph.Enqueue(new ScriptedResponse(400, """
            {"error":{"message":"(#131062) Business-scoped user ID (BSUID) recipients are not supported for this message.","type":"OAuthException","code":131062,"fbtrace_id":"AbC"}}
            """));
        var bsuid = Attribution.WhatsAppIdentityTests.NewBsuid();

        await _app.DeliverAsync(Attribution.WhatsAppIdentityTests.WhatsAppFrom(
            Attribution.WhatsAppIdentityTests.Contact(null, bsuid),
            Attribution.WhatsAppIdentityTests.Text(null, bsuid, Now.AddMinutes(-1), "ref=nobsuid_x")));

        var conversation = await _app.ConversationOfAsync("whatsapp", bsuid);
        var greeting = await SettledGreetingAsync(conversation.GetProperty("id").GetInt64());
        Assert.Equal("failed", greeting.Str("status"));
        Assert.Equal(1, greeting.GetProperty("attempts").GetInt32());
        Assert.StartsWith("Meta error 131062: ", greeting.Str("lastError"));
        Assert.Contains("BSUID", greeting.Str("lastError"));
    }
}
