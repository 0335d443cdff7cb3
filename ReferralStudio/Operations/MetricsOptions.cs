namespace ReferralStudio.Operations;

/// <summary>
/// Where <c>/metrics</c> is served (section <c>Metrics</c>): without a port, on the app's own address behind an API key
/// with the read scope; with one, only on that port, without a key (firewall it: only the scraper should reach it).
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>A port of its own for the scraper; unset: <c>/metrics</c> on the app's address, with a key.</summary>
    public int? Port { get; set; }

    /// <summary>The address the metrics port listens on: loopback unless a scraper on another machine needs it (<c>0.0.0.0</c>).</summary>
    public string Address { get; set; } = "127.0.0.1";

    internal IEnumerable<string?> Rules() =>
    [
        Port is null or (>= 1 and <= 65535) ? null : $"{Section}:Port must be between 1 and 65535 (it is {Port}).",
        string.IsNullOrWhiteSpace(Address) ? $"{Section}:Address must name an address to listen on (e.g. 127.0.0.1 or 0.0.0.0)." : null,
    ];
}
