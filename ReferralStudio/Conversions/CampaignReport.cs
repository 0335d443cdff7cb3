using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Conversions;

/// <summary>
/// The analytics query itself, shared by the API and the dashboard: the same rows as grouping every
/// conversation by its credited touch, read instead from the rollup (<see cref="CampaignRollup"/>). A range
/// is whole days, the whole hours around them and at most two partial hours at its ends, which come from
/// the base tables through their time indexes (or as the whole hour minus the rest of it). The range is cut by
/// <see cref="CampaignRange"/> and summed into rows by <see cref="CampaignTotals"/>. Given a <see cref="ScanScope"/>, the
/// rows also carry the funnel's first step, scans of trackable links (<see cref="CampaignScans"/>), on the row of the code's
/// key without an ad id, or on a row of their own for a code nobody wrote with yet. Whole hours and days are read through
/// <see cref="CampaignRollupReader"/>, which keeps them between reports. On PostgreSQL the same reads run in a REPEATABLE
/// READ transaction (one snapshot); the SQL differs only where the engines do.
/// </summary>
public static class CampaignReport
{
    // Counting the rows an end would read stops here: past it, both ways are slow and the shorter one is taken.
    private const int EdgeCountCap = 10_000;

    public static async Task<CampaignReportDto> RunAsync(
        AppDbContext db, CampaignCaches caches, bool firstTouch, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken) =>
        await RunAsync(db, caches, firstTouch, since, until, scans: null, cancellationToken);

    public static async Task<CampaignReportDto> RunAsync(
        AppDbContext db, CampaignCaches caches, bool firstTouch, DateTimeOffset? since, DateTimeOffset? until, ScanScope? scans,
        CancellationToken cancellationToken)
    {
        var model = firstTouch ? AttributionModel.First : AttributionModel.Last;
        var from = UnixMs.From(since ?? DateTimeOffset.MinValue.AddYears(1));
        var to = UnixMs.From(until ?? DateTimeOffset.MaxValue.AddYears(-1));
        var postgres = db.IsPostgres();
        DbConnection connection = postgres ? db.Database.GetDbConnection() : await SqliteRaw.OpenConnectionAsync(db, cancellationToken);
        if (connection.State != ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        // One read transaction: keys, rollup and base rows all come from the same snapshot, so a commit
        // landing between two of the reads is counted in none or in all of them.
        await using var transaction = postgres
            ? await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken)
            : ((SqliteConnection)connection).BeginTransaction(deferred: true);
        var keys = await caches.Keys.RefreshAsync(connection, transaction, cancellationToken);
        var rollup = new CampaignRollupReader(connection, transaction, caches.Rollup, model);
        var totals = new CampaignTotals(keys.Length);
        try
        {
            var slices = new List<CampaignSlice>();
            foreach (var whole in CampaignRange.Whole(from, to))
            {
                slices.AddRange(CampaignRange.InDay(whole) is { } inDay && await ReadsFewerRowsAsDayAsync(rollup, inDay, cancellationToken)
                    ? [inDay.Day, .. inDay.Outside]
                    : [whole]);
            }

            foreach (var edge in CampaignRange.Edges(from, to))
            {
                var outside = 0;
                foreach (var o in edge.Outside)
                {
                    outside += await CountAsync(connection, transaction, o, cancellationToken);
                }

                var inside = await CountAsync(connection, transaction, edge.Inside, cancellationToken);
                var viaHour = outside < inside || (outside == inside && edge.Inside.To - edge.Inside.From > CampaignRollup.HourMs / 2);
                slices.AddRange(viaHour ? [edge.Hour, .. edge.Outside] : [edge.Inside]);
            }

            foreach (var slice in slices)
            {
                if (slice.Source == CampaignSource.Touches)
                {
                    await ReadTouchesAsync(connection, transaction, model, slice, totals, cancellationToken);
                }
                else
                {
                    await rollup.AddAsync(slice, totals, cancellationToken);
                }
            }

            var scannedOnly = scans is null ? [] : await AddScansAsync(connection, transaction, scans, totals, cancellationToken);
            if (totals.Seen.Where(id => !keys.Knows(id)).ToList() is { Count: > 0 } unknown)
            {
                keys = await caches.Keys.CompleteAsync(connection, transaction, unknown, cancellationToken);
            }

            var names = await TriggerNamesAsync(connection, transaction, cancellationToken);
            var byRef = totals.Rows(keys, names);
            byRef.AddRange(scannedOnly.Select(s => CampaignTotals.ScansOnly(s.TriggerId, s.TriggerId is { } id && names.TryGetValue(id, out var name) ? name : null, s.Code, s.Scans)));
            return new CampaignReportDto(firstTouch ? "first" : "last", since, until, CampaignTotals.ByTrigger(byRef), byRef);
        }
        finally
        {
            totals.Dispose();
        }
    }

    /// <summary>
    /// Adds the scope's scans to the key of each scanned code without an ad id (a code is one key per trigger, its
    /// spelling ignored), and returns the scans of codes no key has yet: nobody wrote with them so far.
    /// </summary>
    private static async Task<List<(long? TriggerId, string Code, long Scans)>> AddScansAsync(
        DbConnection connection, DbTransaction transaction, ScanScope scope, CampaignTotals totals, CancellationToken cancellationToken)
    {
        var scanned = await CampaignScans.ReadAsync(connection, transaction, scope, cancellationToken);
        var unmatched = new List<(long? TriggerId, string Code, long Scans)>();
        if (scanned.Count == 0)
        {
            return unmatched;
        }

        var sql = connection.IsPostgres()
            ? """
                SELECT Id FROM CampaignKeys
                WHERE COALESCE(TriggerId, 0) = COALESCE(CAST(@trigger AS bigint), 0) AND (TriggerId IS NULL) = (CAST(@trigger AS bigint) IS NULL)
                  AND COALESCE(lower(Ref), '') = lower(@ref) AND Ref IS NOT NULL AND COALESCE(AdId, '') = '' AND AdId IS NULL
                """
            : "SELECT Id FROM CampaignKeys WHERE TriggerId IS $trigger AND Ref = $ref AND AdId IS NULL";
        foreach (var (triggerId, scannedCode, scans) in scanned)
        {
            // A command per code (scanned codes are few): one command reused with its parameters cleared and added again
            // answered with the previous code's key on Npgsql.
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.AddParameter("$trigger", triggerId);
            command.AddParameter("$ref", scannedCode);
            if (await command.ExecuteScalarAsync(cancellationToken) is { } keyId and not DBNull)
            {
                totals.At(Convert.ToInt64(keyId)).Scans += scans;
            }
            else
            {
                unmatched.Add((triggerId, scannedCode, scans));
            }
        }

        return unmatched;
    }

    /// <summary>
    /// Whether to read the hours as their day minus its other hours: only when the day is kept (or empty), and that takes
    /// fewer rows from the database than the hours (kept buckets take none). A day not kept is read whole again each time it
    /// changes (today: with every batch the processor applies), where its hours, once kept, are read again only as they change.
    /// </summary>
    private static async Task<bool> ReadsFewerRowsAsDayAsync(CampaignRollupReader rollup, CampaignHoursInDay inDay, CancellationToken cancellationToken)
    {
        var viaDay = await rollup.RowsToReadAsync(inDay.Day, 1, cancellationToken);
        if (viaDay > 0)
        {
            return false;
        }

        foreach (var outside in inDay.Outside)
        {
            viaDay += await rollup.RowsToReadAsync(outside, EdgeCountCap - viaDay, cancellationToken);
        }

        return viaDay < EdgeCountCap && await rollup.RowsToReadAsync(inDay.Hours, viaDay + 1, cancellationToken) > viaDay;
    }

    /// <summary>How many touches and conversions a base-table slice would read, up to <see cref="EdgeCountCap"/> of each.</summary>
    private static async Task<int> CountAsync(DbConnection connection, DbTransaction transaction, CampaignSlice slice, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = connection.IsPostgres()
            ? $"""
                SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM ReferralTouches WHERE OccurredAt >= @from AND OccurredAt < @to LIMIT {EdgeCountCap}) AS t)
                     + (SELECT COUNT(*) FROM (SELECT 1 FROM Conversions WHERE OccurredAt >= @from AND OccurredAt < @to LIMIT {EdgeCountCap}) AS v)
                """
            : $"""
                SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM ReferralTouches WHERE OccurredAt >= $from AND OccurredAt < $to LIMIT {EdgeCountCap}))
                     + (SELECT COUNT(*) FROM (SELECT 1 FROM Conversions WHERE OccurredAt >= $from AND OccurredAt < $to LIMIT {EdgeCountCap}))
                """;
        command.AddParameter("$from", slice.From);
        command.AddParameter("$to", slice.To);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>Conversations whose credited touch, conversions and campaign touches that happened in a slice, from the base tables.</summary>
    private static async Task ReadTouchesAsync(
        DbConnection connection, DbTransaction transaction, AttributionModel model, CampaignSlice slice, CampaignTotals totals, CancellationToken cancellationToken)
    {
        var (conversationTouch, conversionTouch) = CampaignRollup.Columns(model);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = connection.IsPostgres()
            ? $"""
                SELECT k.Id, 1, CAST(EXISTS (SELECT 1 FROM Conversions v WHERE v.{conversionTouch} = t.Id) AS integer), 0, CAST(NULL AS double precision), 0
                FROM ReferralTouches t
                JOIN Conversations c ON c.{conversationTouch} = t.Id
                LEFT JOIN CampaignKeys k ON {PostgresCampaignRollup.SameKey("k", "t")}
                WHERE t.OccurredAt >= @from AND t.OccurredAt < @to;
                SELECT k.Id, 0, 0, 1, v.Value, 0
                FROM Conversions v
                JOIN ReferralTouches t ON t.Id = v.{conversionTouch}
                LEFT JOIN CampaignKeys k ON {PostgresCampaignRollup.SameKey("k", "t")}
                WHERE v.OccurredAt >= @from AND v.OccurredAt < @to;
                SELECT k.Id, 0, 0, 0, CAST(NULL AS double precision), 1
                FROM ReferralTouches t
                LEFT JOIN CampaignKeys k ON {PostgresCampaignRollup.SameKey("k", "t")}
                WHERE t.IsCampaignTouch AND t.AdId IS NULL AND t.OccurredAt >= @from AND t.OccurredAt < @to;
                """
            : $"""
                SELECT k.Id, 1, EXISTS (SELECT 1 FROM Conversions v WHERE v.{conversionTouch} = t.Id), 0, NULL, 0
                FROM ReferralTouches t
                JOIN Conversations c ON c.{conversationTouch} = t.Id
                LEFT JOIN CampaignKeys k ON {CampaignRollup.SameKey}
                WHERE t.OccurredAt >= $from AND t.OccurredAt < $to;
                SELECT k.Id, 0, 0, 1, v.Value, 0
                FROM Conversions v
                JOIN ReferralTouches t ON t.Id = v.{conversionTouch}
                LEFT JOIN CampaignKeys k ON {CampaignRollup.SameKey}
                WHERE v.OccurredAt >= $from AND v.OccurredAt < $to;
                SELECT k.Id, 0, 0, 0, NULL, 1
                FROM ReferralTouches t
                LEFT JOIN CampaignKeys k ON {CampaignRollup.SameKey}
                WHERE t.IsCampaignTouch = 1 AND t.AdId IS NULL AND t.OccurredAt >= $from AND t.OccurredAt < $to;
                """;
        command.AddParameter("$from", slice.From);
        command.AddParameter("$to", slice.To);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.IsDBNull(0))
                {
                    throw new InvalidOperationException(
                        "A credited touch has no campaign key: the rollup is out of date (CampaignRollup.RebuildAsync rebuilds it).");
                }

                ref var total = ref totals.At(reader.GetInt64(0));
                total.Conversations += slice.Sign * reader.GetInt32(1);
                total.Converted += slice.Sign * reader.GetInt32(2);
                total.Conversions += slice.Sign * reader.GetInt32(3);
                total.Value += reader.IsDBNull(4) ? 0 : slice.Sign * reader.GetDouble(4);
                total.Touches += slice.Sign * reader.GetInt32(5);
            }
        }
        while (await reader.NextResultAsync(cancellationToken));
    }

    private static async Task<Dictionary<long, string>> TriggerNamesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var names = new Dictionary<long, string>();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT Id, Name FROM Triggers";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names[reader.GetInt64(0)] = reader.GetString(1);
        }

        return names;
    }
}
