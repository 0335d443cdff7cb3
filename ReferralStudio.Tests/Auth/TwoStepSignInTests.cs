using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Audit;
using ReferralStudio.Auth;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Auth;

/// <summary>
/// Two-step sign-in on the running app, through its forms as a browser without JavaScript posts them, on a hand-moved
/// clock: setting it up, the second step after the password, codes that work once, recovery codes, the throttle, and
/// the Owner's requirement.
/// </summary>
public sealed class TwoStepSignInTests : IAsyncLifetime
{
    private const string Page = "/feed/export.csv";
    private const string Viewer = "viewer@studio.test";
    private const string ViewerPassword = "viewer password 123";
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PastTheRecheck = TimeSpan.FromSeconds(61);
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Sets up two-step sign-in on the account page: the key it shows, the recovery codes it shows once.</summary>
    private async Task<(string Key, IReadOnlyList<string> RecoveryCodes)> TurnOnAsync(DashboardBrowser browser)
    {
        using var started = await browser.PostFormAsync("/account/password", "/account/password", new() { ["_handler"] = "two-step-start" });
        var key = AuthenticatorApp.KeyOnPage(await started.Content.ReadAsStringAsync());
        using var confirmed = await browser.PostFormAsync("/account/password", "/account/password",
            new() { ["_handler"] = "two-step-confirm", ["Confirm.Code"] = AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow()) });
        var html = await confirmed.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"two-step-on\"", html);
        return (key, AuthenticatorApp.RecoveryCodesOnPage(html));
    }

    /// <summary>Posts the password; answers the browser, where the sign-in form sent it.</summary>
    private async Task<(DashboardBrowser Browser, string? Location)> PasswordAsync(string email = TestApp.AdminEmail, string password = TestApp.AdminPassword)
    {
        var browser = DashboardBrowser.Open(_app.BaseAddress);
        using var posted = await browser.PostFormAsync("/account/login", "/account/login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        return (browser, posted.Headers.Location?.AbsolutePath);
    }

    private static Task<HttpResponseMessage> CodeAsync(DashboardBrowser browser, string code) =>
        browser.PostFormAsync("/account/two-step", "/account/two-step", new() { ["Input.Code"] = code });

    private static bool HasSession(DashboardBrowser browser) =>
        browser.Cookies.GetAllCookies().Any(c => c.Name == "ReferralStudio.Auth");

    private static async Task<HttpStatusCode> OpenAsync(DashboardBrowser browser, string page = Page)
    {
        using var response = await browser.Http.GetAsync(page);
        return response.StatusCode;
    }

    private async Task<long> CreateViewerAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var viewer = new StudioUser { UserName = Viewer, Email = Viewer, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(viewer, ViewerPassword)).Succeeded);
        Assert.True((await users.AddToRoleAsync(viewer, StudioRoles.Viewer)).Succeeded);
        return viewer.Id;
    }

    private async Task<long> IdOfAsync(string email)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>().FindByEmailAsync(email))!.Id;
    }

    [Fact]
    public async Task The_Password_Alone_Gives_No_Session_The_Right_Code_Does()
    {
        using (var owner = await DashboardBrowser.SignedInAsync(_app))
        {
            var (key, _) = await TurnOnAsync(owner);
            _app.Time.Advance(Step);

            var (browser, location) = await PasswordAsync();
            using var _ = browser;
            Assert.Equal("/account/two-step", location);
            Assert.False(HasSession(browser));
            Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(browser));

            using var wrong = await CodeAsync(browser, AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow() + Step + Step));
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("data-testid=\"two-step-error\"", await wrong.Content.ReadAsStringAsync());
            Assert.False(HasSession(browser));

            using var right = await CodeAsync(browser, AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow()));
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
            Assert.True(HasSession(browser));
            Assert.Equal(HttpStatusCode.OK, await OpenAsync(browser));
        }
    }

    [Fact]
    public async Task A_Code_Signs_In_Once_And_The_Code_That_Turned_It_On_Not_At_All()
    {
        using var owner = await DashboardBrowser.SignedInAsync(_app);
        var (key, _) = await TurnOnAsync(owner);

        var (first, _) = await PasswordAsync();
        using var __ = first;
        using var confirmingCodeAgain = await CodeAsync(first, AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow()));
        Assert.False(HasSession(first));

        _app.Time.Advance(Step);
        var code = AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow());
        using var used = await CodeAsync(first, code);
        Assert.True(HasSession(first));

        var (second, _) = await PasswordAsync();
        using var ___ = second;
        using var replayed = await CodeAsync(second, code);
        Assert.Contains("was already used", await replayed.Content.ReadAsStringAsync());
        Assert.False(HasSession(second));
    }

    [Fact]
    public async Task Codes_One_Step_Off_Count_Older_Ones_And_An_Expired_Ticket_Do_Not()
    {
        using var owner = await DashboardBrowser.SignedInAsync(_app);
        var (key, _) = await TurnOnAsync(owner);
        _app.Time.Advance(Step * 4);

        // The phone's clock one step behind: accepted.
        var (behind, _) = await PasswordAsync();
        using (behind)
        {
            using var _ = await CodeAsync(behind, AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow() - Step));
            Assert.True(HasSession(behind));
        }

        // One step ahead: accepted (a later step than the last one used).
        var (ahead, _) = await PasswordAsync();
        using (ahead)
        {
            using var _ = await CodeAsync(ahead, AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow() + Step));
            Assert.True(HasSession(ahead));
        }

        // Two steps old: a code from a minute ago is refused.
        _app.Time.Advance(Step * 4);
        var (old, _) = await PasswordAsync();
        using (old)
        {
            using var _ = await CodeAsync(old, AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow() - Step - Step));
            Assert.False(HasSession(old));
        }

        // The second step waits five minutes for the code; after that, the password again.
        var (late, _) = await PasswordAsync();
        using (late)
        {
            // The form was opened in time; the code comes after the five minutes.
            var form = DashboardBrowser.HiddenFields(await late.Http.GetStringAsync("/account/two-step"));
            _app.Time.Advance(TwoStepTicket.Lifetime + Step);
            form["Input.Code"] = AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow());
            using var expired = await late.Http.PostAsync("/account/two-step", new FormUrlEncodedContent(form));
            Assert.Contains("data-testid=\"two-step-expired\"", await expired.Content.ReadAsStringAsync());
            Assert.False(HasSession(late));
        }
    }

    [Fact]
    public async Task Each_Recovery_Code_Signs_In_Once()
    {
        using var owner = await DashboardBrowser.SignedInAsync(_app);
        var (_, codes) = await TurnOnAsync(owner);
        Assert.Equal(TwoStep.RecoveryCodeCount, codes.Count);
        Assert.Equal(codes.Count, codes.Distinct().Count());

        var (first, _) = await PasswordAsync();
        using (first)
        {
            // Typed in lower case without the dash: still the code.
            using var _ = await CodeAsync(first, codes[0].Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
            Assert.True(HasSession(first));
        }

        var (again, _) = await PasswordAsync();
        using (again)
        {
            using var _ = await CodeAsync(again, codes[0]);
            Assert.False(HasSession(again));
            using var other = await CodeAsync(again, codes[1]);
            Assert.True(HasSession(again));
        }

        using var page = await owner.Http.GetAsync("/account/password");
        Assert.Contains("8 of 10 recovery codes left", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wrong_Codes_Are_Slowed_Like_Wrong_Passwords_And_The_Password_Does_Not_Forgive_Them()
    {
        using var owner = await DashboardBrowser.SignedInAsync(_app);
        var (key, _) = await TurnOnAsync(owner);
        _app.Time.Advance(Step);
        var client = IPAddress.Loopback;

        await using var scope = _app.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInService>();
        var check = await signIn.CheckAsync(TestApp.AdminEmail, TestApp.AdminPassword, client);
        Assert.Equal(SignInOutcome.SecondStepNeeded, check.Outcome);
        var (id, stamp) = (check.User!.Id, check.User.SecurityStamp!);

        // The password attempt counted; two wrong codes and another correct password use up the three free failures.
        Assert.Equal(SignInOutcome.WrongCredentials, (await signIn.CheckSecondStepAsync(id, stamp, "000000", client)).Outcome);
        Assert.Equal(SignInOutcome.SecondStepNeeded, (await signIn.CheckAsync(TestApp.AdminEmail, TestApp.AdminPassword, client)).Outcome);
        var slowed = await signIn.CheckSecondStepAsync(id, stamp, AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow()), client);
        Assert.Equal(SignInOutcome.Throttled, slowed.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(1), slowed.RetryAfter);

        _app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SignInOutcome.Success, (await signIn.CheckSecondStepAsync(id, stamp, AuthenticatorApp.CodeAt(key, _app.Time.GetUtcNow()), client)).Outcome);
    }

    [Fact]
    public async Task Turning_It_On_Ends_The_Other_Sessions_And_Is_Audited_Without_The_Key()
    {
        using var laptop = await DashboardBrowser.SignedInAsync(_app);
        using var phone = await DashboardBrowser.SignedInAsync(_app);

        var (key, codes) = await TurnOnAsync(laptop);
        _app.Time.Advance(PastTheRecheck);

        Assert.Equal(HttpStatusCode.OK, await OpenAsync(laptop));
        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(phone));
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.UserTwoStepEnabled);
        Assert.Equal(TestApp.AdminEmail, entry.Actor);
        Assert.Contains("\"twoStep\":true", entry.After);
        var stored = await db.UserTokens.Select(t => t.Value).ToListAsync();
        foreach (var secret in codes.Append(key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()))
        {
            Assert.DoesNotContain(secret, entry.Before + entry.After + entry.Summary);
            Assert.DoesNotContain(stored, v => v != null && v.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Turning_It_Off_Needs_A_Code_Or_The_Password()
    {
        using var owner = await DashboardBrowser.SignedInAsync(_app);
        await TurnOnAsync(owner);

        using var refused = await owner.PostFormAsync("/account/password", "/account/password",
            new() { ["_handler"] = "two-step-disable", ["Disable.Proof"] = "not my password" });
        Assert.Contains("data-testid=\"two-step-disable-error\"", await refused.Content.ReadAsStringAsync());

        using var off = await owner.PostFormAsync("/account/password", "/account/password",
            new() { ["_handler"] = "two-step-disable", ["Disable.Proof"] = TestApp.AdminPassword });
        Assert.Contains("Set up two-step sign-in", await off.Content.ReadAsStringAsync());
        var (browser, location) = await PasswordAsync();
        using var _ = browser;
        Assert.Equal("/", location);
        Assert.True(HasSession(browser));
    }

    [Fact]
    public async Task When_The_Owner_Requires_It_A_Member_Without_It_Reaches_Only_The_Setup_Until_Done()
    {
        var team = _app.Services.GetRequiredService<Team>();
        var ownerId = await IdOfAsync(TestApp.AdminEmail);
        await CreateViewerAsync();

        // An Owner who does not use it cannot require it (the rule would send them away from the team page).
        Assert.Contains("for yourself first", (await team.SetTwoStepRequiredAsync(ownerId, true)).Error);
        using var owner = await DashboardBrowser.SignedInAsync(_app);
        await TurnOnAsync(owner);
        Assert.True((await team.SetTwoStepRequiredAsync(ownerId, true)).Succeeded);

        using var viewer = await DashboardBrowser.SignedInAsync(_app, Viewer, ViewerPassword);
        using (var home = await viewer.Http.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
            Assert.Equal(TwoStepGate.SetupPath, home.Headers.Location?.OriginalString);
        }

        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(viewer));
        using (var setup = await viewer.Http.GetAsync("/account/password"))
        {
            Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
            Assert.Contains("data-testid=\"two-step-required\"", await setup.Content.ReadAsStringAsync());
        }

        // The API key is not a member: the rule does not apply to it.
        using (var api = await _app.Api.GetAsync("/api/conversations"))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }

        var (_, codes) = await TurnOnAsync(viewer);
        Assert.Equal(TwoStep.RecoveryCodeCount, codes.Count);
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(viewer));

        // Required: it stays on, whatever the proof.
        var account = await viewer.Http.GetStringAsync("/account/password");
        Assert.Contains("data-testid=\"two-step-stays-on\"", account);
        Assert.DoesNotContain("data-testid=\"two-step-disable\"", account);
        Assert.Contains("stays on", await _app.Services.GetRequiredService<TwoStep>().DisableAsync(await IdOfAsync(Viewer), ViewerPassword));
    }

    [Fact]
    public async Task An_Admin_Resets_A_Members_Two_Step_Sign_In_But_Not_An_Owners()
    {
        var team = _app.Services.GetRequiredService<Team>();
        var viewerId = await CreateViewerAsync();
        long adminId;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
            var admin = new StudioUser { UserName = "admin2@studio.test", Email = "admin2@studio.test", EmailConfirmed = true };
            Assert.True((await users.CreateAsync(admin, "an admin password")).Succeeded);
            Assert.True((await users.AddToRoleAsync(admin, StudioRoles.Admin)).Succeeded);
            adminId = admin.Id;
        }

        using var owner = await DashboardBrowser.SignedInAsync(_app);
        await TurnOnAsync(owner);
        using var viewer = await DashboardBrowser.SignedInAsync(_app, Viewer, ViewerPassword);
        await TurnOnAsync(viewer);

        Assert.Equal("Only an Owner can change, disable or remove an Owner.", (await team.ResetTwoStepAsync(adminId, await IdOfAsync(TestApp.AdminEmail))).Error);
        Assert.True((await team.ResetTwoStepAsync(adminId, viewerId)).Succeeded);
        _app.Time.Advance(PastTheRecheck);

        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(viewer));
        var (browser, location) = await PasswordAsync(Viewer, ViewerPassword);
        using var _ = browser;
        Assert.Equal("/", location);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var entry = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEntries.SingleAsync(e => e.Action == AuditActions.UserTwoStepReset);
            Assert.Equal("admin2@studio.test", entry.Actor);
            Assert.Equal(Viewer, entry.EntityName);
        }
    }
}
