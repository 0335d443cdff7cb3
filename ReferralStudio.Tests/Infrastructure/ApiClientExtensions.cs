using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>
    /// An outbound delivery once the dispatcher is done with it (delivered or failed for good), awaited
    /// through the dispatcher's settlement signal, registered before the status is read.
    /// </summary>
    public static async Task<JsonElement> SettledDeliveryAsync(this TestApp app, long deliveryId, TimeSpan? timeout = null)
    {
        var settled = app.Services.GetRequiredService<ReferralStudio.Outbound.OutboundDispatcher>().Settled.WhenSettledAsync(deliveryId);
        var current = await app.Api.GetJsonAsync($"/api/webhooks/deliveries/{deliveryId}");
        if (current.Str("status") == "pending")
        {
            await settled.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
            current = await app.Api.GetJsonAsync($"/api/webhooks/deliveries/{deliveryId}");
        }

        return current;
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
