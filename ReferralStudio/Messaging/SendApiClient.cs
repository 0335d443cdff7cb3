using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Messaging;

/// <summary>What one Send API call came to.</summary>
public sealed record SendResult(bool Sent, bool Retryable, int? StatusCode, string? MessageId, string? Error, TimeSpan? RetryAfter);

/// <summary>Sends a text DM through Meta's Send API (Messenger, Instagram) or Cloud API (WhatsApp).</summary>
public sealed class SendApiClient(HttpClient http, IOptions<SendApiOptions> options)
{
    public const string HttpClientName = "meta-graph";

    public async Task<SendResult> SendTextAsync(string platform, string accountId, string recipientId, string text, string accessToken, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var url = $"{settings.GraphApiBaseUrl.TrimEnd('/')}/{settings.GraphApiVersion}/{Uri.EscapeDataString(accountId)}/messages";
        object body = platform != PlatformNames.WhatsApp
            ? new { recipient = new { id = recipientId }, messaging_type = "RESPONSE", message = new { text } }
            // A participant known only by a BSUID (a username, phone withheld) is addressed by `recipient`, not `to`.
            : WhatsAppIdentity.IsUserId(recipientId)
                ? new { messaging_product = "whatsapp", recipient_type = "individual", recipient = recipientId, type = "text", text = new { body = text } }
                : new { messaging_product = "whatsapp", recipient_type = "individual", to = recipientId, type = "text", text = new { body = text } };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        var answer = await GraphApiCall.SendAsync(http, request, settings.Timeout, cancellationToken);
        if (answer.Status is not { } status)
        {
            return new SendResult(false, true, null, null, answer.TimedOut ? "timed out" : answer.Failure, null);
        }

        return answer.Succeeded
            ? new SendResult(true, false, (int)status, ReadMessageId(answer.Content), null, null)
            : new SendResult(false, answer.Retryable, (int)status, null, GraphApiErrors.Describe(answer.Content) ?? answer.ReasonPhrase, answer.RetryAfter?.Delta);
    }

    private static string? ReadMessageId(string content)
    {
        try
        {
            using var json = JsonDocument.Parse(content);
            var root = json.RootElement;
            if (root.TryGetProperty("message_id", out var id))
            {
                return id.GetString();
            }

            if (root.TryGetProperty("messages", out var messages) && messages.GetArrayLength() > 0 && messages[0].TryGetProperty("id", out var wamid))
            {
                return wamid.GetString();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Sent is sent; a reply we cannot read only costs us the message id.
        }

        return null;
    }
}
