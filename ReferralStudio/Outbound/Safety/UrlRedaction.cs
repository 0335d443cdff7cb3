namespace ReferralStudio.Outbound.Safety;

/// <summary>
/// What of an integrator's webhook URL may be logged: scheme, host and port. Paths and queries often carry the
/// receiver's own secret (<c>/hooks/3f9c...</c>, <c>?token=...</c>), so they never reach a log at any level.
/// </summary>
public static class UrlRedaction
{
    /// <summary><c>https://hooks.example.com:443</c> for <c>https://hooks.example.com/in/3f9c?token=x</c>; never the path, query, fragment or user info.</summary>
    public static string ForLog(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IdnHost.Length > 0
            ? uri.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.StrongPort, UriFormat.UriEscaped)
            : "(not an absolute URL)";
}
