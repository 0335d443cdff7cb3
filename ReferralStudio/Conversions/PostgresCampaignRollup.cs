using static ReferralStudio.Conversions.CampaignRollup;

namespace ReferralStudio.Conversions;

/// <summary>
/// <see cref="CampaignRollup"/>'s SQL on PostgreSQL: the same statements, written unquoted so the names fold to the
/// lower-case schema, with what SQLite does implicitly said out loud. A ref is grouped and matched as <c>lower(ref)</c>
/// (SQLite's column is NOCASE); an <c>EXISTS</c> counted is cast to an integer (it is a boolean here); a subquery in FROM
/// is named; an upsert's SET names its table's columns (unqualified they are ambiguous with <c>excluded</c>).
/// </summary>
internal static class PostgresCampaignRollup
{
    /// <summary>
    /// Two keys are the same when all three parts are, NULLs equal and the ref ignoring case: written as equalities
    /// (each NULL folded to a value no id or code takes, and its NULL-ness compared too) so a join over many keys can
    /// hash them; <c>IS NOT DISTINCT FROM</c> cannot, and would compare every pair. The COALESCEs are indexed on the keys
    /// (<c>ix_campaignkeys_samekey</c>), so a join from a few touches looks each key up instead. <paramref name="lowered"/>: the
    /// right side's ref is already <c>lower(...)</c>.
    /// </summary>
    internal static string SameKey(string k, string t, bool lowered = false)
    {
        var tRef = lowered ? $"{t}.Ref" : $"lower({t}.Ref)";
        return $"""
            COALESCE({k}.TriggerId, 0) = COALESCE({t}.TriggerId, 0) AND ({k}.TriggerId IS NULL) = ({t}.TriggerId IS NULL)
            AND COALESCE(lower({k}.Ref), '') = COALESCE({tRef}, '') AND ({k}.Ref IS NULL) = ({t}.Ref IS NULL)
            AND COALESCE({k}.AdId, '') = COALESCE({t}.AdId, '') AND ({k}.AdId IS NULL) = ({t}.AdId IS NULL)
            """;
    }

    private static string TouchQuartersFrom(string? conversations) => $"""
        SELECT {BucketSql("OccurredAt", QuarterMs)} AS Start, COALESCE(TriggerId, {NoTrigger}) AS TriggerId, COUNT(*) AS Touches
        FROM ReferralTouches WHERE IsCampaignTouch {(conversations is null ? "" : $"AND ConversationId IN {conversations}")}
        GROUP BY 1, 2
        """;

    private static string Contributions(long size, string? conversations)
    {
        var cohortFilter = conversations is null ? "" : $"WHERE c.Id IN {conversations}";
        var conversionFilter = conversations is null ? "" : $"WHERE v.ConversationId IN {conversations}";
        var touchFilter = conversations is null ? "" : $"AND t.ConversationId IN {conversations}";
        var parts = new List<string>();
        foreach (var model in new[] { AttributionModel.First, AttributionModel.Last })
        {
            var (conversationTouch, conversionTouch) = Columns(model);
            parts.Add($"""
                SELECT {(int)model} AS Model, {BucketSql("t.OccurredAt", size)} AS Start, t.TriggerId, lower(t.Ref) AS Ref, t.AdId,
                       1 AS Conversations, CAST(EXISTS (SELECT 1 FROM Conversions x WHERE x.{conversionTouch} = t.Id) AS integer) AS Converted,
                       0 AS Conversions, CAST(0 AS double precision) AS Value, 0 AS Touches
                FROM Conversations c JOIN ReferralTouches t ON t.Id = c.{conversationTouch} {cohortFilter}
                """);
            parts.Add($"""
                SELECT {(int)model}, {BucketSql("v.OccurredAt", size)}, t.TriggerId, lower(t.Ref), t.AdId, 0, 0, 1, COALESCE(v.Value, 0), 0
                FROM Conversions v JOIN ReferralTouches t ON t.Id = v.{conversionTouch} {conversionFilter}
                """);
            parts.Add($"""
                SELECT {(int)model}, {BucketSql("t.OccurredAt", size)}, t.TriggerId, lower(t.Ref), t.AdId, 0, 0, 0, 0, 1
                FROM ReferralTouches t WHERE t.IsCampaignTouch AND t.AdId IS NULL {touchFilter}
                """);
        }

        return string.Join("\nUNION ALL\n", parts);
    }

    private static string Grouped(long size, string? conversations) => $"""
        SELECT g.Model, g.Start, k.Id AS KeyId, g.Conversations, g.Converted, g.Conversions, g.Value, g.Touches
        FROM (SELECT Model, Start, TriggerId, Ref, AdId, SUM(Conversations) AS Conversations, SUM(Converted) AS Converted,
                     SUM(Conversions) AS Conversions, SUM(Value) AS Value, SUM(Touches) AS Touches
              FROM ({Contributions(size, conversations)}) AS c
              GROUP BY Model, Start, TriggerId, Ref, AdId) g
        JOIN CampaignKeys k ON {SameKey("k", "g", lowered: true)}
        """;

    /// <summary>One key per (trigger, ref ignoring case, ad), spelled as its oldest touch spells it.</summary>
    private static readonly string AddMissingKeys = $"""
        WITH credited (TouchId) AS (
            SELECT Id FROM ReferralTouches WHERE IsCampaignTouch AND AdId IS NULL
            UNION SELECT FirstReferralId FROM Conversations WHERE FirstReferralId IS NOT NULL
            UNION SELECT LatestReferralId FROM Conversations WHERE LatestReferralId IS NOT NULL
            UNION SELECT FirstTouchId FROM Conversions WHERE FirstTouchId IS NOT NULL
            UNION SELECT LastTouchId FROM Conversions WHERE LastTouchId IS NOT NULL)
        INSERT INTO CampaignKeys (TriggerId, Ref, AdId)
        SELECT DISTINCT ON (t.TriggerId, lower(t.Ref), t.AdId) t.TriggerId, t.Ref, t.AdId
        FROM credited c JOIN ReferralTouches t ON t.Id = c.TouchId
        WHERE NOT EXISTS (SELECT 1 FROM CampaignKeys k WHERE {SameKey("k", "t")})
        ORDER BY t.TriggerId, lower(t.Ref), t.AdId, t.Id;
        """;

    public static readonly string RebuildSql = $"""
        {AddMissingKeys}
        DELETE FROM CampaignHours;
        DELETE FROM CampaignDays;
        INSERT INTO CampaignHours (Model, Start, KeyId, Conversations, Converted, Conversions, Value, Touches)
        {Grouped(HourMs, null)};
        INSERT INTO CampaignDays (Model, Start, KeyId, Conversations, Converted, Conversions, Value, Touches)
        SELECT Model, {BucketSql("Start", DayMs)}, KeyId, SUM(Conversations), SUM(Converted), SUM(Conversions), SUM(Value), SUM(Touches)
        FROM CampaignHours GROUP BY Model, {BucketSql("Start", DayMs)}, KeyId;
        DELETE FROM TouchQuarters;
        INSERT INTO TouchQuarters (Start, TriggerId, Touches) {TouchQuartersFrom(null)};
        {ChangeAllBucketsSql}
        """;

    public static string RemoveConversationsSql(string conversationIds)
    {
        var statements = new List<string>();
        foreach (var (table, size) in new[] { ("CampaignHours", HourMs), ("CampaignDays", DayMs) })
        {
            statements.Add($"""
                INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value, Touches)
                SELECT Model, Start, KeyId, -Conversations, -Converted, -Conversions, -Value, -Touches FROM ({Grouped(size, conversationIds)}) AS r
                ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Conversations = {table}.Conversations + excluded.Conversations,
                    Converted = {table}.Converted + excluded.Converted, Conversions = {table}.Conversions + excluded.Conversions,
                    Value = {table}.Value + excluded.Value, Touches = {table}.Touches + excluded.Touches;
                DELETE FROM {table} WHERE Conversations = 0 AND Converted = 0 AND Conversions = 0 AND Touches = 0;
                UPDATE {table} SET Value = 0 WHERE Conversions = 0 AND Value <> 0;
                """);
        }

        statements.Add($"""
            INSERT INTO TouchQuarters (Start, TriggerId, Touches)
            SELECT Start, TriggerId, -Touches FROM ({TouchQuartersFrom(conversationIds)}) AS r
            ON CONFLICT (Start, TriggerId) DO UPDATE SET Touches = TouchQuarters.Touches + excluded.Touches;
            DELETE FROM TouchQuarters WHERE Touches = 0;
            """);
        statements.Add(ChangeAllBucketsSql);
        return string.Join("\n", statements);
    }

    /// <summary><see cref="CampaignRollup"/>'s version bumps of a conversion's hours and days (@first, @last).</summary>
    public static string ChangedBucketsOfConversionSql(long at) => $"""
        INSERT INTO CampaignVersions (Size, Start, Version)
        SELECT Size, Start, 1 FROM (
            SELECT {HourMs} AS Size, {BucketStart(at, HourMs)} AS Start
            UNION SELECT {DayMs}, {BucketStart(at, DayMs)}
            UNION SELECT {HourMs}, {BucketSql("t.OccurredAt", HourMs)} FROM ReferralTouches t WHERE t.Id IN (@first, @last)
            UNION SELECT {DayMs}, {BucketSql("t.OccurredAt", DayMs)} FROM ReferralTouches t WHERE t.Id IN (@first, @last)) AS buckets
        ORDER BY Size, Start
        ON CONFLICT (Size, Start) DO UPDATE SET Version = CampaignVersions.Version + 1
        """;

    /// <summary>
    /// <see cref="CampaignRollup.AddConversionAsync"/>'s statements for one model (@touch, @model, @value, @conversion).
    /// The key insert skips a key another transaction (the attribution processor) committed meanwhile.
    /// </summary>
    public static string AddConversionSql(AttributionModel model, long at)
    {
        var (conversationTouch, conversionTouch) = Columns(model);
        var sql = $"""
            INSERT INTO CampaignKeys (TriggerId, Ref, AdId)
            SELECT t.TriggerId, t.Ref, t.AdId FROM ReferralTouches t
            WHERE t.Id = @touch AND NOT EXISTS (SELECT 1 FROM CampaignKeys k WHERE {SameKey("k", "t")})
            ON CONFLICT DO NOTHING;
            """;
        foreach (var (table, size) in new[] { ("CampaignHours", HourMs), ("CampaignDays", DayMs) })
        {
            sql += $"""

                INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value)
                SELECT @model, {BucketStart(at, size)}, k.Id, 0, 0, 1, COALESCE(CAST(@value AS double precision), 0)
                FROM ReferralTouches t JOIN CampaignKeys k ON {SameKey("k", "t")} WHERE t.Id = @touch
                ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Conversions = {table}.Conversions + 1, Value = {table}.Value + excluded.Value;
                INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value)
                SELECT @model, {BucketSql("t.OccurredAt", size)}, k.Id, 0, 1, 0, 0
                FROM ReferralTouches t JOIN CampaignKeys k ON {SameKey("k", "t")}
                WHERE t.Id = @touch
                  AND EXISTS (SELECT 1 FROM Conversations c WHERE c.{conversationTouch} = t.Id)
                  AND NOT EXISTS (SELECT 1 FROM Conversions v WHERE v.{conversionTouch} = t.Id AND v.Id <> @conversion)
                ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Converted = {table}.Converted + 1;
                """;
        }

        return sql;
    }
}
