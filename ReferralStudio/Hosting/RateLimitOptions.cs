namespace ReferralStudio.Hosting;

/// <summary>Request limits per client (section <c>RateLimits</c>); a request over a limit gets 429 with <c>Retry-After</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary><c>/api</c>: per API key (or, without a valid key, per client IP address).</summary>
    public ApiLimit Api { get; set; } = new();

    /// <summary><c>POST /account/login</c>, per client IP address; the account lock-out still applies on top.</summary>
    public SignInLimit SignIn { get; set; } = new();

    /// <summary><c>/webhooks/meta</c>, per client IP address.</summary>
    public WebhookLimit Webhooks { get; set; } = new();

    public sealed class ApiLimit
    {
        public int PermitsPerMinute { get; set; } = 600;
    }

    public sealed class SignInLimit
    {
        public int PermitsPerMinute { get; set; } = 20;
    }

    /// <summary>
    /// High on purpose: Meta sends from a handful of addresses, batches events, and after an outage replays its
    /// backlog at full speed. A 429 there is a delivery Meta must retry, and an endpoint that keeps failing is
    /// eventually unsubscribed, so this limit only stops floods far beyond any real page's traffic.
    /// </summary>
    public sealed class WebhookLimit
    {
        public int PermitsPerSecond { get; set; } = 5_000;
    }
}
