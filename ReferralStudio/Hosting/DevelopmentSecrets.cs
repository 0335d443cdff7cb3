using ReferralStudio.Security;

namespace ReferralStudio.Hosting;

/// <summary>
/// The secrets <c>appsettings.Development.json</c> ships with. They are in the repository for anyone to read, so
/// outside Development the app refuses to start with any of them, naming the key.
/// </summary>
public static class DevelopmentSecrets
{
    public static IReadOnlyDictionary<string, string> ByKey { get; } = new Dictionary<string, string>
    {
        ["Meta:AppSecret"] = "dev-app-secret",
        ["Meta:VerifyToken"] = "dev-verify-token",
        ["Api:Key"] = "dev-api-key",
        ["Admin:Password"] = "studio-dev-password",
    };

    /// <summary>An options rule: null where <paramref name="value"/> may be used, else the message naming <paramref name="key"/>.</summary>
    public static string? Refuse(IHostEnvironment environment, string key, string value) =>
        !environment.IsDevelopment() && ByKey.TryGetValue(key, out var known) && Secrets.FixedTimeEquals(value, known)
            ? $"{key} is the Development value from appsettings.Development.json, which anyone can read; set one of your own ({key.Replace(":", "__", StringComparison.Ordinal)})."
            : null;
}
