using System.Net;
using System.Text.Json;

namespace ReferralStudio.Tests.Infrastructure;

public static class ApiClientExtensions
{
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {url}: expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The conversation of one participant, with its full history.</summary>
    public static async Task<JsonElement> ConversationOfAsync(this TestApp app, string platform, string participantId)
    {
        var page = await app.Api.GetJsonAsync($"/api/conversations?platform={platform}&participantId={Uri.EscapeDataString(participantId)}");
        var items = page.GetProperty("items");
        Assert.Equal(1, items.GetArrayLength());
        var id = items[0].GetProperty("id").GetInt64();
        return await app.Api.GetJsonAsync($"/api/conversations/{id}");
    }

    public static async Task<int> ConversationCountAsync(this TestApp app, string platform, string participantId)
    {
        var page = await app.Api.GetJsonAsync($"/api/conversations?platform={platform}&participantId={Uri.EscapeDataString(participantId)}");
        return page.GetProperty("total").GetInt32();
    }

    public static string? Str(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
