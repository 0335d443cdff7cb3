using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Auth;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Auth;

/// <summary>Sessions end when they should: everywhere on request, after a password change, and at the absolute lifetime.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    /// <summary>A page any signed-in role opens: 200 with a session, a redirect to the sign-in page without.</summary>
    private const string Page = "/feed/export.csv";
    private static readonly TimeSpan PastTheRecheck = TimeSpan.FromSeconds(61);
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<HttpStatusCode> OpenAsync(DashboardBrowser browser)
    {
        using var response = await browser.Http.GetAsync(Page);
        return response.StatusCode;
    }

    [Fact]
    public async Task Signing_Out_Everywhere_Ends_Every_Session_Of_The_User_Including_Saved_Cookies()
    {
        using var laptop = await DashboardBrowser.SignedInAsync(_app);
        using var phone = await DashboardBrowser.SignedInAsync(_app);
        using var saved = laptop.Copy();
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(phone));

        using var signedOut = await laptop.PostFormAsync("/account/password", "/account/logout", new() { ["scope"] = "everywhere" });
        _app.Time.Advance(PastTheRecheck);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(laptop));
        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(saved));
        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(phone));
        using var again = await DashboardBrowser.SignedInAsync(_app);
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(again));
    }

    [Fact]
    public async Task A_Password_Change_Ends_The_Other_Sessions_And_Keeps_This_One()
    {
        using var laptop = await DashboardBrowser.SignedInAsync(_app);
        using var phone = await DashboardBrowser.SignedInAsync(_app);
        const string NewPassword = "a new passphrase for the studio";

        using var changed = await laptop.PostFormAsync("/account/password", "/account/password",
            new() { ["Input.Current"] = TestApp.AdminPassword, ["Input.New"] = NewPassword, ["Input.Repeat"] = NewPassword });
        _app.Time.Advance(PastTheRecheck);

        Assert.Contains("Password changed.", await changed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(laptop));
        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(phone));
        using var withNew = await DashboardBrowser.SignedInAsync(_app, password: NewPassword);
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(withNew));
    }

    [Fact]
    public async Task A_Wrong_Current_Password_Changes_Nothing_And_Says_So_Next_To_The_Field()
    {
        using var laptop = await DashboardBrowser.SignedInAsync(_app);

        using var refused = await laptop.PostFormAsync("/account/password", "/account/password",
            new() { ["Input.Current"] = "not my password at all", ["Input.New"] = "another passphrase here", ["Input.Repeat"] = "another passphrase here" });

        Assert.Contains("That is not your current password.", await refused.Content.ReadAsStringAsync());
        using var stillOld = await DashboardBrowser.SignedInAsync(_app);
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(stillOld));
    }

    [Fact]
    public async Task Signing_Out_Needs_The_Antiforgery_Token()
    {
        using var laptop = await DashboardBrowser.SignedInAsync(_app);

        using var forged = await laptop.Http.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["scope"] = "everywhere" }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(laptop));
    }

    [Fact]
    public async Task A_Session_Ends_At_Its_Absolute_Lifetime_However_Active()
    {
        using var laptop = await DashboardBrowser.SignedInAsync(_app);
        // Used every six days, within the seven-day idle timeout: still signed in on day 12.
        foreach (var _ in new[] { 6, 12 })
        {
            _app.Time.Advance(TimeSpan.FromDays(6));
            Assert.Equal(HttpStatusCode.OK, await OpenAsync(laptop));
        }

        // Day 15: past the fourteen days from signing in.
        _app.Time.Advance(TimeSpan.FromDays(3));

        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(laptop));
    }

    [Fact]
    public async Task Disabling_A_User_Ends_Their_Sessions()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
            var viewer = new StudioUser { UserName = "viewer@studio.test", Email = "viewer@studio.test", EmailConfirmed = true };
            Assert.True((await users.CreateAsync(viewer, "viewer password 123")).Succeeded);
            Assert.True((await users.AddToRoleAsync(viewer, StudioRoles.Viewer)).Succeeded);
        }

        using var session = await DashboardBrowser.SignedInAsync(_app, "viewer@studio.test", "viewer password 123");
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(session));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
            var viewer = (await users.FindByEmailAsync("viewer@studio.test"))!;
            await users.SetLockoutEnabledAsync(viewer, true);
            await users.SetLockoutEndDateAsync(viewer, DateTimeOffset.MaxValue);
            await users.UpdateSecurityStampAsync(viewer);
        }

        _app.Time.Advance(PastTheRecheck);

        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(session));
    }
}
