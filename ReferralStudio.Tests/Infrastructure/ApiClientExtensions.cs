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

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendJsonAsync(this HttpClient client, HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = body is string raw
                ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json")
                : System.Net.Http.Json.JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(this HttpClient client, string url, object? body = null) =>
        client.SendJsonAsync(HttpMethod.Post, url, body);

    /// <summary>The reasons a 400 gave for one field.</summary>
    public static string[] ErrorsFor(this JsonElement problem, string field) =>
        problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var reasons)
            ? reasons.EnumerateArray().Select(r => r.GetString()!).ToArray()
            : [];

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
