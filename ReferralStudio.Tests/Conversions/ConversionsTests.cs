using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Conversions;

/// <summary>Conversions are idempotent and credited to first and last touch; campaigns report both models.</summary>
public class ConversionsTests : IAsyncLifetime
{
    private readonly TestStore _store;
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-10T10:00:00Z");
    private TestApp _app = null!;
    private long _conversationId;

    public ConversionsTests()
        : this(TestStore.Sqlite())
    {
    }

    /// <summary>The same tests on another engine (<see cref="PostgresConversionsTests"/>).</summary>
    protected ConversionsTests(TestStore store) => _store = store;

    public async Task InitializeAsync()
    {
        _app = await _store.StartAppAsync();
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Spring", pattern = "spring_*" });
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Alice", pattern = "collab_alice" });
        // One person: first a spring ad link, two days later Alice's collab link.
        await _app.DeliverAsync(Instagram(Message("buyer", T0, "hi", RefLink("spring_feed"))));
        await _app.DeliverAsync(Instagram(Referral("buyer", T0.AddDays(2), "collab_alice")));
        // Another person from the spring link who never buys.
        await _app.DeliverAsync(Instagram(Referral("browser", T0.AddHours(1), "spring_feed")));
        _conversationId = (await _app.ConversationOfAsync("instagram", "buyer")).GetProperty("id").GetInt64();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Same_External_Id_Records_Once()
    {
        var body = new { conversationId = _conversationId, type = "purchase", value = 49.90, currency = "eur", occurredAt = T0.AddDays(3), externalId = "order-1001" };

        var (first, created) = await _app.Api.PostJsonAsync("/api/conversions", body);
        var (second, repeated) = await _app.Api.PostJsonAsync("/api/conversions", body);

        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(created.GetProperty("id").GetInt64(), repeated.GetProperty("id").GetInt64());
        Assert.Equal("EUR", created.Str("currency"));
        var list = await _app.Api.GetJsonAsync($"/api/conversions?conversationId={_conversationId}");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Conversion_Is_Credited_To_First_And_Last_Touch_Before_It()
    {
        var (_, late) = await _app.Api.PostJsonAsync("/api/conversions", new { platform = "instagram", participantId = "buyer", type = "purchase", value = 100, occurredAt = T0.AddDays(3), externalId = "late" });
        var (_, early) = await _app.Api.PostJsonAsync("/api/conversions", new { conversationId = _conversationId, type = "signup", occurredAt = T0.AddDays(1), externalId = "early" });

        Assert.Equal("spring_feed", late.GetProperty("firstTouch").Str("ref"));
        Assert.Equal("collab_alice", late.GetProperty("lastTouch").Str("ref"));
        Assert.Equal("spring_feed", early.GetProperty("firstTouch").Str("ref"));
        Assert.Equal("spring_feed", early.GetProperty("lastTouch").Str("ref"));
    }

    [Fact]
    public async Task Campaigns_Report_Credits_Each_Model_Side_By_Side()
    {
        await _app.Api.PostJsonAsync("/api/conversions", new { conversationId = _conversationId, type = "purchase", value = 80, occurredAt = T0.AddDays(3), externalId = "model-test" });

        var first = await _app.Api.GetJsonAsync("/api/campaigns?model=first");
        var last = await _app.Api.GetJsonAsync("/api/campaigns?model=last");

        var spring = Row(first, "Spring");
        Assert.Equal(2, spring.GetProperty("conversations").GetInt32());
        Assert.Equal(1, spring.GetProperty("conversions").GetInt32());
        Assert.Equal(80, spring.GetProperty("conversionValue").GetDouble());
        Assert.Equal(0.5, spring.GetProperty("conversionRate").GetDouble());

        var alice = Row(last, "Alice");
        Assert.Equal(1, alice.GetProperty("conversations").GetInt32());
        Assert.Equal(1, alice.GetProperty("conversions").GetInt32());
        Assert.Equal(1.0, alice.GetProperty("conversionRate").GetDouble());
        Assert.Equal(0, Row(last, "Spring").GetProperty("conversions").GetInt32());

        var byRef = first.GetProperty("byRef").EnumerateArray().Single(r => r.Str("ref") == "spring_feed");
        Assert.Equal(2, byRef.GetProperty("conversations").GetInt32());
    }

    [Fact]
    public async Task Trigger_Stats_Count_Conversations_Fired_In_And_Conversions_Credited_Once_Under_Either_Model()
    {
        // The purchase credits Spring (first touch) and Alice (last touch); the signup, before Alice's touch, credits Spring twice over.
        await _app.Api.PostJsonAsync("/api/conversions", new { conversationId = _conversationId, type = "purchase", value = 80, occurredAt = T0.AddDays(3), externalId = "stats-late" });
        await _app.Api.PostJsonAsync("/api/conversions", new { conversationId = _conversationId, type = "signup", occurredAt = T0.AddDays(1), externalId = "stats-early" });

        var triggers = (await _app.Api.GetJsonAsync("/api/triggers")).EnumerateArray().ToDictionary(t => t.Str("name")!);
        static (int, int) Stats(System.Text.Json.JsonElement trigger) =>
            (trigger.GetProperty("stats").GetProperty("conversations").GetInt32(), trigger.GetProperty("stats").GetProperty("conversions").GetInt32());
        Assert.Equal((2, 2), Stats(triggers["Spring"]));
        Assert.Equal((1, 1), Stats(triggers["Alice"]));
        var alice = await _app.Api.GetJsonAsync($"/api/triggers/{triggers["Alice"].GetProperty("id").GetInt64()}");
        Assert.Equal((1, 1), Stats(alice));
    }

    [Fact]
    public async Task Campaigns_Respect_The_Date_Range()
    {
        var since = Uri.EscapeDataString(T0.AddDays(1).ToString("O"));

        var report = await _app.Api.GetJsonAsync($"/api/campaigns?model=last&since={since}");

        Assert.DoesNotContain(report.GetProperty("byTrigger").EnumerateArray(), r => r.Str("triggerName") == "Spring");
        Assert.Equal(1, Row(report, "Alice").GetProperty("conversations").GetInt32());
    }

    [Theory]
    [InlineData("""{"conversationId":1,"type":"purchase"}""", "externalId")]
    [InlineData("""{"conversationId":1,"externalId":"x"}""", "type")]
    [InlineData("""{"conversationId":1,"type":"purchase","externalId":"x","value":-5}""", "value")]
    [InlineData("""{"conversationId":1,"type":"purchase","externalId":"x","value":"lots"}""", "value")]
    [InlineData("""{"conversationId":1,"type":"purchase","externalId":"x","currency":"euro"}""", "currency")]
    [InlineData("""{"type":"purchase","externalId":"x"}""", "conversationId")]
    [InlineData("""{"conversationId":999999,"type":"purchase","externalId":"x"}""", "conversationId")]
    [InlineData("""{"platform":"instagram","participantId":"nobody","type":"purchase","externalId":"x"}""", "participantId")]
    public async Task Bad_Conversion_Gets_400_Naming_The_Field(string body, string field)
    {
        var (status, problem) = await _app.Api.PostJsonAsync("/api/conversions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotEmpty(problem.ErrorsFor(field));
    }

    [Fact]
    public async Task Bad_Campaign_Model_Gets_400()
    {
        var problem = await _app.Api.GetJsonAsync("/api/campaigns?model=linear", HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.ErrorsFor("model"));
    }

    private static JsonElement Row(JsonElement report, string trigger) =>
        report.GetProperty("byTrigger").EnumerateArray().Single(r => r.Str("triggerName") == trigger);

    [Fact]
    public async Task The_Currencies_Of_A_Range_Are_Those_Of_Its_Valued_Conversions()
    {
        async Task Convert(string id, DateTimeOffset at, double? value, string? currency) =>
            Assert.Equal(HttpStatusCode.Created, (await _app.Api.PostJsonAsync("/api/conversions", new { conversationId = _conversationId, type = "purchase", value, currency, occurredAt = at, externalId = id })).Status);
        await Convert("eur-in", T0.AddDays(3), 10, "EUR");
        await Convert("usd-in", T0.AddDays(3).AddHours(1), 12, "USD");
        await Convert("gbp-before", T0.AddDays(1), 9, "GBP");
        await Convert("chf-unvalued", T0.AddDays(3).AddHours(2), null, "CHF");
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

        Assert.Equal(["EUR", "USD"], await ConversionCurrencies.InRangeAsync(db, T0.AddDays(2), T0.AddDays(4), default));
        Assert.Equal(["GBP"], await ConversionCurrencies.InRangeAsync(db, T0, T0.AddDays(2), default));
        Assert.Empty(await ConversionCurrencies.InRangeAsync(db, T0.AddDays(5), T0.AddDays(6), default));
    }

    [Fact]
    public async Task Taking_Every_Conversation_Out_Of_The_Rollup_Leaves_It_Empty()
    {
        // What an erasure does before it deletes the rows: every count and value the conversations put in comes out again.
        await _app.Api.PostJsonAsync("/api/conversions", new { conversationId = _conversationId, type = "purchase", value = 80, occurredAt = T0.AddDays(3), externalId = "taken-out" });
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        Assert.NotEqual(0, await db.CampaignHours.CountAsync());

        await CampaignRollup.RemoveConversationsAsync(db, "(SELECT Id FROM Conversations)", default);

        Assert.Equal((0, 0, 0), (await db.CampaignHours.CountAsync(), await db.CampaignDays.CountAsync(), await db.TouchQuarters.CountAsync()));
        await transaction.RollbackAsync();
    }
}

/// <summary><see cref="ConversionsTests"/> on PostgreSQL: the same answers.</summary>
public sealed class PostgresConversionsTests() : ConversionsTests(TestStore.Postgres());
