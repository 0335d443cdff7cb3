namespace ReferralStudio.Hosting;

/// <summary>
/// HTTPS for browsers (section <c>Tls</c>): the app itself speaks HTTP behind a TLS-terminating proxy, which says
/// https through <c>X-Forwarded-Proto</c>; these add the redirect and HSTS for such a deployment, off by default so a
/// plain <c>dotnet run</c> keeps working.
/// </summary>
public sealed class TlsOptions
{
    public const string Section = "Tls";

    /// <summary>Answer plain-HTTP requests (as the proxy forwards them) with a redirect to https.</summary>
    public bool RedirectToHttps { get; set; }

    /// <summary>The public HTTPS port redirects point at.</summary>
    public int HttpsPort { get; set; } = 443;

    /// <summary>Send <c>Strict-Transport-Security</c> on HTTPS responses.</summary>
    public bool Hsts { get; set; }

    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    internal IEnumerable<string?> Rules() =>
    [
        HttpsPort is >= 1 and <= 65535 ? null : $"{Section}:HttpsPort must be between 1 and 65535 (it is {HttpsPort}).",
        OptionsRules.Positive(HstsMaxAge, $"{Section}:HstsMaxAge"),
    ];
}
