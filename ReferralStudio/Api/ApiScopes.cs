namespace ReferralStudio.Api;

/// <summary>
/// What each key scope may call: one table, read top to bottom, the first matching row naming the scope a request
/// needs. Scopes nest: <c>admin</c> includes <c>write</c>, which includes <c>read</c>.
/// </summary>
public static class ApiScopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    /// <summary>The claim the API key handler puts the key's scope in.</summary>
    public const string ClaimType = "scope";

    public static readonly string[] All = [Read, Write, Admin];

    /// <summary>A path prefix (segments; <c>*</c> matches any one), whether it covers only changing methods, and the scope.</summary>
    public sealed record Rule(string PathPrefix, bool ChangesOnly, string Scope);

    public static readonly Rule[] Rules =
    [
        // Subscriptions (with their secrets), outbound deliveries, inbound replay: the integration's own plumbing.
        new("/api/webhooks", ChangesOnly: false, Admin),
        // Personal data leaves or is erased only with an admin key, even though export is a GET.
        new("/api/conversations/*/export", ChangesOnly: false, Admin),
        new("/api/conversations/*/personal-data", ChangesOnly: false, Admin),
        new("/api", ChangesOnly: true, Write),
        // The operators' metrics (when not on a port of their own): counts and latencies, no personal data.
        new("/metrics", ChangesOnly: false, Read),
    ];

    /// <summary>The scope a request needs; <see cref="Read"/> when no row matches.</summary>
    public static string Required(string method, PathString path)
    {
        var changes = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));
        var segments = Segments(path.Value);
        foreach (var rule in Rules)
        {
            if ((changes || !rule.ChangesOnly) && Matches(Segments(rule.PathPrefix), segments))
            {
                return rule.Scope;
            }
        }

        return Read;
    }

    /// <summary>Whether a key of scope <paramref name="granted"/> may make a call needing <paramref name="needed"/>.</summary>
    public static bool Allows(string? granted, string needed) =>
        Rank(granted) is var rank and >= 0 && rank >= Rank(needed);

    public static bool IsKnown(string? scope) => Rank(scope) >= 0;

    private static int Rank(string? scope) => Array.IndexOf(All, scope);

    private static string[] Segments(string? path) => (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static bool Matches(string[] prefix, string[] path) =>
        path.Length >= prefix.Length
        && prefix.Select((p, i) => p == "*" || p.Equals(path[i], StringComparison.OrdinalIgnoreCase)).All(m => m);
}
