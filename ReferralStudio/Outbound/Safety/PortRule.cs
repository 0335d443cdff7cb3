namespace ReferralStudio.Outbound.Safety;

/// <summary>
/// Outbound webhooks go only to the ports in <c>Outbound:AllowedPorts</c> (80 and 443 unless set), so a URL
/// cannot aim a delivery at a mail server, a database or an admin port, on someone else's host or on our own
/// public address. Checked when a URL is registered and again for every connection.
/// </summary>
public static class PortRule
{
    public const string SettingKey = "Outbound:AllowedPorts";

    /// <summary>Null when <paramref name="port"/> is allowed; otherwise the reason, naming the ports that are and the setting.</summary>
    public static string? WhyNotAllowed(int port, IReadOnlyCollection<int> allowedPorts)
    {
        ArgumentNullException.ThrowIfNull(allowedPorts);
        foreach (var allowed in allowedPorts)
        {
            if (allowed == port)
            {
                return null;
            }
        }

        return $"Port {port} is not allowed; outbound webhooks go to {Describe(allowedPorts)} ({SettingKey}).";
    }

    /// <summary>"port 443", "ports 80 and 443", "ports 80, 443 and 8443".</summary>
    internal static string Describe(IReadOnlyCollection<int> ports)
    {
        var sorted = ports.Distinct().Order().Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return sorted.Count switch
        {
            0 => "no port",
            1 => "port " + sorted[0],
            _ => $"ports {string.Join(", ", sorted[..^1])} and {sorted[^1]}",
        };
    }
}
