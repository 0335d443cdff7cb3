namespace ReferralStudio.Conversions;

/// <summary>What campaign reports keep in memory between runs, one per database (a singleton in the app): the keys and the days.</summary>
public sealed record CampaignCaches(CampaignKeyCache Keys, CampaignDayCache Days)
{
    public CampaignCaches()
        : this(new CampaignKeyCache(), new CampaignDayCache())
    {
    }
}
