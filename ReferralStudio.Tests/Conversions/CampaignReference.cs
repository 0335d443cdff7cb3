using Microsoft.EntityFrameworkCore;
using ReferralStudio.Conversions;
using ReferralStudio.Data;

namespace ReferralStudio.Tests.Conversions;

/// <summary>
/// The campaign analytics query as it was before the rollup, kept as the reference: it groups one row per
/// conversation straight from the base tables, and counts the campaign touches without an ad in the range per key the
/// same way (the funnel's middle step, added with it; none on an ad's row). <see cref="CampaignReport"/> must return the same rows.
/// On PostgreSQL the same query in its terms (<see cref="PostgresSql"/>).
/// </summary>
public static class CampaignReference
{
    public static async Task<CampaignReportDto> RunAsync(AppDbContext db, bool firstTouch, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        // Both models share one query shape; only the column naming the credited touch differs.
        var conversationTouch = firstTouch ? "c.FirstReferralId" : "c.LatestReferralId";
        var conversionTouch = firstTouch ? "v.FirstTouchId" : "v.LastTouchId";
        var sql = $"""
            WITH cohort AS (
                SELECT t.Id AS TouchId, t.TriggerId, t.Ref, t.AdId
                FROM Conversations c JOIN ReferralTouches t ON t.Id = {conversationTouch}
                WHERE t.OccurredAt >= $since AND t.OccurredAt < $until
            ),
            credited AS (
                SELECT t.TriggerId, t.Ref, t.AdId, COUNT(*) AS Conversions, COALESCE(SUM(v.Value), 0) AS Value
                FROM Conversions v JOIN ReferralTouches t ON t.Id = {conversionTouch}
                WHERE v.OccurredAt >= $since AND v.OccurredAt < $until
                GROUP BY t.TriggerId, t.Ref, t.AdId
            ),
            people AS (
                SELECT k.TriggerId, k.Ref, k.AdId, COUNT(*) AS Conversations,
                       SUM(EXISTS (SELECT 1 FROM Conversions v WHERE {conversionTouch} = k.TouchId)) AS Converted
                FROM cohort k GROUP BY k.TriggerId, k.Ref, k.AdId
            ),
            touched AS (
                SELECT t.TriggerId, t.Ref, t.AdId, COUNT(*) AS Touches
                FROM ReferralTouches t
                WHERE t.IsCampaignTouch = 1 AND t.AdId IS NULL AND t.OccurredAt >= $since AND t.OccurredAt < $until
                GROUP BY t.TriggerId, t.Ref, t.AdId
            )
            SELECT p.TriggerId, tr.Name, p.Ref, p.AdId, p.Conversations, p.Converted,
                   COALESCE(cr.Conversions, 0), COALESCE(cr.Value, 0), COALESCE(tc.Touches, 0)
            FROM people p
            LEFT JOIN credited cr ON cr.TriggerId IS p.TriggerId AND cr.Ref IS p.Ref AND cr.AdId IS p.AdId
            LEFT JOIN touched tc ON tc.TriggerId IS p.TriggerId AND tc.Ref IS p.Ref AND tc.AdId IS p.AdId
            LEFT JOIN Triggers tr ON tr.Id = p.TriggerId
            UNION ALL
            SELECT cr.TriggerId, tr.Name, cr.Ref, cr.AdId, 0, 0, cr.Conversions, cr.Value, COALESCE(tc.Touches, 0)
            FROM credited cr LEFT JOIN Triggers tr ON tr.Id = cr.TriggerId
            LEFT JOIN touched tc ON tc.TriggerId IS cr.TriggerId AND tc.Ref IS cr.Ref AND tc.AdId IS cr.AdId
            WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.TriggerId IS cr.TriggerId AND p.Ref IS cr.Ref AND p.AdId IS cr.AdId)
            UNION ALL
            SELECT tc.TriggerId, tr.Name, tc.Ref, tc.AdId, 0, 0, 0, 0, tc.Touches
            FROM touched tc LEFT JOIN Triggers tr ON tr.Id = tc.TriggerId
            WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.TriggerId IS tc.TriggerId AND p.Ref IS tc.Ref AND p.AdId IS tc.AdId)
              AND NOT EXISTS (SELECT 1 FROM credited cr WHERE cr.TriggerId IS tc.TriggerId AND cr.Ref IS tc.Ref AND cr.AdId IS tc.AdId)
            """;

        var postgres = db.IsPostgres();
        if (postgres)
        {
            sql = PostgresSql(conversationTouch, conversionTouch);
        }

        var rows = new List<CampaignRowDto>();
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            command.AddParameter("$since", UnixMs.From(since ?? DateTimeOffset.MinValue.AddYears(1)));
            command.AddParameter("$until", UnixMs.From(until ?? DateTimeOffset.MaxValue.AddYears(-1)));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var conversations = reader.GetInt32(4);
                var converted = reader.GetInt32(5);
                rows.Add(new CampaignRowDto(
                    reader.IsDBNull(0) ? null : reader.GetInt64(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    conversations,
                    converted,
                    reader.GetInt32(6),
                    reader.GetDouble(7),
                    conversations == 0 ? 0 : (double)converted / conversations,
                    Scans: 0,
                    Touches: reader.IsDBNull(3) ? reader.GetInt32(8) : null,
                    ConversationsPerScan: null));
            }
        }

        var byTrigger = rows
            .GroupBy(r => r.TriggerId)
            .Select(g => Sum(g.Key, g.First().TriggerName, g))
            .OrderByDescending(r => r.Conversations).ThenByDescending(r => r.Conversions)
            .ToList();
        var byRef = rows.OrderByDescending(r => r.Conversations).ThenByDescending(r => r.Conversions).ToList();
        return new CampaignReportDto(firstTouch ? "first" : "last", since, until, byTrigger, byRef);
    }

    private static CampaignRowDto Sum(long? triggerId, string? name, IEnumerable<CampaignRowDto> rows)
    {
        int conversations = 0, converted = 0, conversions = 0, touches = 0;
        double value = 0;
        foreach (var r in rows)
        {
            conversations += r.Conversations;
            converted += r.ConvertedConversations;
            conversions += r.Conversions;
            value += r.ConversionValue;
            touches += r.Touches ?? 0;
        }

        return new CampaignRowDto(triggerId, name, null, null, conversations, converted, conversions, value,
            conversations == 0 ? 0 : (double)converted / conversations, Scans: 0, Touches: touches, ConversationsPerScan: null);
    }

    /// <summary>
    /// The reference on PostgreSQL: a ref grouped as lower(ref) (SQLite's NOCASE), NULLs matched with IS NOT DISTINCT
    /// FROM, counts as integers, and each part ordered as SQLite's GROUP BY lists it (NULLs first, the ref folded, by bytes).
    /// </summary>
    private static string PostgresSql(string conversationTouch, string conversionTouch) => $"""
        WITH cohort AS (
            SELECT t.Id AS TouchId, t.TriggerId, lower(t.Ref) AS Ref, t.AdId
            FROM Conversations c JOIN ReferralTouches t ON t.Id = {conversationTouch}
            WHERE t.OccurredAt >= @since AND t.OccurredAt < @until
        ),
        credited AS (
            SELECT t.TriggerId, lower(t.Ref) AS Ref, t.AdId, COUNT(*)::int AS Conversions, COALESCE(SUM(v.Value), 0)::double precision AS Value
            FROM Conversions v JOIN ReferralTouches t ON t.Id = {conversionTouch}
            WHERE v.OccurredAt >= @since AND v.OccurredAt < @until
            GROUP BY t.TriggerId, lower(t.Ref), t.AdId
        ),
        people AS (
            SELECT k.TriggerId, k.Ref, k.AdId, COUNT(*)::int AS Conversations,
                   SUM(CAST(EXISTS (SELECT 1 FROM Conversions v WHERE {conversionTouch} = k.TouchId) AS integer))::int AS Converted
            FROM cohort k GROUP BY k.TriggerId, k.Ref, k.AdId
        ),
        touched AS (
            SELECT t.TriggerId, lower(t.Ref) AS Ref, t.AdId, COUNT(*)::int AS Touches
            FROM ReferralTouches t
            WHERE t.IsCampaignTouch AND t.AdId IS NULL AND t.OccurredAt >= @since AND t.OccurredAt < @until
            GROUP BY t.TriggerId, lower(t.Ref), t.AdId
        )
        SELECT TriggerId, Name, Ref, AdId, Conversations, Converted, Conversions, Value, Touches FROM (
            SELECT 0 AS Part, p.TriggerId, tr.Name, p.Ref, p.AdId, p.Conversations, p.Converted,
                   COALESCE(cr.Conversions, 0) AS Conversions, COALESCE(cr.Value, 0) AS Value, COALESCE(tc.Touches, 0) AS Touches
            FROM people p
            LEFT JOIN credited cr ON cr.TriggerId IS NOT DISTINCT FROM p.TriggerId AND cr.Ref IS NOT DISTINCT FROM p.Ref AND cr.AdId IS NOT DISTINCT FROM p.AdId
            LEFT JOIN touched tc ON tc.TriggerId IS NOT DISTINCT FROM p.TriggerId AND tc.Ref IS NOT DISTINCT FROM p.Ref AND tc.AdId IS NOT DISTINCT FROM p.AdId
            LEFT JOIN Triggers tr ON tr.Id = p.TriggerId
            UNION ALL
            SELECT 1, cr.TriggerId, tr.Name, cr.Ref, cr.AdId, 0, 0, cr.Conversions, cr.Value, COALESCE(tc.Touches, 0)
            FROM credited cr LEFT JOIN Triggers tr ON tr.Id = cr.TriggerId
            LEFT JOIN touched tc ON tc.TriggerId IS NOT DISTINCT FROM cr.TriggerId AND tc.Ref IS NOT DISTINCT FROM cr.Ref AND tc.AdId IS NOT DISTINCT FROM cr.AdId
            WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.TriggerId IS NOT DISTINCT FROM cr.TriggerId AND p.Ref IS NOT DISTINCT FROM cr.Ref AND p.AdId IS NOT DISTINCT FROM cr.AdId)
            UNION ALL
            SELECT 2, tc.TriggerId, tr.Name, tc.Ref, tc.AdId, 0, 0, 0, 0, tc.Touches
            FROM touched tc LEFT JOIN Triggers tr ON tr.Id = tc.TriggerId
            WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.TriggerId IS NOT DISTINCT FROM tc.TriggerId AND p.Ref IS NOT DISTINCT FROM tc.Ref AND p.AdId IS NOT DISTINCT FROM tc.AdId)
              AND NOT EXISTS (SELECT 1 FROM credited cr WHERE cr.TriggerId IS NOT DISTINCT FROM tc.TriggerId AND cr.Ref IS NOT DISTINCT FROM tc.Ref AND cr.AdId IS NOT DISTINCT FROM tc.AdId)
        ) AS rows
        ORDER BY Part, TriggerId NULLS FIRST, Ref COLLATE "C" NULLS FIRST, AdId COLLATE "C" NULLS FIRST
        """;
}
