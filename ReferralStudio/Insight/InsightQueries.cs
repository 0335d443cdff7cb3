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

    /// <summary>Campaign touches per UTC day, per trigger (untriggered touches count as "other").</summary>
    public static async Task<List<DailyCount>> TouchesPerDayAsync(AppDbContext db, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT t.OccurredAt / 86400000 AS Day, COALESCE(tr.Name, 'other'), COUNT(*)
            FROM ReferralTouches t LEFT JOIN Triggers tr ON tr.Id = t.TriggerId
            WHERE t.IsCampaignTouch = 1 AND t.OccurredAt >= $since AND t.OccurredAt < $until
            GROUP BY Day, t.TriggerId
            """;
        var rows = new List<DailyCount>();
        await foreach (var r in QueryAsync(db, sql, [("$since", UnixMs.From(since)), ("$until", UnixMs.From(until))], cancellationToken))
        {
            rows.Add(new DailyCount(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0) * DayMs).UtcDateTime, r.GetString(1), r.GetInt32(2)));
        }

        return rows;
    }

    /// <summary>Conversations whose first campaign touch fell on each UTC day.</summary>
    public static async Task<List<DailyCount>> AttributedPerDayAsync(AppDbContext db, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT FirstReferralAt / 86400000 AS Day, COUNT(*) FROM Conversations
            WHERE FirstReferralAt >= $since AND FirstReferralAt < $until GROUP BY Day ORDER BY Day
            """;
        var rows = new List<DailyCount>();
        await foreach (var r in QueryAsync(db, sql, [("$since", UnixMs.From(since)), ("$until", UnixMs.From(until))], cancellationToken))
        {
            rows.Add(new DailyCount(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0) * DayMs).UtcDateTime, "attributed", r.GetInt32(1)));
        }

        return rows;
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

        var campaigns = new List<(string, int)>();
        await foreach (var r in QueryAsync(db, $"""
                SELECT {CampaignNames.Sql("tr.Name", "t.Ref", "t.AdId")}, COUNT(*) AS n
                FROM Conversations c JOIN ReferralTouches t ON t.Id = c.FirstReferralId LEFT JOIN Triggers tr ON tr.Id = t.TriggerId
                WHERE c.FirstReferralAt >= $since AND c.FirstReferralAt < $until
                GROUP BY 1 ORDER BY n DESC LIMIT 8
                """, [("$since", UnixMs.From(since)), ("$until", UnixMs.From(until))], cancellationToken))
        {
            campaigns.Add((r.GetString(0), r.GetInt32(1)));
        }

        var affiliates = new List<(string, int)>();
        await foreach (var r in QueryAsync(db, """
                SELECT substr(Label, 11), COUNT(*) AS n FROM ConversationTags
                WHERE Label LIKE 'affiliate:%' AND AddedAt >= $since AND AddedAt < $until
                GROUP BY Label ORDER BY n DESC LIMIT 8
                """, [("$since", UnixMs.From(since)), ("$until", UnixMs.From(until))], cancellationToken))
        {
            affiliates.Add((r.GetString(0), r.GetInt32(1)));
        }

        return new OverviewStats(todayCount, week, month, inRange, converted, campaigns, affiliates);
    }

    private static async IAsyncEnumerable<System.Data.Common.DbDataReader> QueryAsync(
        AppDbContext db, string sql, (string Name, object Value)[] parameters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader;
        }
    }
}
