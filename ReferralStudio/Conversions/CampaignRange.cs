namespace ReferralStudio.Conversions;

/// <summary>Where one stretch of a report's range is read from.</summary>
public enum CampaignSource
{
    /// <summary>Whole UTC days: <see cref="CampaignDay"/>.</summary>
    Days,
    /// <summary>Whole UTC hours: <see cref="CampaignHour"/>.</summary>
    Hours,
    /// <summary>Less than an hour at either end: the touches and conversions themselves.</summary>
    Touches,
}

/// <summary>A stretch [From, To) of a report's range in epoch milliseconds, added (Sign 1) or taken away (Sign -1).</summary>
public readonly record struct CampaignSlice(CampaignSource Source, long From, long To, int Sign = 1);

/// <summary>
/// An end of the range that is not on the hour: read either directly from the base tables (<see cref="Inside"/>),
/// or as its whole hour from the rollup (<see cref="Hour"/>) minus the rest of that hour from the base tables
/// (<see cref="Outside"/>), whichever has fewer rows to read.
/// </summary>
public sealed record CampaignEdge(CampaignSlice Inside, CampaignSlice Hour, IReadOnlyList<CampaignSlice> Outside);

/// <summary>
/// Whole hours inside one day (<see cref="Hours"/>), which can also be read as that whole day (<see cref="Day"/>) minus its
/// other hours (<see cref="Outside"/>): a day has a row per key, so when most of the day is inside the range, or the rest of
/// it has not happened yet (a range ending now), the day and the few other hours are fewer rows than the hours.
/// </summary>
public sealed record CampaignHoursInDay(CampaignSlice Hours, CampaignSlice Day, IReadOnlyList<CampaignSlice> Outside);

/// <summary>
/// How a report cuts its range: whole days and whole hours read from the rollup (<see cref="CampaignRollup"/>),
/// and the partial hours at its ends, each read one of two ways (<see cref="CampaignEdge"/>). Pure arithmetic.
/// </summary>
public static class CampaignRange
{
    /// <summary>The whole days of [from, to) and the whole hours around them (none when the range is shorter than an hour).</summary>
    public static List<CampaignSlice> Whole(long from, long to)
    {
        var slices = new List<CampaignSlice>();
        var hourFrom = Ceiling(from, CampaignRollup.HourMs);
        var hourTo = CampaignRollup.BucketStart(to, CampaignRollup.HourMs);
        if (from >= to || hourFrom >= hourTo)
        {
            return slices;
        }

        var dayFrom = Ceiling(hourFrom, CampaignRollup.DayMs);
        var dayTo = CampaignRollup.BucketStart(hourTo, CampaignRollup.DayMs);
        if (dayFrom >= dayTo)
        {
            slices.Add(new(CampaignSource.Hours, hourFrom, hourTo));
            return slices;
        }

        if (hourFrom < dayFrom)
        {
            slices.Add(new(CampaignSource.Hours, hourFrom, dayFrom));
        }

        slices.Add(new(CampaignSource.Days, dayFrom, dayTo));
        if (dayTo < hourTo)
        {
            slices.Add(new(CampaignSource.Hours, dayTo, hourTo));
        }

        return slices;
    }

    /// <summary>The day a slice of whole hours lies in, as <see cref="CampaignHoursInDay"/>; null for other slices and for hours across midnight.</summary>
    public static CampaignHoursInDay? InDay(CampaignSlice slice)
    {
        var dayStart = CampaignRollup.BucketStart(slice.From, CampaignRollup.DayMs);
        var dayEnd = dayStart + CampaignRollup.DayMs;
        if (slice.Source != CampaignSource.Hours || slice.Sign != 1 || slice.To > dayEnd)
        {
            return null;
        }

        List<CampaignSlice> outside = [];
        if (dayStart < slice.From)
        {
            outside.Add(new(CampaignSource.Hours, dayStart, slice.From, -1));
        }

        if (slice.To < dayEnd)
        {
            outside.Add(new(CampaignSource.Hours, slice.To, dayEnd, -1));
        }

        return new(slice, new(CampaignSource.Days, dayStart, dayEnd), outside);
    }

    /// <summary>The partial hours at the ends of [from, to): none, one (both ends in one hour, or one end on the hour) or two.</summary>
    public static List<CampaignEdge> Edges(long from, long to)
    {
        const long hour = CampaignRollup.HourMs;
        var edges = new List<CampaignEdge>();
        if (from >= to)
        {
            return edges;
        }

        var hourFrom = Ceiling(from, hour);
        var hourTo = CampaignRollup.BucketStart(to, hour);
        if (hourFrom > hourTo)
        {
            // Both ends inside one hour.
            edges.Add(new CampaignEdge(
                new(CampaignSource.Touches, from, to),
                new(CampaignSource.Hours, hourTo, hourFrom),
                [new(CampaignSource.Touches, hourTo, from, -1), new(CampaignSource.Touches, to, hourFrom, -1)]));
            return edges;
        }

        if (from < hourFrom)
        {
            edges.Add(new CampaignEdge(
                new(CampaignSource.Touches, from, hourFrom),
                new(CampaignSource.Hours, hourFrom - hour, hourFrom),
                [new(CampaignSource.Touches, hourFrom - hour, from, -1)]));
        }

        if (hourTo < to)
        {
            edges.Add(new CampaignEdge(
                new(CampaignSource.Touches, hourTo, to),
                new(CampaignSource.Hours, hourTo, hourTo + hour),
                [new(CampaignSource.Touches, to, hourTo + hour, -1)]));
        }

        return edges;
    }

    private static long Ceiling(long ms, long size)
    {
        var start = CampaignRollup.BucketStart(ms, size);
        return start == ms ? ms : start + size;
    }
}
