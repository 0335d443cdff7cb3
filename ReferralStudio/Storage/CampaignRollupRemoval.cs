using Microsoft.EntityFrameworkCore;
using ReferralStudio.Conversions;
using ReferralStudio.Data;

namespace ReferralStudio.Storage;

/// <summary>
/// Takes what some conversations contributed out of the campaign rollups, in the deleting transaction and before their
/// rows go, so the rollups equal a rebuild without them. Used by erasure and by clearing demo data; one per engine.
/// </summary>
public interface ICampaignRollupRemoval
{
    /// <summary>Call it in the deleting transaction; <paramref name="conversationIds"/> is a SQL subquery or list of ids, in parentheses.</summary>
    Task RemoveConversationsAsync(AppDbContext db, string conversationIds, CancellationToken cancellationToken);
}

/// <summary>SQLite: <see cref="CampaignRollup.RemoveConversationsAsync"/>.</summary>
public sealed class SqliteCampaignRollupRemoval : ICampaignRollupRemoval
{
    public Task RemoveConversationsAsync(AppDbContext db, string conversationIds, CancellationToken cancellationToken) =>
        CampaignRollup.RemoveConversationsAsync(db, conversationIds, cancellationToken);
}

/// <summary>
/// PostgreSQL: the same subtraction as <see cref="CampaignRollup.RemoveConversationsAsync"/> in PostgreSQL's dialect
/// (<c>IS NOT DISTINCT FROM</c> for keys with NULL parts, refs compared through <c>lower(...)</c> like the unique key
/// index, derived tables named, booleans counted through <c>CASE</c>, upsert columns qualified). Once the rollup's own SQL
/// runs on both engines, this becomes a call to it.
/// </summary>
public sealed class PostgresCampaignRollupRemoval : ICampaignRollupRemoval
{
    public Task RemoveConversationsAsync(AppDbContext db, string conversationIds, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(Sql(conversationIds), cancellationToken);

    internal static string Sql(string conversationIds)
    {
        var statements = new List<string>();
        foreach (var (table, size) in new[] { ("CampaignHours", CampaignRollup.HourMs), ("CampaignDays", CampaignRollup.DayMs) })
        {
            statements.Add($"""
                INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value)
                SELECT g.Model, g.Start, k.Id, -g.Conversations, -g.Converted, -g.Conversions, -g.Value
                FROM (SELECT Model, Start, TriggerId, Ref, AdId, SUM(Conversations) AS Conversations, SUM(Converted) AS Converted,
                             SUM(Conversions) AS Conversions, SUM(Value) AS Value
                      FROM ({Contributions(size, conversationIds)}) AS c
                      GROUP BY Model, Start, TriggerId, Ref, AdId) AS g
                JOIN CampaignKeys k ON k.TriggerId IS NOT DISTINCT FROM g.TriggerId AND lower(k.Ref) IS NOT DISTINCT FROM g.Ref AND k.AdId IS NOT DISTINCT FROM g.AdId
                ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Conversations = {table}.Conversations + excluded.Conversations,
                    Converted = {table}.Converted + excluded.Converted, Conversions = {table}.Conversions + excluded.Conversions,
                    Value = {table}.Value + excluded.Value;
                DELETE FROM {table} WHERE Conversations = 0 AND Converted = 0 AND Conversions = 0;
                UPDATE {table} SET Value = 0 WHERE Conversions = 0 AND Value <> 0;
                """);
        }

        statements.Add($"""
            INSERT INTO TouchQuarters (Start, TriggerId, Touches)
            SELECT {CampaignRollup.BucketSql("OccurredAt", CampaignRollup.QuarterMs)}, COALESCE(TriggerId, {CampaignRollup.NoTrigger}), -COUNT(*)
            FROM ReferralTouches WHERE IsCampaignTouch AND ConversationId IN {conversationIds}
            GROUP BY 1, 2
            ON CONFLICT (Start, TriggerId) DO UPDATE SET Touches = TouchQuarters.Touches + excluded.Touches;
            DELETE FROM TouchQuarters WHERE Touches = 0;
            """);
        return string.Join("\n", statements);
    }

    /// <summary>One row per conversation and model and per conversion and model, as in the rollup's own SQL.</summary>
    private static string Contributions(long size, string conversationIds)
    {
        var parts = new List<string>();
        foreach (var model in new[] { AttributionModel.First, AttributionModel.Last })
        {
            var (conversationTouch, conversionTouch) = CampaignRollup.Columns(model);
            parts.Add($"""
                SELECT {(int)model} AS Model, {CampaignRollup.BucketSql("t.OccurredAt", size)} AS Start, t.TriggerId, lower(t.Ref) AS Ref, t.AdId,
                       1 AS Conversations, CASE WHEN EXISTS (SELECT 1 FROM Conversions x WHERE x.{conversionTouch} = t.Id) THEN 1 ELSE 0 END AS Converted,
                       0 AS Conversions, CAST(0 AS double precision) AS Value
                FROM Conversations c JOIN ReferralTouches t ON t.Id = c.{conversationTouch} WHERE c.Id IN {conversationIds}
                """);
            parts.Add($"""
                SELECT {(int)model}, {CampaignRollup.BucketSql("v.OccurredAt", size)}, t.TriggerId, lower(t.Ref), t.AdId, 0, 0, 1, COALESCE(v.Value, 0)
                FROM Conversions v JOIN ReferralTouches t ON t.Id = v.{conversionTouch} WHERE v.ConversationId IN {conversationIds}
                """);
        }

        return string.Join("\nUNION ALL\n", parts);
    }
}
