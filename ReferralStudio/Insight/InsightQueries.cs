using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;
using SQLitePCL;

namespace ReferralStudio.Insight;

public sealed record DailyCount(DateTime Day, string Series, int Count);

/// <summary>One day of a per-day chart in the business's time zone; <paramref name="Partial"/> marks today, which is still running.</summary>
public sealed record DayCount(DateOnly Day, int Count, bool Partial);

/// <summary>The overview's figures; its top campaigns, with what the feed filters them by, are <see cref="OverviewLists"/>'s.</summary>
public sealed record OverviewStats(int Today, int Last7Days, int Last30Days, int InRange, int Converted, IReadOnlyList<(string Name, int Count)> TopAffiliates);

/// <summary>Aggregates for the overview and campaign pages, each one grouped query on indexed columns.</summary>
public static class InsightQueries
{
    /// <summary>
    /// Conversations whose first campaign touch fell on each day from <paramref name="first"/> to <paramref name="last"/>
    /// in the business's time zone: one entry per day, oldest first, 0 for a day without any, today marked partial.
    /// </summary>
    public static async Task<List<DayCount>> AttributedPerDayAsync(AppDbContext db, BusinessDay days, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var windows = days.Windows(first, last).ToList();
        if (windows.Count == 0)
        {
            return [];
        }

        // One range of the (FirstReferralAt, FirstReferralId) index counted per day: a zone's days do not start at
        // multiples of 86,400,000 ms and last 23 or 25 hours when clocks change, and grouping every conversation by
        // its slice of a day sorted them all in a temporary b-tree first. PostgreSQL gets the windows as two arrays.
        var counts = await (db.IsPostgres()
            ? db.Database.SqlQueryRaw<DayIndexCount>("""
                SELECT (d.i - 1)::int AS "DayIndex", (SELECT COUNT(*)::int FROM conversations
                    WHERE firstreferralat >= d.since AND firstreferralat < d.until AND firstreferralid IS NOT NULL) AS "Count"
                FROM unnest(@since, @until) WITH ORDINALITY AS d(since, until, i)
                """,
                db.Parameter("$since", windows.ConvertAll(w => UnixMs.From(w.Start)).ToArray()),
                db.Parameter("$until", windows.ConvertAll(w => UnixMs.From(w.End)).ToArray()))
            : db.Database.SqlQueryRaw<DayIndexCount>("""
            SELECT d.key AS DayIndex, (SELECT COUNT(*) FROM Conversations
                WHERE FirstReferralAt >= d.value ->> 0 AND FirstReferralAt < d.value ->> 1 AND FirstReferralId IS NOT NULL) AS Count
            FROM json_each($windows) d
            """, new SqliteParameter("$windows", Bounds(windows)))).ToDictionaryAsync(r => r.DayIndex, r => r.Count, cancellationToken);
        var today = days.Today;
        return windows.Select((w, i) => new DayCount(w.Day, counts.GetValueOrDefault(i), w.Day == today)).ToList();
    }

    /// <summary>
    /// Campaign touches per day from <paramref name="first"/> to <paramref name="last"/> in the business's time zone, per
    /// trigger (untriggered touches as "other"); a day without touches has no rows. Read from the touches per quarter
    /// hour (<see cref="TouchQuarter"/>): one range of the table's key, in key order, each quarter summed into the day
    /// whose window holds it here rather than grouped by SQLite through a temporary b-tree; triggers are named per sum.
    /// </summary>
    public static async Task<List<DailyCount>> TouchesPerDayAsync(AppDbContext db, BusinessDay days, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var windows = days.Windows(first, last).Select(w => (w.Day, Start: UnixMs.From(w.Start), End: UnixMs.From(w.End))).ToList();
        if (windows.Count == 0)
        {
            return [];
        }

        var perTrigger = db.IsPostgres()
            ? await QuartersAsync((NpgsqlConnection)db.Database.GetDbConnection(), db, windows, cancellationToken)
            : Quarters(await SqliteRaw.OpenConnectionAsync(db, cancellationToken), windows);

        var names = await db.Triggers.Select(t => new { t.Id, t.Name }).ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var rows = new List<DailyCount>();
        foreach (var series in perTrigger.GroupBy(t => names.GetValueOrDefault(t.Key) ?? "other", t => t.Value))
        {
            for (var i = 0; i < windows.Count; i++)
            {
                var count = series.Sum(counts => counts[i]);
                if (count > 0)
                {
                    rows.Add(new DailyCount(windows[i].Day.ToDateTime(TimeOnly.MinValue), series.Key, count));
                }
            }
        }

        rows.Sort((a, b) => a.Day != b.Day ? a.Day.CompareTo(b.Day) : string.CompareOrdinal(a.Series, b.Series));
        return rows;
    }

    /// <summary>The touches per trigger and day window, from the quarters from the first window's start to the last's end.</summary>
    private static Dictionary<long, int[]> Quarters(SqliteConnection connection, List<(DateOnly Day, long Start, long End)> windows)
    {
        var perTrigger = new Dictionary<long, int[]>();
        // Stepped through SQLite's C API: 110,000 rows a month, and each call through ADO.NET costs more than the sum.
        var handle = connection.Handle!;
        SqliteRaw.Check(handle, raw.sqlite3_prepare_v2(handle, "SELECT Start, TriggerId, Touches FROM TouchQuarters WHERE Start >= ?1 AND Start < ?2", out var statement));
        using (statement)
        {
            SqliteRaw.Check(handle, raw.sqlite3_bind_int64(statement, 1, windows[0].Start));
            SqliteRaw.Check(handle, raw.sqlite3_bind_int64(statement, 2, windows[^1].End));
            var day = 0;
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                // Rows come by Start; windows are consecutive, so the day only ever moves forward.
                var start = raw.sqlite3_column_int64(statement, 0);
                while (start >= windows[day].End)
                {
                    day++;
                }

                var trigger = raw.sqlite3_column_int64(statement, 1);
                if (!perTrigger.TryGetValue(trigger, out var counts))
                {
                    perTrigger[trigger] = counts = new int[windows.Count];
                }

                counts[day] += raw.sqlite3_column_int(statement, 2);
            }

            SqliteRaw.Check(handle, rc);
        }

        return perTrigger;
    }

    /// <summary>
    /// The same on PostgreSQL, through Npgsql's reader in no particular order, so the planner may read the table's pages in
    /// order: the key's order comes from the primary key's index, a table page per row (quarters are written in no time
    /// order). Each quarter's day is found by its window's end instead.
    /// </summary>
    private static async Task<Dictionary<long, int[]>> QuartersAsync(
        NpgsqlConnection connection, AppDbContext db, List<(DateOnly Day, long Start, long End)> windows, CancellationToken cancellationToken)
    {
        var perTrigger = new Dictionary<long, int[]>();
        var ends = windows.ConvertAll(w => w.End).ToArray();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT start, triggerid, touches FROM touchquarters WHERE start >= $1 AND start < $2", connection);
            command.Parameters.Add(new() { Value = windows[0].Start });
            command.Parameters.Add(new() { Value = windows[^1].End });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // Windows are consecutive: a quarter is in the first window ending after it starts.
                var day = Array.BinarySearch(ends, reader.GetInt64(0));
                day = day < 0 ? ~day : day + 1;
                var trigger = reader.GetInt64(1);
                if (!perTrigger.TryGetValue(trigger, out var counts))
                {
                    perTrigger[trigger] = counts = new int[windows.Count];
                }

                counts[day] += reader.GetInt32(2);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return perTrigger;
    }

    /// <summary>The days' windows as a JSON array of [start, end) in Unix milliseconds, for <c>json_each</c>.</summary>
    private static string Bounds(List<DayWindow> windows) =>
        JsonSerializer.Serialize(windows.ConvertAll(w => new[] { UnixMs.From(w.Start), UnixMs.From(w.End) }));

    /// <summary>What the overview's "today" counts, in words.</summary>
    public static string DescribeToday(BusinessDay days) => days.Describe("Conversations attributed");

    /// <summary>
    /// The overview's figures: attributed today (<see cref="DescribeToday"/>), in the last 7 and 30 days (rolling, up to
    /// now), and for the days <paramref name="first"/> to <paramref name="last"/> in the business's time zone.
    /// </summary>
    public static async Task<OverviewStats> OverviewAsync(AppDbContext db, BusinessDay days, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var now = days.Now;
        var today = days.TodayWindow;
        var (since, until) = (days.Window(first).Start, days.Window(last).End);
        var attributed = db.Conversations.AsNoTracking().Where(c => c.FirstReferralId != null);
        var todayCount = await attributed.CountAsync(c => c.FirstReferralAt >= today.Start && c.FirstReferralAt < today.End, cancellationToken);
        var week = await attributed.CountAsync(c => c.FirstReferralAt >= now.AddDays(-7), cancellationToken);
        var month = await attributed.CountAsync(c => c.FirstReferralAt >= now.AddDays(-30), cancellationToken);
        var inRange = await attributed.CountAsync(c => c.FirstReferralAt >= since && c.FirstReferralAt < until, cancellationToken);
        // Driven from the conversions (far fewer than conversations) rather than a lookup per conversation in range.
        var converted = await attributed
            .Where(c => c.FirstReferralAt >= since && c.FirstReferralAt < until)
            .CountAsync(c => db.Conversions.Select(v => v.ConversationId).Contains(c.Id), cancellationToken);

        // Labels compare ignoring case (NOCASE on SQLite, lower(label) on PostgreSQL).
        var affiliates = await db.Database.SqlQueryRaw<NamedCount>(db.IsPostgres()
            ? """
                SELECT substr(min(label), 11) AS "Name", COUNT(*)::int AS "Count" FROM conversationtags
                WHERE label ILIKE 'affiliate:%' AND addedat >= @since AND addedat < @until
                GROUP BY lower(label) ORDER BY 2 DESC LIMIT 8
                """
            : """
                SELECT substr(Label, 11) AS Name, COUNT(*) AS Count FROM ConversationTags
                WHERE Label LIKE 'affiliate:%' AND AddedAt >= $since AND AddedAt < $until
                GROUP BY Label ORDER BY Count DESC LIMIT 8
                """, Range(db, since, until)).ToListAsync(cancellationToken);

        return new OverviewStats(todayCount, week, month, inRange, converted, affiliates.ConvertAll(a => (a.Name, a.Count)));
    }

    private static object[] Range(AppDbContext db, DateTimeOffset since, DateTimeOffset until) =>
        [db.Parameter("$since", UnixMs.From(since)), db.Parameter("$until", UnixMs.From(until))];

    private sealed record DayIndexCount(int DayIndex, int Count);

    private sealed record NamedCount(string Name, int Count);
}
