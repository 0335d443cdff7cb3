using ReferralStudio.Conversions;

namespace ReferralStudio.Components.Insight;

/// <summary>One campaign in the analytics table: a code, an ad, or both, with its numbers under one attribution model.</summary>
public sealed record CampaignLine(string? Code, string? AdId, IReadOnlyList<(long? Id, string? Name)> Triggers, CampaignRowDto Numbers);

/// <summary>
/// Shapes the campaign report for the table. The report keys rows by (trigger, code, ad id), so a code whose
/// trigger changed, or written in another case, came back as two rows that looked the same; a marketer asks about
/// the code and the ad, so those rows are summed into one per (code ignoring case, as triggers match it; ad id),
/// naming every trigger.
/// </summary>
public static class CampaignRows
{
    /// <summary>
    /// One pass over the report, which holds a row per code for the whole range (tens of thousands): rows are gathered by
    /// hashing, the groups sorted by their numbers, and a line is built only when it is read (a page shows 25).
    /// </summary>
    public static IReadOnlyList<CampaignLine> ByCode(IReadOnlyList<CampaignRowDto> rows)
    {
        var groups = new Dictionary<(string? Code, string? AdId), int>(rows.Count, SameCampaign.Instance);
        var firsts = new List<CampaignRowDto>(rows.Count);
        Dictionary<int, List<CampaignRowDto>>? more = null;
        foreach (var row in rows)
        {
            if (groups.TryAdd((row.Ref, row.AdId), firsts.Count))
            {
                firsts.Add(row);
                continue;
            }

            var at = groups[(row.Ref, row.AdId)];
            more ??= [];
            if (!more.TryGetValue(at, out var group))
            {
                more[at] = group = [firsts[at]];
            }

            group.Add(row);
        }

        // The few codes under several triggers or spellings become lines now; the rest when read.
        var merged = more?.ToDictionary(g => g.Key, g => Merge(g.Value));
        var keys = new LineKey[firsts.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var (code, numbers) = merged is not null && merged.TryGetValue(i, out var line) ? (line.Code, line.Numbers) : (firsts[i].Ref, firsts[i]);
            keys[i] = new LineKey(numbers.Conversations, numbers.Conversions, code, numbers.AdId, i);
        }

        Array.Sort(keys);
        return new Lines(firsts, merged, keys);
    }

    /// <summary>Rows summed; the rates are worked out again from the sums, not averaged.</summary>
    public static CampaignRowDto Sum(IReadOnlyList<CampaignRowDto> rows)
    {
        if (rows.Count == 1)
        {
            return rows[0];
        }

        var conversations = rows.Sum(r => r.Conversations);
        var converted = rows.Sum(r => r.ConvertedConversations);
        var scans = rows.Sum(r => r.Scans);
        return new CampaignRowDto(rows[0].TriggerId, rows[0].TriggerName, rows[0].Ref, rows[0].AdId, conversations, converted,
            rows.Sum(r => r.Conversions), ConversionValues.Finite(rows.Sum(r => r.ConversionValue)), CampaignTotals.Rate(conversations, converted),
            scans, rows.All(r => r.Touches is null) ? null : rows.Sum(r => r.Touches ?? 0), CampaignTotals.PerScan(rows.Where(r => r.Scans > 0).Sum(r => r.Conversations), scans));
    }

    /// <summary>One line from the rows of a code and ad under several triggers or spellings.</summary>
    private static CampaignLine Merge(List<CampaignRowDto> group)
    {
        // The spelling with the most conversations names the line.
        var code = group.Where(r => r.Ref is not null).OrderByDescending(r => r.Conversations).ThenBy(r => r.Ref, StringComparer.Ordinal).FirstOrDefault()?.Ref;
        var triggers = group.Select(r => (r.TriggerId, r.TriggerName)).Distinct()
            .OrderBy(t => t.TriggerName is null).ThenBy(t => t.TriggerName, StringComparer.Ordinal).ToList();
        return new CampaignLine(code, group[0].AdId, triggers, Sum(group));
    }

    /// <summary>
    /// A line's place in the table: most conversations, then most conversions, then by code (or ad id) and ad id, so the
    /// order never depends on the report's.
    /// </summary>
    private readonly record struct LineKey(int Conversations, int Conversions, string? Code, string? AdId, int Group) : IComparable<LineKey>
    {
        public int CompareTo(LineKey other)
        {
            var order = other.Conversations.CompareTo(Conversations);
            if (order == 0)
            {
                order = other.Conversions.CompareTo(Conversions);
            }

            if (order == 0)
            {
                order = string.CompareOrdinal(Code ?? AdId, other.Code ?? other.AdId);
            }

            return order != 0 ? order : string.CompareOrdinal(AdId, other.AdId);
        }
    }

    /// <summary>The sorted lines; a single report row becomes its line when read.</summary>
    private sealed class Lines(List<CampaignRowDto> firsts, Dictionary<int, CampaignLine>? merged, LineKey[] keys) : IReadOnlyList<CampaignLine>
    {
        public int Count => keys.Length;

        public CampaignLine this[int index]
        {
            get
            {
                var group = keys[index].Group;
                if (merged is not null && merged.TryGetValue(group, out var line))
                {
                    return line;
                }

                var row = firsts[group];
                return new CampaignLine(row.Ref, row.AdId, [(row.TriggerId, row.TriggerName)], row);
            }
        }

        public IEnumerator<CampaignLine> GetEnumerator()
        {
            for (var i = 0; i < keys.Length; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The same code in any case, and the same ad id.</summary>
    private sealed class SameCampaign : IEqualityComparer<(string? Code, string? AdId)>
    {
        public static readonly SameCampaign Instance = new();

        public bool Equals((string? Code, string? AdId) x, (string? Code, string? AdId) y) =>
            string.Equals(x.Code, y.Code, StringComparison.OrdinalIgnoreCase) && string.Equals(x.AdId, y.AdId, StringComparison.Ordinal);

        public int GetHashCode((string? Code, string? AdId) key) =>
            HashCode.Combine(key.Code is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(key.Code), key.AdId is null ? 0 : StringComparer.Ordinal.GetHashCode(key.AdId));
    }
}
