using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Audit;
using ReferralStudio.Auth;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Auth;

/// <summary>The team service on the real app: invitations that work once and expire, the Owner rules, sessions ended, every change audited.</summary>
public sealed class TeamTests : IAsyncLifetime
{
    private const string Password = "a-long-enough-password";
    private static readonly IPAddress Office = IPAddress.Parse("198.51.100.20");
    private TestApp _app = null!;
    private long _owner;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _owner = (await FindAsync(TestApp.AdminEmail))!.Id;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Team Team => _app.Services.GetRequiredService<Team>();

    private async Task<StudioUser?> FindAsync(string email)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>().FindByEmailAsync(email);
    }

    private async Task<SignInCheck> SignInAsync(string email, string password)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignInService>().CheckAsync(email, password, Office);
    }

    private async Task<List<AuditEntry>> AuditAsync()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == AuditActions.User).OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>Invites and joins <paramref name="email"/> as <paramref name="role"/>; returns their id.</summary>
    private async Task<long> MemberAsync(string email, string role, long? by = null)
    {
        var invited = await Team.InviteAsync(by ?? _owner, email, role);
        Assert.True(invited.Succeeded, invited.EmailError ?? invited.Error);
        var joined = await Team.AcceptAsync(invited.Token, Password);
        Assert.Null(joined.Error);
        return joined.MemberId!.Value;
    }

    [Fact]
    public async Task Invited_Member_Joins_With_A_Password_And_Signs_In()
    {
        var invited = await Team.InviteAsync(_owner, " ana@studio.test ", StudioRoles.Marketer);
        Assert.True(invited.Succeeded);
        Assert.Equal(_app.Time.GetUtcNow() + TimeSpan.FromDays(7), invited.Expires);
        Assert.Equal(SignInOutcome.WrongCredentials, (await SignInAsync("ana@studio.test", Password)).Outcome);
        Assert.Equal("ana@studio.test", await Team.InvitedEmailAsync(invited.Token));

        var tooShort = await Team.AcceptAsync(invited.Token, "short");
        Assert.Contains(tooShort.PasswordErrors, e => e.Contains("12"));
        var joined = await Team.AcceptAsync(invited.Token, Password);

        Assert.Null(joined.Error);
        var check = await SignInAsync("ana@studio.test", Password);
        Assert.Equal(SignInOutcome.Success, check.Outcome);
        Assert.True(check.User!.EmailConfirmed);
        var list = await Team.ListAsync(_owner, 1, 25);
        var ana = Assert.Single(list.Rows, r => r.Email == "ana@studio.test");
        Assert.Equal((StudioRoles.Marketer, MemberStatus.Active), (ana.Role, ana.Status));
    }

    [Fact]
    public async Task The_Token_Is_Stored_Only_As_Its_Hash_With_Its_Expiry()
    {
        var invited = await Team.InviteAsync(_owner, "ana@studio.test", StudioRoles.Viewer);

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var stored = Assert.Single(await db.UserTokens.AsNoTracking().ToListAsync());
        Assert.Equal((Team.TokenProvider, Team.TokenName), (stored.LoginProvider, stored.Name));
        Assert.DoesNotContain(invited.Token!, stored.Value);
        var hash = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(invited.Token!)));
        Assert.Equal($"{hash}|{invited.Expires.ToUnixTimeMilliseconds()}", stored.Value);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(invited.Token).Length);
    }

    [Fact]
    public async Task A_Used_Token_Is_Refused_And_Changes_Nothing()
    {
        var invited = await Team.InviteAsync(_owner, "ana@studio.test", StudioRoles.Viewer);
        Assert.Null((await Team.AcceptAsync(invited.Token, Password)).Error);

        var again = await Team.AcceptAsync(invited.Token, "another-long-password");

        Assert.Equal(Team.InvalidInvitation, again.Error);
        Assert.Null(await Team.InvitedEmailAsync(invited.Token));
        Assert.Equal(SignInOutcome.Success, (await SignInAsync("ana@studio.test", Password)).Outcome);
    }

    [Fact]
    public async Task An_Expired_Token_Is_Refused_And_A_New_Link_Voids_The_Old_One()
    {
        var first = await Team.InviteAsync(_owner, "ana@studio.test", StudioRoles.Viewer);
        _app.Time.Advance(TimeSpan.FromDays(7));

        Assert.Null(await Team.InvitedEmailAsync(first.Token));
        Assert.Equal(Team.InvalidInvitation, (await Team.AcceptAsync(first.Token, Password)).Error);
        Assert.Null(await Team.InvitedEmailAsync("not-a-token"));
        Assert.Null(await Team.InvitedEmailAsync(null));

        var second = await Team.InviteAsync(_owner, "ana@studio.test", StudioRoles.Marketer);
        Assert.True(second.Succeeded);
        _app.Time.Advance(TimeSpan.FromDays(-7));
        // The first link would be in time again now; the second one replaced it.
        Assert.Null(await Team.InvitedEmailAsync(first.Token));
        Assert.Equal("ana@studio.test", await Team.InvitedEmailAsync(second.Token));
        Assert.Equal(SignInOutcome.WrongCredentials, (await SignInAsync("ana@studio.test", Password)).Outcome);
    }

    [Fact]
    public async Task Bad_Or_Taken_Emails_Are_Refused_At_The_Field()
    {
        Assert.NotNull((await Team.InviteAsync(_owner, "", StudioRoles.Viewer)).EmailError);
        Assert.NotNull((await Team.InviteAsync(_owner, "not an email", StudioRoles.Viewer)).EmailError);
        var taken = await Team.InviteAsync(_owner, TestApp.AdminEmail.ToUpperInvariant(), StudioRoles.Viewer);
        Assert.Equal($"{TestApp.AdminEmail} is already a member of the team.", taken.EmailError);
        Assert.False(taken.Succeeded);
    }

    [Fact]
    public async Task The_Last_Active_Owner_Cannot_Be_Demoted_Disabled_Or_Removed()
    {
        var admin = await MemberAsync("adam@studio.test", StudioRoles.Admin);
        // An Owner who has not joined does not count: they cannot sign in yet.
        Assert.True((await Team.InviteAsync(_owner, "olga@studio.test", StudioRoles.Owner)).Succeeded);

        var demoted = await Team.ChangeRoleAsync(_owner, _owner, StudioRoles.Admin);
        Assert.Equal("You are " + TeamRules.LastOwner + ".", demoted.Error);
        Assert.Contains(TeamRules.LastOwner, (await Team.DisableAsync(_owner, _owner)).Error);
        Assert.Contains(TeamRules.LastOwner, (await Team.RemoveAsync(_owner, _owner)).Error);
        Assert.Contains("Owner", (await Team.RemoveAsync(admin, _owner)).Error);

        var row = (await Team.ListAsync(_owner, 1, 25)).Rows.Single(r => r.Id == _owner);
        Assert.Equal((false, false, false), (row.Allowed.ChangeRole, row.Allowed.Disable, row.Allowed.Remove));
        Assert.Contains(TeamRules.LastOwner, row.Allowed.Why);

        // With a second active Owner, the first may step down.
        var second = await MemberAsync("otto@studio.test", StudioRoles.Owner);
        Assert.True((await Team.ChangeRoleAsync(_owner, _owner, StudioRoles.Admin)).Succeeded);
        Assert.Equal("You are " + TeamRules.LastOwner + ".", (await Team.ChangeRoleAsync(second, second, StudioRoles.Viewer)).Error);
    }

    [Fact]
    public async Task Two_Owners_Demoting_Each_Other_At_Once_Leave_One_Owner()
    {
        var second = await MemberAsync("otto@studio.test", StudioRoles.Owner);

        var outcomes = await Task.WhenAll(
            Task.Run(() => Team.ChangeRoleAsync(_owner, second, StudioRoles.Admin)),
            Task.Run(() => Team.ChangeRoleAsync(second, _owner, StudioRoles.Admin)));

        Assert.Single(outcomes, o => o.Succeeded);
        var owners = (await Team.ListAsync(_owner, 1, 25)).Rows.Where(r => r.Role == StudioRoles.Owner && r.Status == MemberStatus.Active);
        Assert.Single(owners);
    }

    [Fact]
    public async Task An_Admin_Cannot_Make_Owners_Or_Touch_One()
    {
        var admin = await MemberAsync("adam@studio.test", StudioRoles.Admin);
        var otherOwner = await MemberAsync("otto@studio.test", StudioRoles.Owner);
        var viewer = await MemberAsync("vera@studio.test", StudioRoles.Viewer, by: admin);

        Assert.Equal("Only an Owner can make someone an Owner.", (await Team.InviteAsync(admin, "new@studio.test", StudioRoles.Owner)).Error);
        Assert.Equal("Only an Owner can make someone an Owner.", (await Team.ChangeRoleAsync(admin, viewer, StudioRoles.Owner)).Error);
        Assert.Equal("Only an Owner can make someone an Owner.", (await Team.ChangeRoleAsync(admin, admin, StudioRoles.Owner)).Error);
        const string NotOwners = "Only an Owner can change, disable or remove an Owner.";
        Assert.Equal(NotOwners, (await Team.ChangeRoleAsync(admin, otherOwner, StudioRoles.Viewer)).Error);
        Assert.Equal(NotOwners, (await Team.DisableAsync(admin, otherOwner)).Error);
        Assert.Equal(NotOwners, (await Team.RemoveAsync(admin, otherOwner)).Error);
        Assert.Equal([StudioRoles.Admin, StudioRoles.Marketer, StudioRoles.Viewer], (await Team.ListAsync(admin, 1, 25)).Grantable);

        // Admins do manage the other roles; nobody disables or removes themselves; a Viewer manages no one.
        Assert.True((await Team.ChangeRoleAsync(admin, viewer, StudioRoles.Marketer)).Succeeded);
        Assert.StartsWith("You cannot disable yourself", (await Team.DisableAsync(admin, admin)).Error);
        Assert.StartsWith("You cannot remove yourself", (await Team.RemoveAsync(admin, admin)).Error);
        var marketer = viewer;
        Assert.Equal("Only Owners and Admins manage the team.", (await Team.DisableAsync(marketer, admin)).Error);
        var ownerRow = (await Team.ListAsync(admin, 1, 25)).Rows.Single(r => r.Id == otherOwner);
        Assert.Equal((false, false, false), (ownerRow.Allowed.ChangeRole, ownerRow.Allowed.Disable, ownerRow.Allowed.Remove));
    }

    [Fact]
    public async Task Disabling_Refuses_Sign_In_And_Ends_Sessions_Until_Enabled()
    {
        var ana = await MemberAsync("ana@studio.test", StudioRoles.Marketer);
        var stamp = (await FindAsync("ana@studio.test"))!.SecurityStamp;

        Assert.True((await Team.DisableAsync(_owner, ana)).Succeeded);

        Assert.Equal(SignInOutcome.Disabled, (await SignInAsync("ana@studio.test", Password)).Outcome);
        var disabled = (await FindAsync("ana@studio.test"))!;
        Assert.NotEqual(stamp, disabled.SecurityStamp);
        Assert.Equal(MemberStatus.Disabled, (await Team.ListAsync(_owner, 1, 25)).Rows.Single(r => r.Id == ana).Status);

        Assert.True((await Team.EnableAsync(_owner, ana)).Succeeded);
        Assert.Equal(SignInOutcome.Success, (await SignInAsync("ana@studio.test", Password)).Outcome);
        Assert.NotEqual(disabled.SecurityStamp, (await FindAsync("ana@studio.test"))!.SecurityStamp);
    }

    [Fact]
    public async Task Role_Change_And_Removal_End_Sessions()
    {
        var ana = await MemberAsync("ana@studio.test", StudioRoles.Viewer);
        var stamp = (await FindAsync("ana@studio.test"))!.SecurityStamp;

        Assert.True((await Team.ChangeRoleAsync(_owner, ana, StudioRoles.Admin)).Succeeded);
        var changed = (await FindAsync("ana@studio.test"))!;
        Assert.NotEqual(stamp, changed.SecurityStamp);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.Equal([StudioRoles.Admin], await scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>().GetRolesAsync(changed));
        }

        Assert.True((await Team.RemoveAsync(_owner, ana)).Succeeded);
        Assert.Null(await FindAsync("ana@studio.test"));
        Assert.Equal(SignInOutcome.WrongCredentials, (await SignInAsync("ana@studio.test", Password)).Outcome);
        Assert.Equal("That member was removed meanwhile.", (await Team.DisableAsync(_owner, ana)).Error);
    }

    [Fact]
    public async Task Every_Change_Writes_Its_Audit_Entry_Without_Secrets()
    {
        var invited = await Team.InviteAsync(_owner, "ana@studio.test", StudioRoles.Viewer);
        var reinvited = await Team.InviteAsync(_owner, "ana@studio.test", StudioRoles.Viewer);
        var ana = (await Team.AcceptAsync(reinvited.Token, Password)).MemberId!.Value;
        await Team.ChangeRoleAsync(_owner, ana, StudioRoles.Marketer);
        await Team.DisableAsync(_owner, ana);
        await Team.EnableAsync(_owner, ana);
        await Team.RemoveAsync(_owner, ana);
        // Refusals change nothing and record nothing.
        await Team.RemoveAsync(_owner, _owner);

        var entries = await AuditAsync();

        Assert.Equal(
            [AuditActions.UserInvited, AuditActions.UserInvited, AuditActions.UserJoined, AuditActions.UserRoleChanged,
             AuditActions.UserDisabled, AuditActions.UserEnabled, AuditActions.UserRemoved],
            entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal((ana.ToString(), "ana@studio.test"), (e.EntityId, e.EntityName)));
        Assert.Equal("ana@studio.test", entries[2].Actor);
        Assert.All(entries.Where(e => e.Action != AuditActions.UserJoined), e => Assert.Equal((TestApp.AdminEmail, _owner.ToString()), (e.Actor, e.ActorId)));
        Assert.Contains("\"role\":\"Viewer\"", entries[0].After);
        Assert.Contains("\"role\":\"Marketer\"", entries[3].After);
        Assert.Contains("\"status\":\"disabled\"", entries[4].After);
        Assert.Null(entries[6].After);
        Assert.Contains("\"email\":\"ana@studio.test\"", entries[6].Before);
        var user = (await FindAsync(TestApp.AdminEmail))!;
        var all = string.Join("\n", entries.Select(e => e.Summary + e.Before + e.After));
        Assert.DoesNotContain(invited.Token!, all);
        Assert.DoesNotContain(reinvited.Token!, all);
        Assert.DoesNotContain("AQAAAA", all);
        Assert.DoesNotContain(user.SecurityStamp!, all);
    }
}
