using ReferralStudio.Hosting;

namespace ReferralStudio.Messaging;

/// <summary>Meta Send API settings (read from the <c>Meta</c> section beside the webhook settings).</summary>
public sealed class SendApiOptions
{
    public const string Section = "Meta";

    /// <summary>Graph API host; Instagram Login apps use https://graph.instagram.com.</summary>
    public string GraphApiBaseUrl { get; set; } = "https://graph.facebook.com";

    public string GraphApiVersion { get; set; } = "v25.0";

    /// <summary>Page / Instagram / WhatsApp access tokens by account id, when not set in the settings UI.</summary>
    public Dictionary<string, string> AccessTokens { get; set; } = [];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay after a 429, 5xx or network error; doubles each time.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxAttempts { get; set; } = 6;

    /// <summary>The rules checked at start, each naming its key.</summary>
    internal IEnumerable<string?> Rules() =>
    [
        Uri.TryCreate(GraphApiBaseUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? null : $"{Section}:GraphApiBaseUrl must be an absolute http(s) URL (it is '{GraphApiBaseUrl}').",
        string.IsNullOrWhiteSpace(GraphApiVersion) ? $"{Section}:GraphApiVersion must not be empty." : null,
        OptionsRules.Positive(Timeout, $"{Section}:Timeout"),
        OptionsRules.Positive(RetryBaseDelay, $"{Section}:RetryBaseDelay"),
        OptionsRules.AtLeast(MaxAttempts, 1, $"{Section}:MaxAttempts"),
    ];
}
