namespace ReferralStudio.Conversions;

/// <summary>
/// The steps from a printed or shared link to a sale, summed: scans of trackable links, conversations started,
/// campaign touches, conversations with a conversion, conversions and their value. Rates are worked out from the sums.
/// </summary>
public sealed record CampaignFunnel(long Scans, int Conversations, int Touches, int Converted, int Conversions, double Value)
{
    public static readonly CampaignFunnel Empty = new(0, 0, 0, 0, 0, 0);

    /// <summary>Conversations per scan; none without scans.</summary>
    public double? ConversationsPerScan => CampaignTotals.PerScan(Conversations, Scans);

    /// <summary>The share of conversations with a conversion.</summary>
    public double ConversionRate => CampaignTotals.Rate(Conversations, Converted);

    /// <summary>The report's rows summed; pass one level only (by trigger, or by code), never both.</summary>
    public static CampaignFunnel Of(IEnumerable<CampaignRowDto> rows)
    {
        long scans = 0;
        int conversations = 0, touches = 0, converted = 0, conversions = 0;
        double value = 0;
        foreach (var row in rows)
        {
            scans += row.Scans;
            conversations += row.Conversations;
            touches += row.Touches;
            converted += row.ConvertedConversations;
            conversions += row.Conversions;
            value += row.ConversionValue;
        }

        return new(scans, conversations, touches, converted, conversions, ConversionValues.Finite(value));
    }
}
