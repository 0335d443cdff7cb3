namespace ReferralStudio.Links.Trackable;

/// <summary>Trackable links (section <c>Links</c>).</summary>
public sealed class LinkOptions
{
    public const string Section = "Links";

    /// <summary>
    /// The public address people reach this app on, as printed in QR codes: <c>https://go.example.com</c> makes
    /// <c>https://go.example.com/go/&lt;slug&gt;</c>. Empty: no trackable links can be issued (the redirect still answers).
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>How often counted scans are written to the database; they are also written when the app stops.</summary>
    public TimeSpan ScanFlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    public bool CanIssue => PublicBaseUrl.Length > 0;

    /// <summary>The printed address of <paramref name="slug"/>.</summary>
    public string ShortUrl(string slug) => $"{PublicBaseUrl.TrimEnd('/')}/go/{slug}";

    internal IEnumerable<string?> Rules() =>
    [
        PublicBaseUrlRule(PublicBaseUrl),
        Hosting.OptionsRules.Positive(ScanFlushInterval, $"{Section}:{nameof(ScanFlushInterval)}"),
    ];

    internal static string? PublicBaseUrlRule(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        const string Key = $"{Section}:{nameof(PublicBaseUrl)}";
        return Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            ? null
            : $"{Key} must be an absolute http or https address without query or fragment, such as https://go.example.com (it is '{value}').";
    }
}
