using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace ReferralStudio.Auth;

/// <summary>
/// What each member of a team may do, from most to least. Every user has exactly one role; a page or endpoint names the
/// least role it needs through one of the <see cref="Policies"/>.
/// </summary>
public static class StudioRoles
{
    /// <summary>Everything, including the team's Owners and the team-wide sign-in rules.</summary>
    public const string Owner = "Owner";

    /// <summary>Everything but Owners: users, access tokens, subscriptions, inbound deliveries.</summary>
    public const string Admin = "Admin";

    /// <summary>Triggers, links, QR codes, kits, the simulator and the demo data; no tokens, keys, users or subscriptions.</summary>
    public const string Marketer = "Marketer";

    /// <summary>Reads the overview, feed, timelines, analytics and the live board; changes nothing.</summary>
    public const string Viewer = "Viewer";

    public static readonly string[] All = [Owner, Admin, Marketer, Viewer];

    /// <summary>The roles as rows with fixed ids, seeded by the migration that introduced them.</summary>
    public static IdentityRole<long>[] Seed { get; } = All.Select((name, i) => new IdentityRole<long>
    {
        Id = i + 1,
        Name = name,
        NormalizedName = name.ToUpperInvariant(),
        ConcurrencyStamp = $"role-{i + 1}",
    }).ToArray();

    /// <summary>Authorization policies by the least role they admit.</summary>
    public static class Policies
    {
        public const string Read = "read";
        public const string Edit = "edit";
        public const string Administer = "administer";
        public const string Own = "own";
    }

    /// <summary>Whether <paramref name="user"/>'s role is one <paramref name="policy"/> admits (a component's second check after the markup's).</summary>
    public static bool Allows(ClaimsPrincipal user, string policy) => Admitted(policy).Any(user.IsInRole);

    /// <summary>The roles a policy admits, as <c>AuthorizeView</c>'s <c>Roles</c> takes them.</summary>
    public static string RolesOf(string policy) => string.Join(',', Admitted(policy));

    /// <summary>The roles a policy admits.</summary>
    public static string[] Admitted(string policy) => policy switch
    {
        Policies.Read => [Owner, Admin, Marketer, Viewer],
        Policies.Edit => [Owner, Admin, Marketer],
        Policies.Administer => [Owner, Admin],
        Policies.Own => [Owner],
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "not a policy"),
    };
}
