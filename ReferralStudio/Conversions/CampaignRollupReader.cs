using System.Data.Common;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Npgsql;
using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;
using SQLitePCL;

namespace ReferralStudio.Conversions;

/// <summary>
/// One report's reads of the rollup, in its read transaction. A slice of whole hours or days is its buckets' versions
/// (<see cref="CampaignVersion"/>): the buckets kept at those versions come from <see cref="CampaignRollupCache"/>, the
/// others are read from the database a run of consecutive buckets at a time, and kept.
/// </summary>
internal sealed class CampaignRollupReader(DbConnection connection, DbTransaction transaction, CampaignRollupCache cache, AttributionModel model)
{
    // A slice is often counted before it is read: its versions are read once.
    private readonly Dictionary<(CampaignSource Source, long From, long To), List<Bucket>> _buckets = [];

    private readonly record struct Bucket(long Start, long Version, CampaignRollupRow[]? Kept);

    /// <summary>How many rows reading <paramref name="slice"/> takes from the database (its buckets not kept), up to <paramref name="cap"/>.</summary>
    public async Task<int> RowsToReadAsync(CampaignSlice slice, int cap, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var (run, _, _) in StaleRuns(slice, await BucketsAsync(slice, cancellationToken)))
        {
            if (count >= cap)
            {
                break;
            }

            count += await CountAsync(run, cap - count, cancellationToken);
        }

        return count;
    }

    /// <summary>Adds (or, by its sign, takes away) the slice's rows to <paramref name="totals"/>.</summary>
    public async Task AddAsync(CampaignSlice slice, CampaignTotals totals, CancellationToken cancellationToken)
    {
        var buckets = await BucketsAsync(slice, cancellationToken);
        foreach (var bucket in buckets)
        {
            if (bucket.Kept is { } kept)
            {
                totals.Add(kept, slice.Sign);
            }
        }

        foreach (var (run, first, last) in StaleRuns(slice, buckets))
        {
            var read = new RowsRead(totals, slice.Sign, cache.Limit);
            await ReadAsync(run, read, cancellationToken);
            for (var i = first; i <= last && read.Keeping; i++)
            {
                cache.Keep(slice.Source, model, buckets[i].Start, buckets[i].Version, read.Bucket(buckets[i].Start));
            }
        }
    }

    private static long Size(CampaignSource source) => source == CampaignSource.Days ? CampaignRollup.DayMs : CampaignRollup.HourMs;

    private static string Table(CampaignSource source) => source == CampaignSource.Days ? "CampaignDays" : "CampaignHours";

    /// <summary>Runs of consecutive buckets not kept, as slices, with their first and last index in <paramref name="buckets"/>.</summary>
    private static IEnumerable<(CampaignSlice Run, int First, int Last)> StaleRuns(CampaignSlice slice, List<Bucket> buckets)
    {
        var size = Size(slice.Source);
        for (var first = 0; first < buckets.Count; first++)
        {
            if (buckets[first].Kept is not null)
            {
                continue;
            }

            var last = first;
            while (last + 1 < buckets.Count && buckets[last + 1].Kept is null && buckets[last + 1].Start == buckets[last].Start + size)
            {
                last++;
            }

            yield return (slice with { From = buckets[first].Start, To = buckets[last].Start + size }, first, last);
            first = last;
        }
    }

    private async Task<List<Bucket>> BucketsAsync(CampaignSlice slice, CancellationToken cancellationToken)
    {
        if (_buckets.TryGetValue((slice.Source, slice.From, slice.To), out var known))
        {
            return known;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = connection.IsPostgres()
            ? "SELECT Start, Version FROM CampaignVersions WHERE Size = @size AND Start >= @from AND Start < @to ORDER BY Start"
            : "SELECT Start, Version FROM CampaignVersions WHERE Size = $size AND Start >= $from AND Start < $to ORDER BY Start";
        command.AddParameter("$size", Size(slice.Source));
        command.AddParameter("$from", slice.From);
        command.AddParameter("$to", slice.To);
        var buckets = new List<Bucket>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (start, version) = (reader.GetInt64(0), reader.GetInt64(1));
                buckets.Add(new Bucket(start, version, cache.Find(slice.Source, model, start, version)));
            }
        }

        _buckets[(slice.Source, slice.From, slice.To)] = buckets;
        return buckets;
    }

    /// <summary>How many rollup rows a run holds, up to <paramref name="cap"/> (index entries alone, so the count costs less than the read).</summary>
    private async Task<int> CountAsync(CampaignSlice run, int cap, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = connection.IsPostgres()
            ? $"SELECT COUNT(*) FROM (SELECT 1 FROM {Table(run.Source)} WHERE Model = @model AND Start >= @from AND Start < @to LIMIT {cap}) AS r"
            : $"SELECT COUNT(*) FROM (SELECT 1 FROM {Table(run.Source)} WHERE Model = $model AND Start >= $from AND Start < $to LIMIT {cap})";
        command.AddParameter("$model", (int)model);
        command.AddParameter("$from", run.From);
        command.AddParameter("$to", run.To);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>
    /// A run's rows from the database: the report's hot loop when little is kept. On SQLite each call into the engine costs
    /// more than the arithmetic, so the rows are stepped through SQLite's C API (SQLitePCL's raw calls on the prepared
    /// statement); on PostgreSQL through Npgsql's reader. Two counts come packed in one integer each
    /// (<see cref="CampaignRollupRow"/>), so each row is fewer columns to decode.
    /// </summary>
    private async Task ReadAsync(CampaignSlice run, RowsRead read, CancellationToken cancellationToken)
    {
        var table = Table(run.Source);
        if (connection is NpgsqlConnection npgsql)
        {
            await using var command = new NpgsqlCommand(
                $"""
                SELECT (KeyId << 32) | Conversations, (CAST(Converted AS bigint) << 32) | Conversions, Value, Touches, Start
                FROM {table} WHERE Model = $1 AND Start >= $2 AND Start < $3
                """, npgsql, (NpgsqlTransaction)transaction);
            command.Parameters.Add(new() { Value = (int)model });
            command.Parameters.Add(new() { Value = run.From });
            command.Parameters.Add(new() { Value = run.To });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                read.Add(reader.GetInt64(4), new CampaignRollupRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetInt32(3)));
            }

            return;
        }

        var db = ((SqliteConnection)connection).Handle!;
        SqliteRaw.Check(db, raw.sqlite3_prepare_v2(db, $"""
            SELECT (KeyId << 32) | Conversations, (Converted << 32) | Conversions, Value, Touches, Start
            FROM {table} WHERE Model = ?1 AND Start >= ?2 AND Start < ?3
            """, out var statement));
        using (statement)
        {
            SqliteRaw.Check(db, raw.sqlite3_bind_int(statement, 1, (int)model));
            SqliteRaw.Check(db, raw.sqlite3_bind_int64(statement, 2, run.From));
            SqliteRaw.Check(db, raw.sqlite3_bind_int64(statement, 3, run.To));
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                read.Add(raw.sqlite3_column_int64(statement, 4), new CampaignRollupRow(
                    raw.sqlite3_column_int64(statement, 0),
                    raw.sqlite3_column_int64(statement, 1),
                    raw.sqlite3_column_double(statement, 2),
                    raw.sqlite3_column_int(statement, 3)));
            }

            SqliteRaw.Check(db, rc);
        }
    }

    /// <summary>
    /// Where rows go as they are read: into the report's sums, and into their bucket's rows, to be kept. A run holding more
    /// rows than the cache keeps (years of a busy account in one report) is only summed, as it streams by.
    /// </summary>
    private sealed class RowsRead(CampaignTotals totals, int sign, int limit)
    {
        private readonly Dictionary<long, List<CampaignRollupRow>> _byBucket = [];
        private long _start = long.MinValue;
        private List<CampaignRollupRow>? _rows;
        private int _collected;

        /// <summary>Whether the run's buckets are to be kept (it fits in the cache).</summary>
        public bool Keeping { get; private set; } = true;

        public void Add(long start, in CampaignRollupRow row)
        {
            totals.Add(row, sign);
            if (!Keeping)
            {
                return;
            }

            if (++_collected > limit)
            {
                Keeping = false;
                _byBucket.Clear();
                _rows = null;
                return;
            }

            // Rows mostly come in bucket order: the bucket is looked up only when it changes.
            if (start != _start || _rows is null)
            {
                _start = start;
                _rows = CollectionsMarshal.GetValueRefOrAddDefault(_byBucket, start, out _) ??= [];
            }

            _rows.Add(row);
        }

        /// <summary>
        /// A bucket's rows in key order: adding them later then walks the report's sums (one per key, most of them
        /// megabytes apart in key order) forward instead of jumping about them.
        /// </summary>
        public CampaignRollupRow[] Bucket(long start)
        {
            if (!_byBucket.TryGetValue(start, out var rows))
            {
                return [];
            }

            var array = rows.ToArray();
            array.AsSpan().Sort(static (a, b) => a.KeyAndConversations.CompareTo(b.KeyAndConversations));
            return array;
        }
    }
}
