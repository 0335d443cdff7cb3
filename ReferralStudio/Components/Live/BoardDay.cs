using System.Globalization;
using ReferralStudio.Insight;

namespace ReferralStudio.Components.Live;

/// <summary>
/// The day the wall board counts ("today", the business's day from <see cref="BusinessDay"/>) and how it writes
/// times: a time of today as <c>14:03:21</c>, any other as <c>5 Dec 14:03</c>. wwwroot/live.js writes the
/// rows it adds the same way.
/// </summary>
public sealed record BoardDay(DateTimeOffset Start, DateTimeOffset End, TimeZoneInfo Zone)
{
    // Fixed English month names: Intl in the browser and .NET cultures disagree on some ("Sept").
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly string[] Weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    public static BoardDay Containing(DateTimeOffset now, TimeZoneInfo zone)
    {
        var days = new BusinessDay(TimeProvider.System, zone);
        var window = days.Window(days.DayOf(now));
        return new(window.Start, window.End, zone);
    }

    public bool Contains(DateTimeOffset at) => at >= Start && at < End;

    /// <summary>The date of the day in its zone, e.g. <c>Sat 6 Dec</c>.</summary>
    public string DateLabel
    {
        get
        {
            var local = TimeZoneInfo.ConvertTime(Start, Zone);
            return $"{Weekdays[(int)local.DayOfWeek]} {local.Day} {Months[local.Month - 1]}";
        }
    }

    /// <summary>The zone as people read it: <c>UTC</c>, else its IANA name (<c>Europe/Berlin</c>).</summary>
    public string ZoneLabel => Zone == TimeZoneInfo.Utc || Zone.Id is "Etc/UTC" or "UTC" ? "UTC" : Zone.Id;

    public string FormatTime(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        if (Contains(at))
        {
            return local.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        }

        var year = local.Year == TimeZoneInfo.ConvertTime(Start, Zone).Year ? "" : " " + local.Year.ToString(CultureInfo.InvariantCulture);
        return $"{local.Day} {Months[local.Month - 1]}{year} {local.ToString("HH:mm", CultureInfo.InvariantCulture)}";
    }
}
