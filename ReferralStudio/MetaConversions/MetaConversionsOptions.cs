using ReferralStudio.Hosting;
using ReferralStudio.Outbound.Retry;

namespace ReferralStudio.MetaConversions;

/// <summary>Meta Conversions API settings (section <c>ConversionsApi</c>); each account's dataset and token are set on the accounts page.</summary>
public sealed class MetaConversionsOptions
{
    public const string Section = "ConversionsApi";

    /// <summary>
    /// Conversion type (as recorded, case ignored) to Meta's event name. A type not listed here, or mapped to an empty
    /// name, is not sent: Meta refuses custom event names for <c>business_messaging</c>. Configuration adds to these
    /// defaults or overrides them (<c>ConversionsApi:EventNames:booking = LeadSubmitted</c>).
    /// </summary>
    public Dictionary<string, string> EventNames { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["purchase"] = "Purchase",
        ["order"] = "Purchase",
        ["lead"] = "LeadSubmitted",
        ["signup"] = "LeadSubmitted",
        ["add_to_cart"] = "AddToCart",
        ["checkout"] = "InitiateCheckout",
        ["view_content"] = "ViewContent",
    };

    /// <summary>The Conversions API host; tests point it at a fake on loopback.</summary>
    public string GraphApiBaseUrl { get; set; } = "https://graph.facebook.com";

    public string GraphApiVersion { get; set; } = "v25.0";

    /// <summary>How long one attempt may take before it counts as failed (and is retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Backoff with jitter after a 5xx, 429 or network error (<c>ConversionsApi:Retry:BaseDelay</c>, ...). Ten attempts
    /// stay within Meta's seven days for an event's time.
    /// </summary>
    public RetryPolicy Retry { get; set; } = new() { MaxAttempts = 10 };

    /// <summary>The Meta event name for a conversion type, or null when that type is not sent.</summary>
    public string? EventNameFor(string conversionType) =>
        EventNames.TryGetValue(conversionType.Trim(), out var name) && !string.IsNullOrWhiteSpace(name) ? name.Trim() : null;

    /// <summary>The rules checked at start, each naming its key.</summary>
    internal IEnumerable<string?> Rules() =>
    [
        Uri.TryCreate(GraphApiBaseUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? null : $"{Section}:GraphApiBaseUrl must be an absolute http(s) URL (it is '{GraphApiBaseUrl}').",
        string.IsNullOrWhiteSpace(GraphApiVersion) ? $"{Section}:GraphApiVersion must not be empty." : null,
        OptionsRules.Positive(Timeout, $"{Section}:Timeout"),
        .. Retry.Rules($"{Section}:Retry"),
    ];
}
