using Microsoft.Data.Sqlite;
using ReferralStudio.Conversions;

namespace ReferralStudio.Tests.Conversions;

/// <summary>How a report cuts its range, and the order it lists equal rows in: pure, no app.</summary>
public sealed class CampaignRangeTests
{
    private const long Hour = CampaignRollup.HourMs;
    private const long Day = CampaignRollup.DayMs;

    [Fact]
    public void Slices_Cover_The_Range_Exactly_Once_Whichever_Way_Each_End_Is_Read()
    {
        var random = new Random(7);
        var day = DateTimeOffset.Parse("2026-11-10T00:00:00Z").ToUnixTimeMilliseconds();
        long Point() => random.Next(4) switch
        {
            0 => day + random.Next(-3, 4) * Day,
            1 => day + random.Next(-72, 73) * Hour,
            2 => random.Next(2) == 0 ? -random.NextInt64(10 * Day) : random.NextInt64(10 * Day),
            _ => day + random.NextInt64(-3 * Day, 3 * Day) + random.Next(-1, 2),
        };
        for (var i = 0; i < 2000; i++)
        {
            var (from, to) = (Point(), random.Next(8) == 0 ? 0 : Point());
            if (random.Next(8) == 0)
            {
                to = from + random.Next(-2, 3);
            }

            var whole = CampaignRange.Whole(from, to);
            var edges = CampaignRange.Edges(from, to);
            foreach (var s in whole)
            {
                var size = s.Source == CampaignSource.Days ? Day : Hour;
                Assert.True(s.From < s.To && s.From % size == 0 && s.To % size == 0 && s.Sign == 1, $"{s} of [{from}, {to})");
            }

            foreach (var e in edges)
            {
                Assert.True(e.Inside.To - e.Inside.From < Hour && e.Hour.To - e.Hour.From == Hour && e.Hour.From % Hour == 0, $"{e} of [{from}, {to})");
            }

            foreach (var s in whole)
            {
                if (CampaignRange.InDay(s) is { } inDay)
                {
                    Assert.True(inDay.Day.Source == CampaignSource.Days && inDay.Day.To - inDay.Day.From == Day && inDay.Day.From % Day == 0, $"{inDay} of [{from}, {to})");
                    Assert.All(inDay.Outside, o => Assert.True(o.Source == CampaignSource.Hours && o.Sign == -1 && o.From % Hour == 0 && o.To % Hour == 0, $"{o} of {inDay}"));
                }
                else
                {
                    // Only days and hours across midnight have no day to be read through.
                    Assert.True(s.Source == CampaignSource.Days || CampaignRollup.BucketStart(s.From, Day) != CampaignRollup.BucketStart(s.To - 1, Day), $"{s} of [{from}, {to})");
                }
            }

            // Every combination of direct and via-hour ends, with the whole hours read as such or through their day, adds up
            // to one inside the range, nothing outside.
            for (var choice = 0; choice < 1 << (edges.Count + whole.Count); choice++)
            {
                var slices = new List<CampaignSlice>();
                for (var w = 0; w < whole.Count; w++)
                {
                    slices.AddRange((choice >> (edges.Count + w) & 1) == 1 && CampaignRange.InDay(whole[w]) is { } inDay ? [inDay.Day, .. inDay.Outside] : [whole[w]]);
                }

                for (var k = 0; k < edges.Count; k++)
                {
                    slices.AddRange((choice >> k & 1) == 1 ? [edges[k].Hour, .. edges[k].Outside] : [edges[k].Inside]);
                }

                var points = slices.SelectMany(s => new[] { s.From - 1, s.From, s.To - 1, s.To }).Concat([from - 1, from, to - 1, to]);
                foreach (var p in points)
                {
                    var covered = slices.Where(s => s.From <= p && p < s.To).Sum(s => s.Sign);
                    Assert.True(covered == (from <= p && p < to ? 1 : 0), $"[{from}, {to}) choice {choice}: {p} covered {covered} times by {string.Join(", ", slices)}");
                }
            }
        }
    }

    [Fact]
    public void Key_Order_Is_The_Order_SQLite_Groups_Keys_In()
    {
        var random = new Random(11);
        string? Text(params string?[] options) => options[random.Next(options.Length)];
        var keys = Enumerable.Range(0, 400).Select(_ => (
            Trigger: random.Next(4) == 0 ? (long?)null : random.Next(1, 6),
            Ref: Text(null, "a", "A", "ab", "Ab", "a_b", "A_B", "a-b", "aZ", "az", "a=1", "B", "b", "_x", "Zz"),
            Ad: Text(null, null, "1", "12", "2", "ad_9", "Ad"))).ToList();

        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE k (Id INTEGER PRIMARY KEY, TriggerId INTEGER, Ref TEXT COLLATE NOCASE, AdId TEXT)";
            create.ExecuteNonQuery();
        }

        foreach (var (trigger, @ref, ad) in keys)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO k (TriggerId, Ref, AdId) VALUES ($t, $r, $a)";
            insert.Parameters.AddWithValue("$t", (object?)trigger ?? DBNull.Value);
            insert.Parameters.AddWithValue("$r", (object?)@ref ?? DBNull.Value);
            insert.Parameters.AddWithValue("$a", (object?)ad ?? DBNull.Value);
            insert.ExecuteNonQuery();
        }

        var sqlite = new List<string>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT TriggerId, MIN(Ref), AdId FROM k GROUP BY TriggerId, Ref, AdId";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                sqlite.Add($"{(reader.IsDBNull(0) ? "-" : reader.GetInt64(0))}|{(reader.IsDBNull(1) ? "-" : reader.GetString(1).ToLowerInvariant())}|{(reader.IsDBNull(2) ? "-" : reader.GetString(2))}");
            }
        }

        var ordered = keys
            .DistinctBy(k => (k.Trigger, k.Ref?.ToLowerInvariant(), k.Ad))
            .Order(Comparer<(long? Trigger, string? Ref, string? Ad)>.Create((x, y) => CampaignKeyOrder.Compare(x.Trigger, x.Ref, x.Ad, y.Trigger, y.Ref, y.Ad)))
            .Select(k => $"{(k.Trigger is null ? "-" : k.Trigger)}|{k.Ref?.ToLowerInvariant() ?? "-"}|{k.Ad ?? "-"}")
            .ToList();
        Assert.Equal(sqlite, ordered);
    }
}
