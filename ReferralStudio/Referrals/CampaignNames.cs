namespace ReferralStudio.Referrals;

/// <summary>
/// What a campaign touch is counted and shown under: the trigger that fired, else the code, else the ad. The one
/// definition of that rule, for C# and for SQL.
/// </summary>
public static class CampaignNames
{
    public const string None = "(none)";

    public static string Of(string? triggerName, string? @ref, string? adId) => triggerName ?? @ref ?? (adId is null ? None : "ad " + adId);

    /// <summary>The same rule as a SQL expression over the given columns (in SQLite <c>'ad ' || NULL</c> is NULL).</summary>
    public static string Sql(string triggerName, string @ref, string adId) => $"COALESCE({triggerName}, {@ref}, 'ad ' || {adId}, '{None}')";
}
