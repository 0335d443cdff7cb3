namespace ReferralStudio.Conversions;

/// <summary>What campaign reports keep in memory between runs, one per database (a singleton in the app): the keys and the rollup's hours and days.</summary>
public sealed record CampaignCaches(CampaignKeyCache Keys, CampaignRollupCache Rollup)
{
    public CampaignCaches()
        : this(new CampaignKeyCache(), new CampaignRollupCache())
    {
    }
}
