namespace ReferralStudio.Links.Trackable;

/// <summary>
/// A short link on the studio's own address, <c>/go/&lt;slug&gt;</c>, that answers with the ig.me, m.me or wa.me link of
/// its current target. Printed once; the target can change afterwards (<see cref="TrackableLinkTarget"/> keeps each one).
/// </summary>
public sealed class TrackableLink
{
    public long Id { get; set; }
    /// <summary>Lower-case letters, digits and '-'; unique.</summary>
    public string Slug { get; set; } = "";
    public string Platform { get; set; } = "";
    /// <summary>The Instagram username, Page username or WhatsApp number, as <see cref="LinkBuilder"/> takes it.</summary>
    public string Account { get; set; } = "";
    public string Code { get; set; } = "";
    /// <summary>WhatsApp only: the prefilled message; null means <see cref="LinkBuilder.DefaultWhatsAppTemplate"/>.</summary>
    public string? WhatsAppTemplate { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One target a link pointed at from <see cref="ChangedAt"/>, and who set it; the first row is the link's creation.</summary>
public sealed class TrackableLinkTarget
{
    public long Id { get; set; }
    public long LinkId { get; set; }
    public string Platform { get; set; } = "";
    public string Account { get; set; } = "";
    public string Code { get; set; } = "";
    public string? WhatsAppTemplate { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public string ChangedBy { get; set; } = "";
}

/// <summary>Counted scans of one link on one business day, by the platform and code it pointed at and the scanning device's class.</summary>
public sealed class LinkScanDay
{
    public long LinkId { get; set; }
    public DateOnly Day { get; set; }
    public string Platform { get; set; } = "";
    /// <summary>The code the link led to when scanned: the funnel counts the scan for that code.</summary>
    public string Code { get; set; } = "";
    /// <summary>One of <see cref="DeviceClasses"/>.</summary>
    public string Device { get; set; } = "";
    public long Scans { get; set; }
}
