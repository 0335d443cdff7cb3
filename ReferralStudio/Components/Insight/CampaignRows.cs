using ReferralStudio.Conversions;

namespace ReferralStudio.Components.Insight;

/// <summary>One campaign in the analytics table: a code, an ad, or both, with its numbers under one attribution model.</summary>
public sealed record CampaignLine(string? Code, string? AdId, IReadOnlyList<(long? Id, string? Name)> Triggers, CampaignRowDto Numbers);

/// <summary>
/// Shapes the campaign report for the table. The report keys rows by (trigger, code, ad id), so a code whose
/// trigger changed, or written in another case, came back as two rows that looked the same; a marketer asks about
/// the code and the ad, so those rows are summed into one per (code ignoring case, ad id), naming every trigger.
/// </summary>
public static class CampaignRows
{
    public static List<CampaignLine> ByCode(IEnumerable<CampaignRowDto> rows) =>
        rows.GroupBy(r => (Code: r.Ref?.ToLowerInvariant(), r.AdId))
            .Select(g =>
            {
                // The spelling with the most conversations names the line.
                var code = g.Where(r => r.Ref is not null).OrderByDescending(r => r.Conversations).ThenBy(r => r.Ref, StringComparer.Ordinal).FirstOrDefault()?.Ref;
                var triggers = g.Select(r => (r.TriggerId, r.TriggerName)).Distinct()
                    .OrderBy(t => t.TriggerName is null).ThenBy(t => t.TriggerName, StringComparer.Ordinal).ToList();
                return new CampaignLine(code, g.Key.AdId, triggers, Sum(g.ToList()));
            })
            .OrderByDescending(l => l.Numbers.Conversations).ThenByDescending(l => l.Numbers.Conversions)
            .ThenBy(l => l.Code ?? l.AdId, StringComparer.Ordinal)
            .ToList();

    /// <summary>Rows summed; the rate is worked out again from the sums, not averaged.</summary>
    public static CampaignRowDto Sum(IReadOnlyList<CampaignRowDto> rows)
    {
        if (rows.Count == 1)
        {
            return rows[0];
        }

        var conversations = rows.Sum(r => r.Conversations);
        var converted = rows.Sum(r => r.ConvertedConversations);
        return new CampaignRowDto(rows[0].TriggerId, rows[0].TriggerName, rows[0].Ref, rows[0].AdId, conversations, converted,
            rows.Sum(r => r.Conversions), rows.Sum(r => r.ConversionValue), conversations == 0 ? 0 : (double)converted / conversations);
    }
}
