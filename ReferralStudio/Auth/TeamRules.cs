namespace ReferralStudio.Auth;

/// <summary>Who acts on the team page: their id, email and role, as the database holds them now (not as their cookie says).</summary>
public sealed record TeamActor(long Id, string Email, string Role);

/// <summary>
/// What a member of the team may do to another, as plain functions of roles and counts: the page asks them to decide
/// which controls a row offers, and <see cref="Team"/> asks them again inside the transaction that makes the change.
/// Each answers null (allowed) or the reason, in words for the page.
/// </summary>
public static class TeamRules
{
    public const string LastOwner = "the last active Owner: make someone else Owner first";

    /// <summary>Whether <paramref name="actor"/> may give someone <paramref name="role"/>.</summary>
    public static string? MayGrant(TeamActor actor, string role) =>
        !StudioRoles.All.Contains(role) ? $"'{role}' is not a role." :
        role == StudioRoles.Owner && actor.Role != StudioRoles.Owner ? "Only an Owner can make someone an Owner." :
        MayAdminister(actor);

    /// <summary>Whether <paramref name="actor"/> may change, disable or remove a member whose role is <paramref name="targetRole"/>.</summary>
    public static string? MayManage(TeamActor actor, string targetRole) =>
        MayAdminister(actor) ?? (targetRole == StudioRoles.Owner && actor.Role != StudioRoles.Owner ? "Only an Owner can change, disable or remove an Owner." : null);

    public static string? MayChangeRole(TeamActor actor, long targetId, string targetRole, string newRole, bool targetIsActiveOwner, int activeOwners) =>
        MayManage(actor, targetRole) ?? MayGrant(actor, newRole)
        ?? (targetIsActiveOwner && newRole != StudioRoles.Owner && activeOwners <= 1 ? Capital($"{Who(actor, targetId)} {LastOwner}.") : null);

    /// <summary>Disabling and removing: never oneself (a slip would lock the actor out), never the last active Owner.</summary>
    public static string? MayDisableOrRemove(TeamActor actor, long targetId, string targetRole, bool targetIsActiveOwner, int activeOwners, string verb) =>
        targetIsActiveOwner && activeOwners <= 1 && MayManage(actor, targetRole) is null ? Capital($"{Who(actor, targetId)} {LastOwner}.") :
        actor.Id == targetId ? $"You cannot {verb} yourself here; another Owner or Admin can." :
        MayManage(actor, targetRole);

    private static string? MayAdminister(TeamActor actor) =>
        actor.Role is StudioRoles.Owner or StudioRoles.Admin ? null : "Only Owners and Admins manage the team.";

    private static string Who(TeamActor actor, long targetId) => actor.Id == targetId ? "you are" : "this is";

    private static string Capital(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
