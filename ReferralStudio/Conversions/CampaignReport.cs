using System.Buffers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using SQLitePCL;

namespace ReferralStudio.Conversions;

/// <summary>Where one stretch of a report's range is read from.</summary>
public enum CampaignSource
{
    /// <summary>Whole UTC days: <see cref="CampaignDay"/>.</summary>
    Days,
    /// <summary>Whole UTC hours: <see cref="CampaignHour"/>.</summary>
    Hours,
    /// <summary>Less than an hour at either end: the touches and conversions themselves.</summary>
    Touches,
}

/// <summary>A stretch [From, To) of a report's range in epoch milliseconds, added (Sign 1) or taken away (Sign -1).</summary>
public readonly record struct CampaignSlice(CampaignSource Source, long From, long To, int Sign = 1);

/// <summary>
/// An end of the range that is not on the hour: read either directly from the base tables (<see cref="Inside"/>),
/// or as its whole hour from the rollup (<see cref="Hour"/>) minus the rest of that hour from the base tables
/// (<see cref="Outside"/>), whichever has fewer rows to read.
/// </summary>
public sealed record CampaignEdge(CampaignSlice Inside, CampaignSlice Hour, IReadOnlyList<CampaignSlice> Outside);

/// <summary>
/// The analytics query itself, shared by the API and the dashboard: the same rows as grouping every
/// conversation by its credited touch, read instead from the rollup (<see cref="CampaignRollup"/>). A range
/// is whole days, the whole hours around them and at most two partial hours at its ends, which come from
/// the base tables through their time indexes (or as the whole hour minus the rest of it).
/// </summary>
public static class CampaignReport
{
    // Counting the rows an end would read stops here: past it, both ways are slow and the shorter one is taken.
    private const int EdgeCountCap = 10_000;

    public static async Task<CampaignReportDto> RunAsync(
        AppDbContext db, CampaignKeyCache keyCache, bool firstTouch, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var model = firstTouch ? AttributionModel.First : AttributionModel.Last;
        var from = UnixMs.From(since ?? DateTimeOffset.MinValue.AddYears(1));
        var to = UnixMs.From(until ?? DateTimeOffset.MaxValue.AddYears(-1));
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        // One read transaction: keys, rollup and base rows all come from the same snapshot, so a commit
        // landing between two of the reads is counted in none or in all of them.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var keys = await keyCache.RefreshAsync(connection, transaction, cancellationToken);
        var totals = new Totals(keys.Length);
        try
        {
            var slices = Whole(from, to);
            foreach (var edge in Edges(from, to))
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
                    ReadRollup(connection, model, slice, totals);
                }
            }

            var names = await TriggerNamesAsync(connection, transaction, cancellationToken);
            var byRef = totals.Rows(keys, names);
            return new CampaignReportDto(firstTouch ? "first" : "last", since, until, ByTrigger(byRef), byRef);
        }
        finally
        {
            totals.Dispose();
        }
    }

    /// <summary>The whole days of [from, to) and the whole hours around them (none when the range is shorter than an hour).</summary>
    public static List<CampaignSlice> Whole(long from, long to)
    {
        var slices = new List<CampaignSlice>();
        var hourFrom = Ceiling(from, CampaignRollup.HourMs);
        var hourTo = CampaignRollup.BucketStart(to, CampaignRollup.HourMs);
        if (from >= to || hourFrom >= hourTo)
        {
            return slices;
        }

        var dayFrom = Ceiling(hourFrom, CampaignRollup.DayMs);
        var dayTo = CampaignRollup.BucketStart(hourTo, CampaignRollup.DayMs);
        if (dayFrom >= dayTo)
        {
            slices.Add(new(CampaignSource.Hours, hourFrom, hourTo));
            return slices;
        }

        if (hourFrom < dayFrom)
        {
            slices.Add(new(CampaignSource.Hours, hourFrom, dayFrom));
        }

        slices.Add(new(CampaignSource.Days, dayFrom, dayTo));
        if (dayTo < hourTo)
        {
            slices.Add(new(CampaignSource.Hours, dayTo, hourTo));
        }

        return slices;
    }

    /// <summary>The partial hours at the ends of [from, to): none, one (both ends in one hour, or one end on the hour) or two.</summary>
    public static List<CampaignEdge> Edges(long from, long to)
    {
        const long hour = CampaignRollup.HourMs;
        var edges = new List<CampaignEdge>();
        if (from >= to)
        {
            return edges;
        }

        var hourFrom = Ceiling(from, hour);
        var hourTo = CampaignRollup.BucketStart(to, hour);
        if (hourFrom > hourTo)
        {
            // Both ends inside one hour.
            edges.Add(new CampaignEdge(
                new(CampaignSource.Touches, from, to),
                new(CampaignSource.Hours, hourTo, hourFrom),
                [new(CampaignSource.Touches, hourTo, from, -1), new(CampaignSource.Touches, to, hourFrom, -1)]));
            return edges;
        }

        if (from < hourFrom)
        {
            edges.Add(new CampaignEdge(
                new(CampaignSource.Touches, from, hourFrom),
                new(CampaignSource.Hours, hourFrom - hour, hourFrom),
                [new(CampaignSource.Touches, hourFrom - hour, from, -1)]));
        }

        if (hourTo < to)
        {
            edges.Add(new CampaignEdge(
                new(CampaignSource.Touches, hourTo, to),
                new(CampaignSource.Hours, hourTo, hourTo + hour),
                [new(CampaignSource.Touches, to, hourTo + hour, -1)]));
        }

        return edges;
    }

    private static long Ceiling(long ms, long size)
    {
        var start = CampaignRollup.BucketStart(ms, size);
        return start == ms ? ms : start + size;
    }

    /// <summary>How many touches and conversions a base-table slice would read, up to <see cref="EdgeCountCap"/> of each.</summary>
    private static async Task<int> CountAsync(SqliteConnection connection, SqliteTransaction transaction, CampaignSlice slice, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM ReferralTouches WHERE OccurredAt >= $from AND OccurredAt < $to LIMIT {EdgeCountCap}))
                 + (SELECT COUNT(*) FROM (SELECT 1 FROM Conversions WHERE OccurredAt >= $from AND OccurredAt < $to LIMIT {EdgeCountCap}))
            """;
        CampaignRollup.Add(command, "$from", slice.From);
        CampaignRollup.Add(command, "$to", slice.To);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>
    /// Whole days or hours from the rollup: the report's hot loop, a row per key and day (about 90,000 for 30 days
    /// of 200,000 conversations). Each call into SQLite costs more than the arithmetic, so the rows are stepped
    /// through SQLite's C API (SQLitePCL's raw calls on the prepared statement), two counts come packed in one integer (counts
    /// are never negative; ids and counts fit in 31 bits), and the value is read only where there are conversions.
    /// The statement runs in the connection's open read transaction.
    /// </summary>
    private static void ReadRollup(SqliteConnection connection, AttributionModel model, CampaignSlice slice, Totals totals)
    {
        var table = slice.Source == CampaignSource.Days ? "CampaignDays" : "CampaignHours";
        var db = connection.Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, $"""
            SELECT (KeyId << 32) | Conversations, (Converted << 32) | Conversions, Value
            FROM {table} WHERE Model = ?1 AND Start >= ?2 AND Start < ?3
            """, out var statement));
        using (statement)
        {
            Check(db, raw.sqlite3_bind_int(statement, 1, (int)model));
            Check(db, raw.sqlite3_bind_int64(statement, 2, slice.From));
            Check(db, raw.sqlite3_bind_int64(statement, 3, slice.To));
            var sign = slice.Sign;
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var keyAndConversations = raw.sqlite3_column_int64(statement, 0);
                var convertedAndConversions = raw.sqlite3_column_int64(statement, 1);
                ref var total = ref totals.At(keyAndConversations >> 32);
                total.Conversations += sign * (int)keyAndConversations;
                total.Converted += sign * (int)(convertedAndConversions >> 32);
                var conversions = (int)convertedAndConversions;
                if (conversions != 0)
                {
                    total.Conversions += sign * conversions;
                    total.Value += sign * raw.sqlite3_column_double(statement, 2);
                }
            }

            Check(db, rc);
        }
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE))
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }

    /// <summary>Conversations whose credited touch, and conversions, that happened in a slice, from the base tables.</summary>
    private static async Task ReadTouchesAsync(
        SqliteConnection connection, SqliteTransaction transaction, AttributionModel model, CampaignSlice slice, Totals totals, CancellationToken cancellationToken)
    {
        var (conversationTouch, conversionTouch) = CampaignRollup.Columns(model);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT k.Id, 1, EXISTS (SELECT 1 FROM Conversions v WHERE v.{conversionTouch} = t.Id), 0, NULL
            FROM ReferralTouches t
            JOIN Conversations c ON c.{conversationTouch} = t.Id
            LEFT JOIN CampaignKeys k ON {CampaignRollup.SameKey}
            WHERE t.OccurredAt >= $from AND t.OccurredAt < $to;
            SELECT k.Id, 0, 0, 1, v.Value
            FROM Conversions v
            JOIN ReferralTouches t ON t.Id = v.{conversionTouch}
            LEFT JOIN CampaignKeys k ON {CampaignRollup.SameKey}
            WHERE v.OccurredAt >= $from AND v.OccurredAt < $to;
            """;
        CampaignRollup.Add(command, "$from", slice.From);
        CampaignRollup.Add(command, "$to", slice.To);
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
            }
        }
        while (await reader.NextResultAsync(cancellationToken));
    }

    private static async Task<Dictionary<long, string>> TriggerNamesAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
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

    /// <summary>The rows summed per trigger (rows without one together): most conversations first, then most conversions, then by id.</summary>
    private static List<CampaignRowDto> ByTrigger(List<CampaignRowDto> byRef)
    {
        var sums = new Dictionary<long, TriggerSum>();
        TriggerSum? none = null;
        foreach (var r in byRef)
        {
            var sum = r.TriggerId is not { } id ? none ??= new TriggerSum(null, null)
                : sums.TryGetValue(id, out var found) ? found
                : sums[id] = new TriggerSum(id, r.TriggerName);
            sum.Conversations += r.Conversations;
            sum.Converted += r.ConvertedConversations;
            sum.Conversions += r.Conversions;
            sum.Value += r.ConversionValue;
        }

        return sums.Values.Append(none).OfType<TriggerSum>()
            .Select(s => new CampaignRowDto(s.TriggerId, s.Name, null, null, s.Conversations, s.Converted, s.Conversions, s.Value, Rate(s.Conversations, s.Converted)))
            .OrderByDescending(r => r.Conversations).ThenByDescending(r => r.Conversions).ThenBy(r => r.TriggerId)
            .ToList();
    }

    private sealed class TriggerSum(long? triggerId, string? name)
    {
        public long? TriggerId => triggerId;
        public string? Name => name;
        public int Conversations { get; set; }
        public int Converted { get; set; }
        public int Conversions { get; set; }
        public double Value { get; set; }
    }

    private static double Rate(int conversations, int converted) => conversations == 0 ? 0 : (double)converted / conversations;

    private struct Total
    {
        public int Conversations;
        public int Converted;
        public int Conversions;
        public double Value;
        public bool Seen;
    }

    /// <summary>Sums per key id, in a pooled array indexed by id (ids are dense), with the ids seen in order of appearance.</summary>
    private sealed class Totals(int length) : IDisposable
    {
        private readonly Total[] _totals = Rent(length);
        private readonly List<int> _seen = [];

        private static Total[] Rent(int length)
        {
            var array = ArrayPool<Total>.Shared.Rent(length);
            Array.Clear(array, 0, length);
            return array;
        }

        public ref Total At(long keyId)
        {
            if (keyId <= 0 || keyId >= length)
            {
                throw new InvalidOperationException($"Campaign key {keyId} is not in the key cache.");
            }

            ref var total = ref _totals[keyId];
            if (!total.Seen)
            {
                total.Seen = true;
                _seen.Add((int)keyId);
            }

            return ref total;
        }

        /// <summary>One row per key with a conversation or a conversion in the range, in the report's order.</summary>
        public List<CampaignRowDto> Rows(CampaignKeyCache.Snapshot keys, Dictionary<long, string> names)
        {
            // In the keys' own order first (sorting plain ints is cheap), then grouped by (conversations,
            // conversions) keeping that order inside each group: the report's order without comparing rows.
            var ranks = new int[_seen.Count];
            var ids = new int[_seen.Count];
            var count = 0;
            foreach (var id in _seen)
            {
                ref var t = ref _totals[id];
                if (t.Conversations < 0 || t.Converted < 0 || t.Conversions < 0)
                {
                    throw new InvalidOperationException($"Campaign key {id} sums below zero: the rollup is out of date (CampaignRollup.RebuildAsync rebuilds it).");
                }

                if (t.Conversations > 0 || t.Conversions > 0)
                {
                    ranks[count] = keys.Ranks[id];
                    ids[count++] = id;
                }
            }

            Array.Sort(ranks, ids, 0, count);
            var groups = new Dictionary<long, List<int>>();
            for (var i = 0; i < count; i++)
            {
                ref var t = ref _totals[ids[i]];
                var group = ((long)t.Conversations << 32) | (uint)t.Conversions;
                if (!groups.TryGetValue(group, out var members))
                {
                    groups[group] = members = [];
                }

                members.Add(ids[i]);
            }

            var ordered = groups.Keys.ToArray();
            Array.Sort(ordered);
            count = 0;
            for (var g = ordered.Length - 1; g >= 0; g--)
            {
                foreach (var id in groups[ordered[g]])
                {
                    ids[count++] = id;
                }
            }

            var rows = new List<CampaignRowDto>(count);
            for (var i = 0; i < count; i++)
            {
                var id = ids[i];
                ref var t = ref _totals[id];
                var triggerId = keys.TriggerIds[id];
                rows.Add(new CampaignRowDto(
                    triggerId,
                    triggerId is { } tid && names.TryGetValue(tid, out var name) ? name : null,
                    keys.Refs[id],
                    keys.AdIds[id],
                    t.Conversations,
                    t.Converted,
                    t.Conversions,
                    // Exactly nothing without conversions (a whole hour minus its rest may leave a rounding residue).
                    t.Conversions == 0 ? 0 : t.Value,
                    Rate(t.Conversations, t.Converted)));
            }

            return rows;
        }

        public void Dispose() => ArrayPool<Total>.Shared.Return(_totals);
    }
}
