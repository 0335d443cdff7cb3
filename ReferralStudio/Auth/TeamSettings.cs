namespace ReferralStudio.Auth;

/// <summary>The team's sign-in rules: one row (id 1), changed by Owners on the team page.</summary>
public sealed class TeamSettings
{
    public const int SingleId = 1;

    public int Id { get; set; }

    /// <summary>Everyone must use two-step sign-in: a member without it is sent to set it up before anything else.</summary>
    public bool RequireTwoStep { get; set; }
}
