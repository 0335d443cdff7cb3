using System.Buffers.Text;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Audit;
using ReferralStudio.Data;

namespace ReferralStudio.Auth;

public enum MemberStatus
{
    Active,
    /// <summary>Invited and not yet joined: no password; the invitation may have expired.</summary>
    Invited,
    Disabled,
}

/// <summary>A member as the audit log records them.</summary>
public sealed record TeamMemberState(long Id, string Email, string Role, string Status, DateTimeOffset? InvitationExpires, bool TwoStep);

/// <summary>What the acting user may do to one row, and if something is refused, why.</summary>
public sealed record MemberActions(bool ChangeRole, bool Disable, bool Enable, bool Remove, bool Reinvite, string? Why, bool ResetTwoStep = false);

public sealed record TeamMember(
    long Id, string Email, string Role, MemberStatus Status, DateTimeOffset? InvitationExpires,
    DateTimeOffset? LastSignInAt, DateTimeOffset CreatedAt, MemberActions Allowed, bool TwoStep = false);

/// <summary>
/// One page of the team; <see cref="Actor"/> null when the acting user no longer exists or is disabled. The team's
/// sign-in rule, and whether the actor may change it (Owners only).
/// </summary>
public sealed record TeamList(IReadOnlyList<TeamMember> Rows, int Total, TeamActor? Actor, IReadOnlyList<string> Grantable,
    bool TwoStepRequired = false, bool MayRequireTwoStep = false);

/// <summary>A change done (<see cref="Error"/> null) or refused, with the reason.</summary>
public sealed record TeamOutcome(string? Error)
{
    public static TeamOutcome Done { get; } = new((string?)null);
    public bool Succeeded => Error is null;
}

/// <summary>An invitation made: the token to put in the link, shown once; or why not (the email's fault, or another).</summary>
public sealed record InviteOutcome(string? Token, DateTimeOffset Expires, string? EmailError, string? Error)
{
    public bool Succeeded => Token is not null;
}

/// <summary>An invitation accepted (the member's id), or the password's problems, or why the link no longer works.</summary>
public sealed record AcceptOutcome(long? MemberId, IReadOnlyList<string> PasswordErrors, string? Error);

/// <summary>
/// The team: listing, inviting, accepting, roles, disabling and removing, by the rules of <see cref="TeamRules"/>,
/// each change audited in its own transaction. A singleton that opens a scope per operation, so a Blazor circuit never
/// holds a <see cref="UserManager{TUser}"/> or context for its whole life.
/// </summary>
public sealed partial class Team(IServiceScopeFactory scopes, AuditLog audit, TwoStepRequirement twoStep, TimeProvider time, ILogger<Team> logger)
{
    /// <summary>Where the invitation lives in Identity's user token store: no table of its own.</summary>
    public const string TokenProvider = "ReferralStudio";
    public const string TokenName = "invitation";

    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    public const string InvalidInvitation =
        "This invitation link is not valid: it has expired, has already been used or was replaced by a newer one. Ask an Owner or Admin of your team for a new link.";

    public async Task<TeamList> ListAsync(long actorId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        var actor = await ActorAsync(db, actorId, now, cancellationToken);
        var activeOwners = await ActiveOwnersAsync(db, now, cancellationToken);
        var total = await db.Users.CountAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id)
            .Skip((Math.Max(1, page) - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var ids = users.ConvertAll(u => u.Id);
        var roles = await RolesOf(db).Where(r => ids.Contains(r.UserId)).ToListAsync(cancellationToken);
        var invitations = await db.UserTokens.AsNoTracking()
            .Where(t => t.LoginProvider == TokenProvider && t.Name == TokenName && ids.Contains(t.UserId))
            .ToDictionaryAsync(t => t.UserId, t => Invitation.Parse(t.Value), cancellationToken);
        var rows = users.ConvertAll(u =>
        {
            var role = roles.FirstOrDefault(r => r.UserId == u.Id)?.Role ?? StudioRoles.Viewer;
            var state = State(u, invitations.GetValueOrDefault(u.Id), now);
            var allowed = Allowed(actor, u.Id, role, state.Status, activeOwners) with
            {
                ResetTwoStep = u.TwoFactorEnabled && actor is not null && TeamRules.MayManage(actor, role) is null,
            };
            return new TeamMember(u.Id, u.Email ?? "", role, state.Status, state.Expires, u.LastSignInAt, u.CreatedAt, allowed, u.TwoFactorEnabled);
        });
        var grantable = actor is null ? [] : StudioRoles.All.Where(r => TeamRules.MayGrant(actor, r) is null).ToList();
        var required = await db.TeamSettings.AsNoTracking().Where(t => t.Id == TeamSettings.SingleId).Select(t => t.RequireTwoStep).FirstOrDefaultAsync(cancellationToken);
        return new(rows, total, actor, grantable, required, actor?.Role == StudioRoles.Owner);
    }

    /// <summary>
    /// Invites <paramref name="email"/> as <paramref name="role"/>: a user with no password and a one-time link valid for
    /// <see cref="InvitationLifetime"/>. Inviting someone already invited replaces their link (the old one stops working).
    /// </summary>
    public async Task<InviteOutcome> InviteAsync(long actorId, string? email, string role, CancellationToken cancellationToken = default)
    {
        email = email?.Trim() ?? "";
        if (EmailProblem(email) is { } problem)
        {
            return new(null, default, problem, null);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var now = time.GetUtcNow();
        // Immediate on SQLite: checks and changes of concurrent team operations do not interleave.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await ActorAsync(db, actorId, now, cancellationToken) is not { } actor)
        {
            return new(null, default, null, "Your account is no longer active.");
        }

        if (TeamRules.MayGrant(actor, role) is { } refused)
        {
            return new(null, default, null, refused);
        }

        var user = await users.FindByEmailAsync(email);
        AuditSnapshot? before = null;
        if (user is not null)
        {
            if (user.EmailConfirmed)
            {
                return new(null, default, $"{user.Email} is already a member of the team.", null);
            }

            var currentRole = await RoleAsync(users, user);
            if (TeamRules.MayManage(actor, currentRole) is { } notYours)
            {
                return new(null, default, null, notYours);
            }

            if (IsDisabled(user, now))
            {
                return new(null, default, $"{user.Email} is disabled; enable them before sending a new link.", null);
            }

            before = AuditSnapshot.Of(await StateAsync(db, users, user, now, cancellationToken));
            if (currentRole != role && await SetRoleAsync(users, user, role) is { Succeeded: false } failed)
            {
                return new(null, default, null, Describe(failed));
            }
        }
        else
        {
            user = new StudioUser { UserName = email, Email = email, EmailConfirmed = false, CreatedAt = now };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                return new(null, default, Describe(created), null);
            }

            if (await users.AddToRoleAsync(user, role) is { Succeeded: false } failed)
            {
                return new(null, default, null, Describe(failed));
            }
        }

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var expires = now + InvitationLifetime;
        await users.SetAuthenticationTokenAsync(user, TokenProvider, TokenName, new Invitation(Hash(token), expires).ToString());
        var by = AuditActor.User(actor.Email, Id(actor.Id));
        var after = AuditSnapshot.Of(await StateAsync(db, users, user, now, cancellationToken));
        var summary = before is null ? $"Invited '{email}' as {role}" : $"Sent '{email}' a new invitation link as {role}";
        // A new link within the same second changes no audited field, and is still recorded.
        _ = audit.Add(db, by, AuditActions.UserInvited, before, after, summary) ?? audit.AddEvent(db, by, AuditActions.UserInvited, after, summary);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChange(logger, AuditActions.UserInvited, user.Id, actor.Id);
        return new(token, expires, null, null);
    }

    /// <summary>The email a valid invitation was sent to; null for an unknown, used, replaced or expired one.</summary>
    public async Task<string?> InvitedEmailAsync(string? token, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await MatchAsync(db, token, time.GetUtcNow(), cancellationToken))?.Email;
    }

    /// <summary>
    /// Joins with the invitation's <paramref name="token"/>: sets the password, confirms the email and forgets the token,
    /// so the link works once. Nothing changes when the token is not valid or the password is refused.
    /// </summary>
    public async Task<AcceptOutcome> AcceptAsync(string? token, string password, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await MatchAsync(db, token, now, cancellationToken) is not { } user)
        {
            return new(null, [], InvalidInvitation);
        }

        var before = AuditSnapshot.Of(await StateAsync(db, users, user, now, cancellationToken));
        var set = await users.AddPasswordAsync(user, password);
        if (!set.Succeeded)
        {
            return new(null, set.Errors.Select(e => e.Description).ToList(), null);
        }

        user.EmailConfirmed = true;
        user.LastSignInAt = now;
        // Saves the user's changes with it.
        await users.RemoveAuthenticationTokenAsync(user, TokenProvider, TokenName);
        audit.Add(db, AuditActor.User(user.Email ?? "", Id(user.Id)), AuditActions.UserJoined, before,
            AuditSnapshot.Of(await StateAsync(db, users, user, now, cancellationToken)), $"'{user.Email}' joined the team");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChange(logger, AuditActions.UserJoined, user.Id, user.Id);
        return new(user.Id, [], null);
    }

    public Task<TeamOutcome> ChangeRoleAsync(long actorId, long memberId, string role, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, memberId, AuditActions.UserRoleChanged,
            (actor, target) => target.Role == role ? "That is already their role." :
                TeamRules.MayChangeRole(actor, target.Member.Id, target.Role, role, target.IsActiveOwner, target.ActiveOwners),
            (users, user) => SetRoleAsync(users, user, role), cancellationToken);

    public Task<TeamOutcome> DisableAsync(long actorId, long memberId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, memberId, AuditActions.UserDisabled,
            (actor, target) => target.Status == MemberStatus.Disabled ? "They are already disabled." :
                TeamRules.MayDisableOrRemove(actor, target.Member.Id, target.Role, target.IsActiveOwner, target.ActiveOwners, "disable"),
            async (users, user) =>
            {
                // A lock-out that never ends is how a disabled user is marked (SignInService, the revalidation).
                var enabled = await users.SetLockoutEnabledAsync(user, true);
                return enabled.Succeeded ? await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue) : enabled;
            }, cancellationToken);

    public Task<TeamOutcome> EnableAsync(long actorId, long memberId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, memberId, AuditActions.UserEnabled,
            (actor, target) => target.Status != MemberStatus.Disabled ? "They are not disabled." : TeamRules.MayManage(actor, target.Role),
            async (users, user) =>
            {
                var ended = await users.SetLockoutEndDateAsync(user, null);
                return ended.Succeeded ? await users.SetLockoutEnabledAsync(user, false) : ended;
            }, cancellationToken);

    public Task<TeamOutcome> RemoveAsync(long actorId, long memberId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, memberId, AuditActions.UserRemoved,
            (actor, target) => TeamRules.MayDisableOrRemove(actor, target.Member.Id, target.Role, target.IsActiveOwner, target.ActiveOwners, "remove"),
            (users, user) => users.DeleteAsync(user), cancellationToken, removes: true);

    /// <summary>
    /// Turns off <paramref name="memberId"/>'s two-step sign-in and forgets their key and recovery codes (a lost phone):
    /// they sign in with the password alone, and set it up again, which the team may require. Their sessions end.
    /// </summary>
    public Task<TeamOutcome> ResetTwoStepAsync(long actorId, long memberId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, memberId, AuditActions.UserTwoStepReset,
            (actor, target) => !target.Member.TwoFactorEnabled ? "They do not use two-step sign-in." : TeamRules.MayManage(actor, target.Role),
            TwoStep.ForgetAsync, cancellationToken);

    /// <summary>
    /// Requires two-step sign-in of everyone, or stops requiring it: Owners only, and an Owner requires it only once they
    /// use it themselves (otherwise the rule would send them away from this page to set it up).
    /// </summary>
    public async Task<TeamOutcome> SetTwoStepRequiredAsync(long actorId, bool required, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await ActorAsync(db, actorId, now, cancellationToken) is not { } actor)
        {
            return new("Your account is no longer active.");
        }

        if (actor.Role != StudioRoles.Owner)
        {
            return new("Only an Owner can change the team's sign-in rules.");
        }

        if (required && !await db.Users.AnyAsync(u => u.Id == actorId && u.TwoFactorEnabled, cancellationToken))
        {
            return new("Turn on two-step sign-in for yourself first (your account page: your email at the top right), then require it of everyone.");
        }

        var settings = await db.TeamSettings.SingleAsync(t => t.Id == TeamSettings.SingleId, cancellationToken);
        var before = AuditSnapshot.Of(settings);
        settings.RequireTwoStep = required;
        audit.Add(db, AuditActor.User(actor.Email, Id(actor.Id)), AuditActions.TeamSignInRulesChanged, before, AuditSnapshot.Of(settings),
            required ? "Required two-step sign-in of everyone" : "Made two-step sign-in optional");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        twoStep.Set(required);
        LogChange(logger, AuditActions.TeamSignInRulesChanged, 0, actor.Id);
        return TeamOutcome.Done;
    }

    /// <summary>A member about to be changed, with what the rules need to know about them and the team.</summary>
    private sealed record Target(StudioUser Member, string Role, MemberStatus Status, bool IsActiveOwner, int ActiveOwners);

    private async Task<TeamOutcome> ChangeAsync(
        long actorId, long memberId, string action, Func<TeamActor, Target, string?> check,
        Func<UserManager<StudioUser>, StudioUser, Task<IdentityResult>> apply, CancellationToken cancellationToken, bool removes = false)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var now = time.GetUtcNow();
        // Immediate on SQLite: two Owners demoting each other at once cannot both see the other as the remaining Owner.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await ActorAsync(db, actorId, now, cancellationToken) is not { } actor)
        {
            return new("Your account is no longer active.");
        }

        if (await users.FindByIdAsync(Id(memberId)) is not { } user)
        {
            return new("That member was removed meanwhile.");
        }

        var state = await StateAsync(db, users, user, now, cancellationToken);
        var status = Enum.Parse<MemberStatus>(state.Status, ignoreCase: true);
        var target = new Target(user, state.Role, status, state.Role == StudioRoles.Owner && status == MemberStatus.Active,
            await ActiveOwnersAsync(db, now, cancellationToken));
        if (check(actor, target) is { } refused)
        {
            return new(refused);
        }

        // A new stamp ends the member's sessions, open dashboards included, at their next check.
        var stamped = await users.UpdateSecurityStampAsync(user);
        var result = stamped.Succeeded ? await apply(users, user) : stamped;
        if (!result.Succeeded)
        {
            return new(Describe(result));
        }

        audit.Add(db, AuditActor.User(actor.Email, Id(actor.Id)), action, AuditSnapshot.Of(state),
            removes ? null : AuditSnapshot.Of(await StateAsync(db, users, user, now, cancellationToken)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChange(logger, action, memberId, actor.Id);
        return TeamOutcome.Done;
    }

    private static MemberActions Allowed(TeamActor? actor, long id, string role, MemberStatus status, int activeOwners)
    {
        if (actor is null)
        {
            return new(false, false, false, false, false, "Your account is no longer active.");
        }

        var activeOwner = role == StudioRoles.Owner && status == MemberStatus.Active;
        var manage = TeamRules.MayManage(actor, role);
        var remove = TeamRules.MayDisableOrRemove(actor, id, role, activeOwner, activeOwners, "remove");
        var disable = status == MemberStatus.Disabled ? "" : TeamRules.MayDisableOrRemove(actor, id, role, activeOwner, activeOwners, "disable");
        // The only role change an active last Owner could get is a demotion.
        var changeRole = manage ?? (activeOwner && activeOwners <= 1 ? "" : null);
        return new(
            ChangeRole: changeRole is null,
            Disable: disable is null,
            Enable: status == MemberStatus.Disabled && manage is null,
            Remove: remove is null,
            Reinvite: status == MemberStatus.Invited && manage is null,
            Why: remove ?? manage);
    }

    /// <summary>The acting user if they exist, are not disabled and may administer; null otherwise.</summary>
    private async Task<TeamActor?> ActorAsync(AppDbContext db, long actorId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == actorId, cancellationToken);
        if (user is null || !user.EmailConfirmed || IsDisabled(user, now))
        {
            return null;
        }

        var role = await RolesOf(db).Where(r => r.UserId == actorId).Select(r => r.Role).FirstOrDefaultAsync(cancellationToken);
        return role is null ? null : new TeamActor(user.Id, user.Email ?? "", role);
    }

    /// <summary>Owners who have joined and are not disabled: the ones who can still sign in.</summary>
    private static async Task<int> ActiveOwnersAsync(AppDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ownerIds = RolesOf(db).Where(r => r.Role == StudioRoles.Owner).Select(r => r.UserId);
        // The lock-out end is compared here rather than in SQL: SQLite stores offsets as text.
        var owners = await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id) && u.EmailConfirmed)
            .Select(u => new { u.LockoutEnabled, u.LockoutEnd }).ToListAsync(cancellationToken);
        return owners.Count(o => !(o.LockoutEnabled && o.LockoutEnd > now));
    }

    /// <summary>Settable properties rather than a constructor, so queries can filter on them after the projection.</summary>
    private sealed class UserRole
    {
        public long UserId { get; init; }
        public string Role { get; init; } = "";
    }

    private static IQueryable<UserRole> RolesOf(AppDbContext db) =>
        from ur in db.UserRoles
        join r in db.Roles on ur.RoleId equals r.Id
        select new UserRole { UserId = ur.UserId, Role = r.Name! };

    private static async Task<string> RoleAsync(UserManager<StudioUser> users, StudioUser user) =>
        (await users.GetRolesAsync(user)).FirstOrDefault() ?? StudioRoles.Viewer;

    internal static async Task<TeamMemberState> StateAsync(AppDbContext db, UserManager<StudioUser> users, StudioUser user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await db.UserTokens.AsNoTracking()
            .Where(t => t.UserId == user.Id && t.LoginProvider == TokenProvider && t.Name == TokenName)
            .Select(t => t.Value).FirstOrDefaultAsync(cancellationToken);
        var role = await RoleAsync(users, user);
        var (status, expires) = State(user, stored is null ? null : Invitation.Parse(stored), now);
        return new(user.Id, user.Email ?? "", role, status.ToString().ToLowerInvariant(), expires, user.TwoFactorEnabled);
    }

    private static (MemberStatus Status, DateTimeOffset? Expires) State(StudioUser user, Invitation? invitation, DateTimeOffset now) =>
        IsDisabled(user, now) ? (MemberStatus.Disabled, null)
        : !user.EmailConfirmed ? (MemberStatus.Invited, invitation?.Expires)
        : (MemberStatus.Active, null);

    private static bool IsDisabled(StudioUser user, DateTimeOffset now) => user.LockoutEnabled && user.LockoutEnd > now;

    private static async Task<IdentityResult> SetRoleAsync(UserManager<StudioUser> users, StudioUser user, string role)
    {
        var removed = await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
        return removed.Succeeded ? await users.AddToRoleAsync(user, role) : removed;
    }

    /// <summary>
    /// The invited user whose stored hash matches <paramref name="token"/> and has not expired. Every pending invitation
    /// is compared, each in constant time: a team has few, and no lookup by the secret is needed.
    /// </summary>
    private static async Task<StudioUser?> MatchAsync(AppDbContext db, string? token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128)
        {
            return null;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var pending = await db.UserTokens.AsNoTracking()
            .Where(t => t.LoginProvider == TokenProvider && t.Name == TokenName)
            .Select(t => new { t.UserId, t.Value }).ToListAsync(cancellationToken);
        long? match = null;
        foreach (var p in pending)
        {
            if (Invitation.Parse(p.Value) is { } invitation && CryptographicOperations.FixedTimeEquals(invitation.Hash, presented) && now < invitation.Expires)
            {
                match = p.UserId;
            }
        }

        if (match is not { } id)
        {
            return null;
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        return user is null || user.EmailConfirmed || IsDisabled(user, now) ? null : user;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>An invitation as stored: the token's SHA-256 (base64url) and its expiry (unix milliseconds).</summary>
    private sealed record Invitation(byte[] Hash, DateTimeOffset Expires)
    {
        public override string ToString() =>
            $"{Base64Url.EncodeToString(Hash)}|{Expires.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}";

        public static Invitation? Parse(string? stored)
        {
            var parts = stored?.Split('|');
            if (parts is not [var hash, var expires] || !long.TryParse(expires, System.Globalization.CultureInfo.InvariantCulture, out var ms))
            {
                return null;
            }

            try
            {
                return new(Base64Url.DecodeFromChars(hash), DateTimeOffset.FromUnixTimeMilliseconds(ms));
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }

    /// <summary>Why an email cannot be invited, in words for the field; null when it can.</summary>
    public static string? EmailProblem(string email) =>
        email.Length == 0 ? "Enter the email address to invite."
        : email.Length > 256 || !MailAddress.TryCreate(email, out var address) || address.Address != email || !address.Host.Contains('.')
            ? "That is not an email address; write it as name@example.com."
            : null;

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Team: {Action} for member {MemberId} by user {ActorId}")]
    private static partial void LogChange(ILogger logger, string action, long memberId, long actorId);
}
