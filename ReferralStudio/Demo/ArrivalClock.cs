namespace ReferralStudio.Demo;

/// <summary>Samples arrival times between two instants, weighted by store-time hour of day and day of week.</summary>
internal sealed class ArrivalClock
{
    // Store time for the daily rhythm: busier afternoons and evenings, quiet nights.
    private static readonly TimeSpan StoreOffset = TimeSpan.FromHours(1);
    private static readonly double[] HourWeights =
    [
        0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.25, 0.5, 0.8, 1.0, 1.1, 1.2,
        1.3, 1.4, 1.5, 1.7, 1.9, 2.1, 2.3, 2.4, 2.3, 2.0, 1.4, 0.7,
    ];

    private readonly DateTimeOffset _from;
    private readonly DateTimeOffset _to;
    private readonly double[] _cumulative;

    public ArrivalClock(DateTimeOffset from, DateTimeOffset to)
    {
        _from = from;
        _to = to;
        var hours = (int)Math.Ceiling((to - from).TotalHours);
        _cumulative = new double[hours];
        var total = 0.0;
        for (var h = 0; h < hours; h++)
        {
            var local = (from + TimeSpan.FromHours(h)).ToOffset(StoreOffset);
            total += HourWeights[local.Hour] * DayWeight(local.DayOfWeek);
            _cumulative[h] = total;
        }
    }

    public DateTimeOffset Sample(Random random)
    {
        var x = random.NextDouble() * _cumulative[^1];
        var hour = Array.BinarySearch(_cumulative, x);
        hour = hour < 0 ? ~hour : hour;
        hour = Math.Min(hour, _cumulative.Length - 1);
        var at = _from + TimeSpan.FromHours(hour) + TimeSpan.FromMilliseconds(random.NextDouble() * 3_600_000);
        return at > _to ? _to - TimeSpan.FromMilliseconds(random.Next(1, 60_000)) : at;
    }

    private static double DayWeight(DayOfWeek day) => day switch
    {
        DayOfWeek.Saturday => 1.6,
        DayOfWeek.Sunday => 1.5,
        DayOfWeek.Friday => 1.15,
        _ => 1.0,
    };
}
