using System.Data.Common;
using ReferralStudio.Data;

namespace ReferralStudio.Conversions;

/// <summary>
/// The campaign keys (<see cref="CampaignKey"/>) in memory, indexed by id, with each key's rank in the order the
/// report lists equal rows in (trigger id, ref ignoring case, ad id; NULLs first, as SQLite sorts them). A report
/// then reads only integers from the rollup. Keys are only ever added, so the cache catches up by reading the ids
/// above the highest it holds, normally none; a key whose id was taken before a higher one committed (the processor
/// takes ids ahead on PostgreSQL) is read when a report first meets it (<see cref="CompleteAsync"/>). One per database
/// (a singleton in the app).
/// </summary>
public sealed class CampaignKeyCache
{
    private readonly Lock _gate = new();
    private Snapshot _current = Snapshot.Empty;

    /// <summary>The keys up to <see cref="MaxId"/>; arrays are indexed by key id and never change.</summary>
    public sealed class Snapshot
    {
        public static readonly Snapshot Empty = new(0, [null], [null], [null], [0], [], [false]);

        private readonly bool[] _known;

        private Snapshot(long maxId, long?[] triggerIds, string?[] refs, string?[] adIds, int[] ranks, int[] order, bool[] known)
        {
            _known = known;
            MaxId = maxId;
            TriggerIds = triggerIds;
            Refs = refs;
            AdIds = adIds;
            Ranks = ranks;
            Order = order;
        }

        public long MaxId { get; }
        public long?[] TriggerIds { get; }
        public string?[] Refs { get; }
        public string?[] AdIds { get; }
        /// <summary>Position of each key in the listing order.</summary>
        public int[] Ranks { get; }
        /// <summary>Key ids in listing order.</summary>
        private int[] Order { get; }

        public int Length => TriggerIds.Length;

        public bool Knows(int id) => id < _known.Length && _known[id];

        internal Snapshot With(List<(int Id, long? TriggerId, string? Ref, string? AdId)> added)
        {
            var length = Math.Max(Length, added.Max(a => a.Id) + 1);
            var triggerIds = new long?[length];
            var refs = new string?[length];
            var adIds = new string?[length];
            var known = new bool[length];
            Array.Copy(TriggerIds, triggerIds, TriggerIds.Length);
            Array.Copy(Refs, refs, Refs.Length);
            Array.Copy(AdIds, adIds, AdIds.Length);
            Array.Copy(_known, known, _known.Length);
            foreach (var (id, triggerId, @ref, adId) in added)
            {
                triggerIds[id] = triggerId;
                refs[id] = @ref;
                adIds[id] = adId;
                known[id] = true;
            }

            int Compare(int a, int b) => CampaignKeyOrder.Compare(triggerIds[a], refs[a], adIds[a], triggerIds[b], refs[b], adIds[b]);
            List<int> order;
            if (added.Count > Order.Length / 16)
            {
                order = [.. Order, .. added.Select(a => a.Id)];
                order.Sort(Compare);
            }
            else
            {
                // A few new keys (the usual case while conversations come in): insert them where they belong.
                order = [.. Order];
                var comparer = Comparer<int>.Create(Compare);
                foreach (var (id, _, _, _) in added)
                {
                    var at = order.BinarySearch(id, comparer);
                    order.Insert(at < 0 ? ~at : at, id);
                }
            }

            var ranks = new int[length];
            for (var i = 0; i < order.Count; i++)
            {
                ranks[order[i]] = i;
            }

            return new Snapshot(Math.Max(MaxId, added.Max(a => a.Id)), triggerIds, refs, adIds, ranks, [.. order], known);
        }
    }

    /// <summary>The keys as of <paramref name="transaction"/>'s snapshot or later.</summary>
    internal async Task<Snapshot> RefreshAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        var after = connection.IsPostgres() ? "@after" : "$after";
        var added = await ReadAsync(connection, transaction, $"SELECT Id, TriggerId, Ref, AdId FROM CampaignKeys WHERE Id > {after} ORDER BY Id",
            command => command.AddParameter("$after", current.MaxId), cancellationToken);
        return added.Count == 0 ? current : Add(added);
    }

    /// <summary>
    /// The keys with the snapshot's and <paramref name="ids"/>, which a report met in the rollup but the snapshot lacks:
    /// their ids were taken before higher ones that committed earlier.
    /// </summary>
    internal async Task<Snapshot> CompleteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var added = await ReadAsync(connection, transaction, $"SELECT Id, TriggerId, Ref, AdId FROM CampaignKeys WHERE Id IN ({string.Join(", ", ids)}) ORDER BY Id",
            _ => { }, cancellationToken);
        return added.Count == 0 ? Volatile.Read(ref _current) : Add(added);
    }

    private static async Task<List<(int Id, long? TriggerId, string? Ref, string? AdId)>> ReadAsync(
        DbConnection connection, DbTransaction transaction, string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        var added = new List<(int Id, long? TriggerId, string? Ref, string? AdId)>();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            added.Add((
                checked((int)reader.GetInt64(0)),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return added;
    }

    private Snapshot Add(List<(int Id, long? TriggerId, string? Ref, string? AdId)> added)
    {
        lock (_gate)
        {
            // Another report may have caught up meanwhile (from the same or a later snapshot).
            var latest = _current;
            added.RemoveAll(a => latest.Knows(a.Id));
            if (added.Count > 0)
            {
                Volatile.Write(ref _current, latest.With(added));
            }

            return _current;
        }
    }
}

/// <summary>
/// The order SQLite's GROUP BY over (TriggerId, Ref, AdId) lists keys in: NULLs first, the ref compared like the
/// NOCASE collation (ASCII letters folded to lower case, then ordinal), the ad id like BINARY (ordinal).
/// </summary>
public static class CampaignKeyOrder
{
    public static int Compare(long? triggerA, string? refA, string? adA, long? triggerB, string? refB, string? adB)
    {
        var byTrigger = Nullable.Compare(triggerA, triggerB);
        if (byTrigger != 0)
        {
            return byTrigger;
        }

        var byRef = CompareNoCase(refA, refB);
        return byRef != 0 ? byRef : CompareNullsFirst(adA, adB);
    }

    public static int CompareNoCase(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var x = Fold(a[i]);
            var y = Fold(b[i]);
            if (x != y)
            {
                return x < y ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static int CompareNullsFirst(string? a, string? b) =>
        a is null || b is null ? (a is null ? (b is null ? 0 : -1) : 1) : string.CompareOrdinal(a, b);

    private static char Fold(char c) => c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}
