namespace ReferralStudio.Conversions;

/// <summary>
/// The steps from a printed or shared link to a sale, summed: scans of trackable links, conversations started (and how
/// many of them on codes that were scanned), campaign touches, conversations with a conversion, conversions and their
/// value. Rates are worked out from the sums.
/// </summary>
public sealed record CampaignFunnel(long Scans, int Conversations, int ScannedConversations, int Touches, int Converted, int Conversions, double Value)
{
    public static readonly CampaignFunnel Empty = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Conversations on scanned codes per scan; none without scans.</summary>
    public double? ConversationsPerScan => CampaignTotals.PerScan(ScannedConversations, Scans);

    /// <summary>The share of conversations with a conversion.</summary>
    public double ConversionRate => CampaignTotals.Rate(Conversations, Converted);

    /// <summary>The report's rows by code summed (a trigger's row no longer tells which of its conversations came on scanned codes).</summary>
    public static CampaignFunnel Of(IEnumerable<CampaignRowDto> byRef)
    {
        long scans = 0;
        int conversations = 0, scannedConversations = 0, touches = 0, converted = 0, conversions = 0;
        double value = 0;
        foreach (var row in byRef)
        {
            scans += row.Scans;
            conversations += row.Conversations;
            scannedConversations += row.Scans > 0 ? row.Conversations : 0;
            touches += row.Touches ?? 0;
            converted += row.ConvertedConversations;
            conversions += row.Conversions;
            value += row.ConversionValue;
        }

        return new(scans, conversations, scannedConversations, touches, converted, conversions, ConversionValues.Finite(value));
    }
}
