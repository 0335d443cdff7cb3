using System.Text.Json;

namespace ReferralStudio.Messaging;

/// <summary>Meta's explanation of a refused Graph API call, for the outbox views (one reading for every Graph client).</summary>
public static class GraphApiErrors
{
    private const int MaxLength = 500;

    /// <summary>
    /// "Meta error 100/2804066: message (user message)" from <c>error.code</c>, <c>error.error_subcode</c>,
    /// <c>error.message</c> and <c>error.error_user_msg</c>; a body that is not Meta's error object, cut to 500 characters.
    /// </summary>
    public static string? Describe(string content)
    {
        try
        {
            using var json = JsonDocument.Parse(content);
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object
                || !error.TryGetProperty("message", out var message))
            {
                return Cut(content);
            }

            var text = message.GetString();
            if (error.TryGetProperty("error_user_msg", out var userMessage) && userMessage.GetString() is { Length: > 0 } user && user != text)
            {
                text = $"{text} ({user})";
            }

            if (!error.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Number)
            {
                return Cut(text ?? "");
            }

            var number = error.TryGetProperty("error_subcode", out var subcode) && subcode.ValueKind == JsonValueKind.Number
                ? $"{code.GetRawText()}/{subcode.GetRawText()}"
                : code.GetRawText();
            return Cut($"Meta error {number}: {text}");
        }
        catch (JsonException)
        {
            return Cut(content);
        }
    }

    private static string? Cut(string text) => text.Length == 0 ? null : text.Length > MaxLength ? text[..MaxLength] : text;
}
