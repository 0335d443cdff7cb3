using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Referrals;

namespace ReferralStudio.Insight;

public sealed record DailyCount(DateTime Day, string Series, int Count);

public sealed record OverviewStats(int Today, int Last7Days, int Last30Days, int InRange, int Converted, IReadOnlyList<(string Name, int Count)> TopCampaigns, IReadOnlyList<(string Name, int Count)> TopAffiliates);

/// <summary>Aggregates for the overview and campaign pages, each one grouped query on indexed columns.</summary>
public static class InsightQueries
{
    private const long DayMs = 86_400_000;

    // Built once from the shared campaign-name rule (column names only; the range goes in as parameters).
    private static readonly string TopCampaignsSql = $"""
        SELECT {CampaignNames.Sql("tr.Name", "t.Ref", "t.AdId")} AS Name, COUNT(*) AS Count
        FROM Conversations c JOIN ReferralTouches t ON t.Id = c.FirstReferralId LEFT JOIN Triggers tr ON tr.Id = t.TriggerId
        WHERE c.FirstReferralAt >= $since AND c.FirstReferralAt < $until
        GROUP BY 1 ORDER BY Count DESC LIMIT 8
        """;

    /// <summary>Campaign touches per UTC day, per trigger (untriggered touches count as "other").</summary>
    public static async Task<List<DailyCount>> TouchesPerDayAsync(AppDbContext db, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<DayRow>("""
            SELECT t.OccurredAt / 86400000 AS Day, COALESCE(tr.Name, 'other') AS Series, COUNT(*) AS Count
            FROM ReferralTouches t LEFT JOIN Triggers tr ON tr.Id = t.TriggerId
            WHERE t.IsCampaignTouch = 1 AND t.OccurredAt >= $since AND t.OccurredAt < $until
            GROUP BY Day, t.TriggerId
            """, Range(since, until)).ToListAsync(cancellationToken);
        return rows.ConvertAll(r => r.ToDailyCount());
    }

    /// <summary>Conversations whose first campaign touch fell on each UTC day.</summary>
    public static async Task<List<DailyCount>> AttributedPerDayAsync(AppDbContext db, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<DayRow>("""
            SELECT FirstReferralAt / 86400000 AS Day, 'attributed' AS Series, COUNT(*) AS Count FROM Conversations
            WHERE FirstReferralAt >= $since AND FirstReferralAt < $until GROUP BY Day ORDER BY Day
            """, Range(since, until)).ToListAsync(cancellationToken);
        return rows.ConvertAll(r => r.ToDailyCount());
    }

    public static async Task<OverviewStats> OverviewAsync(AppDbContext db, DateTimeOffset now, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var attributed = db.Conversations.AsNoTracking().Where(c => c.FirstReferralId != null);
        var todayCount = await attributed.CountAsync(c => c.FirstReferralAt >= today, cancellationToken);
        var week = await attributed.CountAsync(c => c.FirstReferralAt >= now.AddDays(-7), cancellationToken);
        var month = await attributed.CountAsync(c => c.FirstReferralAt >= now.AddDays(-30), cancellationToken);
        var inRange = await attributed.CountAsync(c => c.FirstReferralAt >= since && c.FirstReferralAt < until, cancellationToken);
        var converted = await attributed
            .Where(c => c.FirstReferralAt >= since && c.FirstReferralAt < until)
            .CountAsync(c => db.Conversions.Any(v => v.ConversationId == c.Id), cancellationToken);

        var campaigns = await db.Database.SqlQueryRaw<NamedCount>(TopCampaignsSql, Range(since, until)).ToListAsync(cancellationToken);
        var affiliates = await db.Database.SqlQueryRaw<NamedCount>("""
            SELECT substr(Label, 11) AS Name, COUNT(*) AS Count FROM ConversationTags
            WHERE Label LIKE 'affiliate:%' AND AddedAt >= $since AND AddedAt < $until
            GROUP BY Label ORDER BY Count DESC LIMIT 8
            """, Range(since, until)).ToListAsync(cancellationToken);

        return new OverviewStats(todayCount, week, month, inRange, converted,
            campaigns.ConvertAll(c => (c.Name, c.Count)), affiliates.ConvertAll(a => (a.Name, a.Count)));
    }

    private static object[] Range(DateTimeOffset since, DateTimeOffset until) =>
        [new SqliteParameter("$since", UnixMs.From(since)), new SqliteParameter("$until", UnixMs.From(until))];

    private sealed record DayRow(long Day, string Series, int Count)
    {
        public DailyCount ToDailyCount() => new(DateTimeOffset.FromUnixTimeMilliseconds(Day * DayMs).UtcDateTime, Series, Count);
    }

    private sealed record NamedCount(string Name, int Count);
}
