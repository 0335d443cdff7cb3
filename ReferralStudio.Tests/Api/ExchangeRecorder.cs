using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ReferralStudio.Tests.Api;

/// <summary>One request and its answer, as openapi-check.mjs reads them (bodies as text, null when empty or binary).</summary>
public sealed record Exchange(
    string Method,
    string Url,
    IReadOnlyList<string> RequestHeaders,
    string? RequestContentType,
    string? RequestBody,
    int Status,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string? Body);

/// <summary>Sends requests to the real app, checks each got the status the test meant to provoke, and keeps them all.</summary>
public sealed class ExchangeRecorder
{
    private readonly List<Exchange> _exchanges = [];

    public IReadOnlyList<Exchange> Exchanges => _exchanges;

    /// <summary>Sends and records; returns the JSON answer (default when there is none).</summary>
    public async Task<JsonElement> SendAsync(
        HttpClient client,
        HttpMethod method,
        string url,
        HttpStatusCode expected,
        string? body = null,
        string contentType = "application/json",
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var (status, text, json) = await SendCoreAsync(client, method, url, body, contentType, headers);
        Assert.True(status == expected, $"{method} {url}: expected {(int)expected}, got {(int)status}: {text}");
        return json;
    }

    /// <summary>
    /// Sends until the answer is <paramref name="wanted"/>, every earlier answer a success; for limits whose
    /// window may reset between two calls.
    /// </summary>
    public async Task SendUntilAsync(HttpClient client, HttpMethod method, string url, HttpStatusCode wanted)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var (status, text, _) = await SendCoreAsync(client, method, url, null, "", null);
            if (status == wanted)
            {
                return;
            }

            Assert.True((int)status is >= 200 and < 300, $"{method} {url}: got {(int)status}: {text}");
        }

        Assert.Fail($"{method} {url}: never answered {(int)wanted} in 100 calls");
    }

    private async Task<(HttpStatusCode Status, string? Text, JsonElement Json)> SendCoreAsync(
        HttpClient client, HttpMethod method, string url, string? body, string contentType, IReadOnlyDictionary<string, string>? headers)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            // The exact bytes, so that a signature over them holds.
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var responseType = response.Content.Headers.ContentType;
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = bytes.Length == 0 || !IsText(responseType?.MediaType) ? null : Encoding.UTF8.GetString(bytes);

        _exchanges.Add(new Exchange(
            method.Method,
            url,
            [.. client.DefaultRequestHeaders.Concat(request.Headers).Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .Select(h => h.Key.ToLowerInvariant())],
            request.Content?.Headers.ContentType?.ToString(),
            body,
            (int)response.StatusCode,
            response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value)),
            bytes.Length == 0 ? null : responseType?.ToString(),
            text));
        var json = text is not null && responseType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return (response.StatusCode, text, json);
    }

    public Task<JsonElement> SendJsonAsync(HttpClient client, HttpMethod method, string url, HttpStatusCode expected, object body) =>
        SendAsync(client, method, url, expected, JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    private static bool IsText(string? mediaType) =>
        mediaType is not null && (mediaType.StartsWith("text/", StringComparison.Ordinal) || mediaType.EndsWith("json", StringComparison.Ordinal));
}
