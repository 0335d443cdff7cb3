using System.Globalization;
using MudBlazor;
using ReferralStudio.Insight;

namespace ReferralStudio.Components.Insight;

/// <summary>One day on a chart's axis. The partial day is today: it is not over, so its counts are still growing.</summary>
public sealed record ChartDay(DateOnly Date, bool Partial)
{
    public string Label => Date.ToString("d MMM", CultureInfo.InvariantCulture);
}

/// <summary>One series: a count for each day of its chart.</summary>
public sealed record DailyLine(string Name, IReadOnlyList<int> Counts)
{
    public int Total => Counts.Sum();
}

/// <summary>
/// Per-day counts shaped for a chart: every day of the range exactly once (days without rows count 0), days
/// after today left out (they have not happened), today flagged as partial, and the biggest series kept with
/// the rest summed into one "others" series so a chart never shows more lines than a reader can tell apart.
/// </summary>
public sealed record DailyChart(IReadOnlyList<ChartDay> Days, IReadOnlyList<DailyLine> Lines, bool HasOthers = false)
{
    public static DailyChart Shape(IEnumerable<DailyCount> counts, DateOnly from, DateOnly until, DateOnly today, int top = int.MaxValue)
    {
        var last = until < today ? until : today;
        var days = new List<ChartDay>();
        for (var day = from; day <= last; day = day.AddDays(1))
        {
            days.Add(new ChartDay(day, day == today));
        }

        var index = new Dictionary<DateOnly, int>();
        for (var i = 0; i < days.Count; i++)
        {
            index[days[i].Date] = i;
        }

        var series = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var count in counts)
        {
            if (!index.TryGetValue(DateOnly.FromDateTime(count.Day), out var i))
            {
                continue;
            }

            if (!series.TryGetValue(count.Series, out var values))
            {
                series[count.Series] = values = new int[days.Count];
            }

            values[i] += count.Count;
        }

        var ranked = series.OrderByDescending(s => s.Value.Sum()).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
        // Folding a single series into "others" would only hide its name.
        var keep = ranked.Count > top + 1 ? top : ranked.Count;
        var lines = ranked.Take(keep).Select(s => new DailyLine(s.Key, s.Value)).ToList();
        if (keep < ranked.Count)
        {
            var rest = new int[days.Count];
            foreach (var (_, values) in ranked.Skip(keep))
            {
                for (var i = 0; i < rest.Length; i++)
                {
                    rest[i] += values[i];
                }
            }

            lines.Add(new DailyLine(OthersName(ranked.Count - keep), rest));
        }

        return new DailyChart(days, lines, keep < ranked.Count);
    }

    /// <summary>
    /// A one-series chart from days already counted one by one (zero-filled, today flagged) in the business's time zone;
    /// days after <paramref name="today"/> are left out, as in <see cref="Shape"/>.
    /// </summary>
    public static DailyChart FromDays(IEnumerable<DayCount> days, string name, DateOnly today)
    {
        var shown = days.Where(d => d.Day <= today).ToList();
        return shown.Count == 0 ? new DailyChart([], [])
            : new DailyChart(shown.ConvertAll(d => new ChartDay(d.Day, d.Partial)), [new DailyLine(name, shown.ConvertAll(d => d.Count))]);
    }

    public static string OthersName(int count) => $"{count} others";

    /// <summary>Nothing to draw: no days in the range, or not a single count in it.</summary>
    public bool IsEmpty => Lines.All(l => l.Total == 0);

    public ChartDay? PartialDay => Days.Count > 0 && Days[^1].Partial ? Days[^1] : null;

    /// <summary>The days that are over, which a line chart draws (today's would read as a drop).</summary>
    public IReadOnlyList<ChartDay> CompleteDays => PartialDay is null ? Days : Days.Take(Days.Count - 1).ToList();

    /// <summary>Every how many days an axis label is drawn, so that at most <paramref name="most"/> share the axis (a phone's width holds about seven).</summary>
    public int LabelInterval(int most = 7) => Math.Max(1, (int)Math.Ceiling(Days.Count / (double)most));

    /// <summary>Line series over <see cref="CompleteDays"/>.</summary>
    public List<ChartSeries<double>> CompleteLines() =>
        Lines.Select(l => new ChartSeries<double>
        {
            Name = l.Name,
            Data = new ChartData<double>(l.Counts.Take(CompleteDays.Count).Select(c => (double)c).ToList()),
        }).ToList();

    /// <summary>
    /// Two stacked bar series for a single-series chart: the days that are over, and today so far in a colour
    /// of its own, so a short bar reads as "not over yet" rather than "a bad day".
    /// </summary>
    public List<ChartSeries<double>> BarsWithPartialDay(string completeName, string partialName)
    {
        var counts = Lines.Count == 0 ? new int[Days.Count] : Lines[0].Counts;
        var partial = PartialDay is not null;
        var bars = new List<ChartSeries<double>>
        {
            new() { Name = completeName, Data = new ChartData<double>(counts.Select((c, i) => partial && i == Days.Count - 1 ? 0.0 : c).ToList()) },
        };
        if (partial)
        {
            bars.Add(new() { Name = partialName, Data = new ChartData<double>(counts.Select((c, i) => i == Days.Count - 1 ? (double)c : 0.0).ToList()) });
        }

        return bars;
    }
}

/// <summary>
/// Series colours from the Okabe–Ito palette, which people with the common colour-vision deficiencies can tell
/// apart; the orange is darkened so that every colour keeps 3:1 contrast on both the light and the dark surface.
/// The last colour, a neutral grey, is for the "others" series.
/// </summary>
public static class ChartColours
{
    public static readonly string[] Palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#B07800", "#7D828C"];

    /// <summary>The colours for a chart's lines: named series in order, grey for the summed rest.</summary>
    public static string[] For(DailyChart chart)
    {
        var named = Palette[..^1];
        return chart.Lines.Select((_, i) => chart.HasOthers && i == chart.Lines.Count - 1 ? Palette[^1] : named[i % named.Length]).ToArray();
    }
}
