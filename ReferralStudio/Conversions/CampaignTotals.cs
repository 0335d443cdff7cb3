using System.Buffers;

namespace ReferralStudio.Conversions;

/// <summary>
/// A report's sums per campaign key id, in a pooled array indexed by id (ids are dense), with the ids seen in
/// order of appearance; then the report's rows, per key and per trigger.
/// </summary>
internal sealed class CampaignTotals(int length) : IDisposable
{
    private Total[] _totals = Rent(length);
    private int _length = length;
    private readonly List<int> _seen = [];

    /// <summary>The key ids with sums, in order of appearance.</summary>
    public IReadOnlyList<int> Seen => _seen;

    private static Total[] Rent(int length)
    {
        var array = ArrayPool<Total>.Shared.Rent(length);
        Array.Clear(array, 0, length);
        return array;
    }

    public ref Total At(long keyId)
    {
        if (keyId <= 0 || keyId > int.MaxValue)
        {
            throw new InvalidOperationException($"Campaign key {keyId} is not a key id.");
        }

        if (keyId >= _length)
        {
            // A key committed after the cache was read (ids are taken before their transactions commit).
            Grow((int)keyId + 1);
        }

        ref var total = ref _totals[keyId];
        if (!total.Seen)
        {
            total.Seen = true;
            _seen.Add((int)keyId);
        }

        return ref total;
    }

    /// <summary>Adds (<paramref name="sign"/> 1) or takes away (-1) a rollup row; the value only where there are conversions.</summary>
    public void Add(in CampaignRollupRow row, int sign)
    {
        ref var total = ref At(row.KeyAndConversations >> 32);
        total.Conversations += sign * (int)row.KeyAndConversations;
        total.Converted += sign * (int)(row.ConvertedAndConversions >> 32);
        total.Touches += sign * row.Touches;
        var conversions = (int)row.ConvertedAndConversions;
        if (conversions != 0)
        {
            total.Conversions += sign * conversions;
            total.Value += sign * row.Value;
        }
    }

    /// <summary>Adds or takes away rows kept by <see cref="CampaignRollupCache"/>.</summary>
    public void Add(CampaignRollupRow[] rows, int sign)
    {
        foreach (ref readonly var row in rows.AsSpan())
        {
            Add(row, sign);
        }
    }

    /// <summary>One row per key with a conversation, a conversion, a campaign touch or a scan in the range, in the report's order.</summary>
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
            if (t.Conversations < 0 || t.Converted < 0 || t.Conversions < 0 || t.Touches < 0)
            {
                throw new InvalidOperationException($"Campaign key {id} sums below zero: the rollup is out of date (CampaignRollup.RebuildAsync rebuilds it).");
            }

            if (t.Conversations > 0 || t.Conversions > 0 || t.Touches > 0 || t.Scans > 0)
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
                t.Conversions == 0 ? 0 : ConversionValues.Finite(t.Value),
                Rate(t.Conversations, t.Converted),
                t.Scans,
                keys.AdIds[id] is null ? t.Touches : null,
                PerScan(t.Conversations, t.Scans)));
        }

        return rows;
    }

    /// <summary>The row of a scanned code nobody has written with yet: the funnel's first step only.</summary>
    public static CampaignRowDto ScansOnly(long? triggerId, string? triggerName, string code, long scans) =>
        new(triggerId, triggerName, code, null, 0, 0, 0, 0, 0, scans, 0, PerScan(0, scans));

    private void Grow(int length)
    {
        var grown = Rent(Math.Max(length, _length * 2));
        Array.Copy(_totals, grown, _length);
        ArrayPool<Total>.Shared.Return(_totals);
        _totals = grown;
        _length = Math.Max(length, _length * 2);
    }

    public void Dispose() => ArrayPool<Total>.Shared.Return(_totals);

    /// <summary>The rows summed per trigger (rows without one together): most conversations first, then most conversions, then by id.</summary>
    public static List<CampaignRowDto> ByTrigger(List<CampaignRowDto> byRef)
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
            sum.Value = ConversionValues.Finite(sum.Value + r.ConversionValue);
            sum.Scans += r.Scans;
            sum.ScannedConversations += r.Scans > 0 ? r.Conversations : 0;
            sum.Touches += r.Touches ?? 0;
        }

        return sums.Values.Append(none).OfType<TriggerSum>()
            .Select(s => new CampaignRowDto(s.TriggerId, s.Name, null, null, s.Conversations, s.Converted, s.Conversions, s.Value,
                Rate(s.Conversations, s.Converted), s.Scans, s.Touches, PerScan(s.ScannedConversations, s.Scans)))
            .OrderByDescending(r => r.Conversations).ThenByDescending(r => r.Conversions).ThenBy(r => r.TriggerId)
            .ToList();
    }

    public static double Rate(int conversations, int converted) => conversations == 0 ? 0 : (double)converted / conversations;

    /// <summary>Conversations per scan; none without scans (a code also shared another way can pass one). Rows summed count only the conversations of scanned codes.</summary>
    public static double? PerScan(int conversations, long scans) => scans == 0 ? null : (double)conversations / scans;

    public struct Total
    {
        public int Conversations;
        public int Converted;
        public int Conversions;
        public double Value;
        public int Touches;
        public long Scans;
        public bool Seen;
    }

    private sealed class TriggerSum(long? triggerId, string? name)
    {
        public long? TriggerId => triggerId;
        public string? Name => name;
        public int Conversations { get; set; }
        public int Converted { get; set; }
        public int Conversions { get; set; }
        public double Value { get; set; }
        public long Scans { get; set; }
        /// <summary>Conversations of the trigger's codes that were scanned: its ads and unprinted codes are no scan's doing.</summary>
        public int ScannedConversations { get; set; }
        public int Touches { get; set; }
    }
}
