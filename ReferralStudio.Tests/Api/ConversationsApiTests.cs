using System.Net;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Api;

/// <summary>What an integrating engineer gets from /api/conversations.</summary>
public class ConversationsApiTests : IAsyncLifetime
{
    private readonly TestStore _store;
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");
    private TestApp _app = null!;

    public ConversationsApiTests()
        : this(TestStore.Sqlite())
    {
    }

    /// <summary>The same tests on another engine (<see cref="PostgresConversationsApiTests"/>).</summary>
    protected ConversationsApiTests(TestStore store) => _store = store;

    public async Task InitializeAsync()
    {
        _app = await _store.StartAppAsync();
        // Five conversations: three Instagram (two from summer_sale), one Messenger, one WhatsApp.
        await _app.DeliverAsync(Instagram(
            Referral("ig-1", T0, "summer_sale"),
            Referral("ig-2", T0.AddHours(1), "SUMMER_SALE"),
            Referral("ig-3", T0.AddHours(2), "winter")));
        await _app.DeliverAsync(Messenger(Referral("psid-1", T0.AddHours(3), "summer_sale", "SHORTLINK", PageId)));
        await _app.DeliverAsync(WhatsApp(WhatsAppText("4915550001", T0.AddHours(4), "ref: summer_sale")));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Api_Without_Key_Gets_401_Problem()
    {
        using var response = await _app.Client.GetAsync("/api/conversations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Api_With_Wrong_Key_Gets_401()
    {
        using var client = new HttpClient { BaseAddress = _app.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-key");

        using var response = await client.GetAsync("/api/conversations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task List_Is_Newest_Activity_First_With_Total()
    {
        var page = await _app.Api.GetJsonAsync("/api/conversations");

        Assert.Equal(5, page.GetProperty("total").GetInt32());
        var participants = page.GetProperty("items").EnumerateArray().Select(i => i.Str("participantId")!).ToArray();
        Assert.Equal(["4915550001", "psid-1", "ig-3", "ig-2", "ig-1"], participants);
    }

    [Fact]
    public async Task List_Filters_By_Platform_And_Ref_Ignoring_Case()
    {
        var page = await _app.Api.GetJsonAsync("/api/conversations?platform=instagram&ref=summer_sale");

        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Equal(["ig-2", "ig-1"], page.GetProperty("items").EnumerateArray().Select(i => i.Str("participantId")!).ToArray());
    }

    [Fact]
    public async Task List_Filters_By_Activity_Time_Range()
    {
        var since = Uri.EscapeDataString(T0.AddMinutes(30).ToString("O"));
        var until = Uri.EscapeDataString(T0.AddHours(3).ToString("O"));

        var page = await _app.Api.GetJsonAsync($"/api/conversations?since={since}&until={until}");

        Assert.Equal(["ig-3", "ig-2"], page.GetProperty("items").EnumerateArray().Select(i => i.Str("participantId")!).ToArray());
    }

    [Fact]
    public async Task List_Pages_Through_Every_Conversation_Once()
    {
        var seen = new List<string?>();
        for (var page = 1; page <= 3; page++)
        {
            var result = await _app.Api.GetJsonAsync($"/api/conversations?page={page}&pageSize=2");
            Assert.Equal(5, result.GetProperty("total").GetInt32());
            seen.AddRange(result.GetProperty("items").EnumerateArray().Select(i => i.Str("participantId")));
        }

        Assert.Equal(5, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("platform=tiktok", "platform")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("page=abc", "page")]
    [InlineData("since=yesterday", "since")]
    [InlineData("ref=has%20space", "ref")]
    [InlineData("since=2026-11-02&until=2026-11-01", "until")]
    public async Task Bad_Query_Gets_400_Naming_The_Field(string query, string field)
    {
        var problem = await _app.Api.GetJsonAsync($"/api/conversations?{query}", HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var reasons), $"no error for {field}: {problem}");
        Assert.False(string.IsNullOrWhiteSpace(reasons[0].GetString()));
    }

    [Fact]
    public async Task Detail_Has_The_Documented_Shape_And_Window_State()
    {
        _app.Time.SetUtcNow(T0.AddHours(5));
        var conversation = await _app.ConversationOfAsync("messenger", "psid-1");

        foreach (var property in new[] { "id", "platform", "accountId", "participantId", "createdAt", "windowExpiresAt", "firstReferral", "metadata", "referrals" })
        {
            Assert.True(conversation.TryGetProperty(property, out _), $"missing {property}");
        }

        Assert.Equal("messenger", conversation.Str("platform"));
        Assert.False(conversation.TryGetProperty("summary", out _), "the detail is flat, as documented");
        Assert.True(conversation.GetProperty("windowOpen").GetBoolean());
        var referral = conversation.GetProperty("referrals")[0];
        foreach (var property in new[] { "ref", "source", "type", "arrival", "receivedAt" })
        {
            Assert.True(referral.TryGetProperty(property, out _), $"missing referral.{property}");
        }

        Assert.True(conversation.GetProperty("metadata").TryGetProperty("lastReferralAt", out _));

        _app.Time.SetUtcNow(T0.AddHours(3 + 25));
        var later = await _app.ConversationOfAsync("messenger", "psid-1");
        Assert.False(later.GetProperty("windowOpen").GetBoolean());
    }

    [Fact]
    public async Task Unknown_Conversation_Gets_404_Problem()
    {
        var problem = await _app.Api.GetJsonAsync("/api/conversations/999999", HttpStatusCode.NotFound);

        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task OpenApi_Document_Describes_The_Api()
    {
        var document = await _app.Api.GetJsonAsync("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/conversations", out _));
        Assert.True(paths.TryGetProperty("/api/conversations/{id}", out _));
        Assert.True(paths.TryGetProperty("/webhooks/meta", out _));
    }
}

/// <summary><see cref="ConversationsApiTests"/> on PostgreSQL: the same answers.</summary>
public sealed class PostgresConversationsApiTests() : ConversationsApiTests(TestStore.Postgres());
