using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Conversions;

/// <summary>
/// The campaign rollup (<see cref="CampaignDay"/>, <see cref="CampaignHour"/>, <see cref="CampaignKey"/>): what it
/// holds, and the SQL that keeps it equal to the base tables. Under a model, a conversation adds one to
/// <c>Conversations</c> at its credited touch's hour/day and key, and one to <c>Converted</c> when some conversion
/// credits that same touch; a conversion adds one to <c>Conversions</c> and its value to <c>Value</c> at its own
/// hour/day and its credited touch's key; a campaign touch without an ad id adds one to <c>Touches</c> at its own hour/day
/// and key under both models (the funnel's middle step, per code: counting ads' touches too made every pairing of a
/// code with an ad a key with rows of its own, and the report much slower; bench/RESULTS.md, session 16). <see cref="TouchQuarter"/> counts campaign touches per quarter hour and
/// trigger. <see cref="CampaignVersion"/> counts the changes to each hour's and day's rows, for readers that keep them
/// (<see cref="CampaignRollupCache"/>): whatever changes a bucket's rows bumps its version last in the same transaction, in
/// (size, start) order (<see cref="ChangeBucketSql"/>, or every version at once for a bulk change). Every writer changes it in the transaction that changes the base rows:
/// the attribution processor (<see cref="Storage.CampaignRollupWriter"/>), conversion recording
/// (<see cref="AddConversionAsync"/>) and deletions (<see cref="RemoveConversationsAsync"/>). Data written around
/// those paths (raw inserts) needs <see cref="RebuildAsync"/>. The SQL here is SQLite's; PostgreSQL's is
/// <see cref="PostgresCampaignRollup"/>'s, the same statements in its terms.
/// </summary>
public static class CampaignRollup
{
    public const long DayMs = 86_400_000;
    public const long HourMs = 3_600_000;
    public const long QuarterMs = 900_000;

    /// <summary>The <see cref="TouchQuarter.TriggerId"/> of touches no trigger fired (a key column cannot be NULL).</summary>
    public const long NoTrigger = 0;

    /// <summary>Bumps the version of the bucket of <c>$size</c> ms starting at <c>$start</c>, recording it if it is new (both engines).</summary>
    public const string ChangeBucketSql = """
        INSERT INTO CampaignVersions (Size, Start, Version) VALUES ($size, $start, 1)
        ON CONFLICT (Size, Start) DO UPDATE SET Version = CampaignVersions.Version + 1
        """;

    /// <summary>
    /// After a change to any number of buckets: every version bumped, and a version for each bucket with rows that has
    /// none yet (both engines). Versions are never removed, so a bumped version is never one a reader saw before.
    /// </summary>
    internal static readonly string ChangeAllBucketsSql = $"""
        UPDATE CampaignVersions SET Version = Version + 1;
        INSERT INTO CampaignVersions (Size, Start, Version)
        SELECT DISTINCT {HourMs}, Start, 1 FROM CampaignHours WHERE true
        ON CONFLICT (Size, Start) DO NOTHING;
        INSERT INTO CampaignVersions (Size, Start, Version)
        SELECT DISTINCT {DayMs}, Start, 1 FROM CampaignDays WHERE true
        ON CONFLICT (Size, Start) DO NOTHING;
        """;

    /// <summary>Campaign touches per quarter and trigger, from the touches themselves (optionally of some conversations only).</summary>
    private static string TouchQuartersFrom(string? conversations) => $"""
        SELECT {BucketSql("OccurredAt", QuarterMs)} AS Start, COALESCE(TriggerId, {NoTrigger}) AS TriggerId, COUNT(*) AS Touches
        FROM ReferralTouches WHERE IsCampaignTouch = 1 {(conversations is null ? "" : $"AND ConversationId IN {conversations}")}
        GROUP BY 1, 2
        """;

    /// <summary>The start of the bucket holding <paramref name="ms"/> (floor, also before 1970).</summary>
    public static long BucketStart(long ms, long size) => ms - (((ms % size) + size) % size);

    /// <summary>The same floor in SQL over an epoch-milliseconds expression.</summary>
    internal static string BucketSql(string ms, long size) => $"({ms} - ((({ms} % {size}) + {size}) % {size}))";

    /// <summary>The conversation column naming the credited touch, and the conversion column crediting a touch, per model.</summary>
    internal static (string ConversationTouch, string ConversionTouch) Columns(AttributionModel model) =>
        model == AttributionModel.First ? ("FirstReferralId", "FirstTouchId") : ("LatestReferralId", "LastTouchId");

    /// <summary>Two keys are the same when all three parts are (NULLs equal, the ref ignoring case like the column).</summary>
    internal const string SameKey = "k.TriggerId IS t.TriggerId AND k.Ref IS t.Ref AND k.AdId IS t.AdId";

    /// <summary>
    /// Every contribution of the base tables at <paramref name="size"/> granularity, one row per conversation and
    /// model, per conversion and model and per campaign touch and model: (Model, Start, TriggerId, Ref, AdId,
    /// Conversations, Converted, Conversions, Value, Touches). <paramref name="conversations"/> optionally limits it to a
    /// subquery of conversation ids.
    /// </summary>
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
                SELECT {(int)model} AS Model, {BucketSql("t.OccurredAt", size)} AS Start, t.TriggerId, t.Ref, t.AdId,
                       1 AS Conversations, EXISTS (SELECT 1 FROM Conversions x WHERE x.{conversionTouch} = t.Id) AS Converted,
                       0 AS Conversions, 0.0 AS Value, 0 AS Touches
                FROM Conversations c JOIN ReferralTouches t ON t.Id = c.{conversationTouch} {cohortFilter}
                """);
            parts.Add($"""
                SELECT {(int)model}, {BucketSql("v.OccurredAt", size)}, t.TriggerId, t.Ref, t.AdId, 0, 0, 1, COALESCE(v.Value, 0.0), 0
                FROM Conversions v JOIN ReferralTouches t ON t.Id = v.{conversionTouch} {conversionFilter}
                """);
            parts.Add($"""
                SELECT {(int)model}, {BucketSql("t.OccurredAt", size)}, t.TriggerId, t.Ref, t.AdId, 0, 0, 0, 0.0, 1
                FROM ReferralTouches t WHERE t.IsCampaignTouch = 1 AND t.AdId IS NULL {touchFilter}
                """);
        }

        return string.Join("\nUNION ALL\n", parts);
    }

    /// <summary>The contributions summed per bucket and key, with the key's id: (Model, Start, KeyId, five sums).</summary>
    private static string Grouped(long size, string? conversations) => $"""
        SELECT g.Model, g.Start, k.Id AS KeyId, g.Conversations, g.Converted, g.Conversions, g.Value, g.Touches
        FROM (SELECT Model, Start, TriggerId, Ref, AdId, SUM(Conversations) AS Conversations, SUM(Converted) AS Converted,
                     SUM(Conversions) AS Conversions, SUM(Value) AS Value, SUM(Touches) AS Touches
              FROM ({Contributions(size, conversations)})
              GROUP BY Model, Start, TriggerId, Ref, AdId) g
        JOIN CampaignKeys k ON k.TriggerId IS g.TriggerId AND k.Ref IS g.Ref AND k.AdId IS g.AdId
        """;

    /// <summary>Adds the key of every counted (no ad) or credited touch that has none yet (keys are never removed, so ids stay valid).</summary>
    private const string AddMissingKeys = """
        WITH credited (TouchId) AS (
            SELECT Id FROM ReferralTouches WHERE IsCampaignTouch = 1 AND AdId IS NULL
            UNION SELECT FirstReferralId FROM Conversations WHERE FirstReferralId IS NOT NULL
            UNION SELECT LatestReferralId FROM Conversations WHERE LatestReferralId IS NOT NULL
            UNION SELECT FirstTouchId FROM Conversions WHERE FirstTouchId IS NOT NULL
            UNION SELECT LastTouchId FROM Conversions WHERE LastTouchId IS NOT NULL)
        INSERT INTO CampaignKeys (TriggerId, Ref, AdId)
        SELECT DISTINCT t.TriggerId, t.Ref, t.AdId
        FROM credited c JOIN ReferralTouches t ON t.Id = c.TouchId
        WHERE NOT EXISTS (SELECT 1 FROM CampaignKeys k WHERE k.TriggerId IS t.TriggerId AND k.Ref IS t.Ref AND k.AdId IS t.AdId);
        """;

    /// <summary>
    /// Recomputes the rollup from the base tables. The migration that created the rollup ran this same SQL once
    /// (a frozen copy); run it after writing attribution data around the app's own paths.
    /// </summary>
    public static string RebuildSql { get; } = $"""
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

    public static async Task RebuildAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = connection.IsPostgres() ? PostgresCampaignRollup.RebuildSql : RebuildSql;
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Takes out everything the conversations selected by <paramref name="conversationIds"/> (a SQL subquery), their
    /// touches and their conversions contribute. Call it in the deleting transaction, before the rows go.
    /// </summary>
    public static async Task RemoveConversationsAsync(AppDbContext db, string conversationIds, CancellationToken cancellationToken)
    {
        if (db.IsPostgres())
        {
            await db.Database.ExecuteSqlRawAsync(PostgresCampaignRollup.RemoveConversationsSql(conversationIds), cancellationToken);
            return;
        }

        var statements = new List<string>();
        foreach (var (table, size) in new[] { ("CampaignHours", HourMs), ("CampaignDays", DayMs) })
        {
            statements.Add($"""
                INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value, Touches)
                SELECT Model, Start, KeyId, -Conversations, -Converted, -Conversions, -Value, -Touches FROM ({Grouped(size, conversationIds)}) WHERE true
                ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Conversations = Conversations + excluded.Conversations,
                    Converted = Converted + excluded.Converted, Conversions = Conversions + excluded.Conversions, Value = Value + excluded.Value,
                    Touches = Touches + excluded.Touches;
                DELETE FROM {table} WHERE Conversations = 0 AND Converted = 0 AND Conversions = 0 AND Touches = 0;
                UPDATE {table} SET Value = 0 WHERE Conversions = 0 AND Value <> 0;
                """);
        }

        statements.Add($"""
            INSERT INTO TouchQuarters (Start, TriggerId, Touches)
            SELECT Start, TriggerId, -Touches FROM ({TouchQuartersFrom(conversationIds)}) WHERE true
            ON CONFLICT (Start, TriggerId) DO UPDATE SET Touches = Touches + excluded.Touches;
            DELETE FROM TouchQuarters WHERE Touches = 0;
            """);
        statements.Add(ChangeAllBucketsSql);
        await db.Database.ExecuteSqlRawAsync(string.Join("\n", statements), cancellationToken);
    }

    /// <summary>
    /// Counts a conversion just inserted in the current transaction: under each model its credited touch's key gets
    /// the conversion (at the conversion's hour and day), and the touch's own hour and day get a converted
    /// conversation if this is the first conversion crediting it and it is a conversation's credited touch.
    /// </summary>
    public static async Task AddConversionAsync(AppDbContext db, Conversion conversion, CancellationToken cancellationToken)
    {
        var at = UnixMs.From(conversion.OccurredAt);
        foreach (var model in new[] { AttributionModel.First, AttributionModel.Last })
        {
            var touch = model == AttributionModel.First ? conversion.FirstTouchId : conversion.LastTouchId;
            if (touch is null)
            {
                continue;
            }

            var sql = db.IsPostgres() ? PostgresCampaignRollup.AddConversionSql(model, at) : AddConversionSql(model, at);
            await db.Database.ExecuteSqlRawAsync(
                sql,
                [
                    db.Parameter("$touch", touch.Value),
                    db.Parameter("$model", (int)model),
                    db.Parameter("$value", conversion.Value),
                    db.Parameter("$conversion", conversion.Id),
                ],
                cancellationToken);
        }

        await db.Database.ExecuteSqlRawAsync(
            db.IsPostgres() ? PostgresCampaignRollup.ChangedBucketsOfConversionSql(at) : ChangedBucketsOfConversionSql(at),
            [db.Parameter("$first", conversion.FirstTouchId), db.Parameter("$last", conversion.LastTouchId)],
            cancellationToken);
    }

    /// <summary>
    /// Bumps the versions of the hours and days a conversion at <paramref name="at"/> changes: its own (its conversion) and
    /// its credited touches' ($first, $last: a converted conversation), in (size, start) order and last in the transaction,
    /// as the processor does, so that neither holds a version the other waits for while it waits for a rollup row.
    /// </summary>
    private static string ChangedBucketsOfConversionSql(long at) => $"""
        INSERT INTO CampaignVersions (Size, Start, Version)
        SELECT Size, Start, 1 FROM (
            SELECT {HourMs} AS Size, {BucketStart(at, HourMs)} AS Start
            UNION SELECT {DayMs}, {BucketStart(at, DayMs)}
            UNION SELECT {HourMs}, {BucketSql("t.OccurredAt", HourMs)} FROM ReferralTouches t WHERE t.Id IN ($first, $last)
            UNION SELECT {DayMs}, {BucketSql("t.OccurredAt", DayMs)} FROM ReferralTouches t WHERE t.Id IN ($first, $last))
        WHERE true ORDER BY Size, Start
        ON CONFLICT (Size, Start) DO UPDATE SET Version = CampaignVersions.Version + 1
        """;

    /// <summary><see cref="AddConversionAsync"/>'s statements for one model ($touch, $model, $value, $conversion).</summary>
    private static string AddConversionSql(AttributionModel model, long at)
    {
        var (conversationTouch, conversionTouch) = Columns(model);
        var sql = $"""
            INSERT INTO CampaignKeys (TriggerId, Ref, AdId)
            SELECT t.TriggerId, t.Ref, t.AdId FROM ReferralTouches t
            WHERE t.Id = $touch AND NOT EXISTS (SELECT 1 FROM CampaignKeys k WHERE {SameKey});
            """;
        foreach (var (table, size) in new[] { ("CampaignHours", HourMs), ("CampaignDays", DayMs) })
        {
            sql += $"""

                INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value)
                SELECT $model, {BucketStart(at, size)}, k.Id, 0, 0, 1, COALESCE($value, 0.0)
                FROM ReferralTouches t JOIN CampaignKeys k ON {SameKey} WHERE t.Id = $touch
                ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Conversions = Conversions + 1, Value = Value + excluded.Value;
                INSERT INTO {table} (Model, Start, KeyId, Conversations, Converted, Conversions, Value)
                SELECT $model, {BucketSql("t.OccurredAt", size)}, k.Id, 0, 1, 0, 0.0
                FROM ReferralTouches t JOIN CampaignKeys k ON {SameKey}
                WHERE t.Id = $touch
                  AND EXISTS (SELECT 1 FROM Conversations c WHERE c.{conversationTouch} = t.Id)
                  AND NOT EXISTS (SELECT 1 FROM Conversions v WHERE v.{conversionTouch} = t.Id AND v.Id <> $conversion)
                ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Converted = Converted + 1;
                """;
        }

        return sql;
    }
}
