using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReferralStudio.Auth;
using ReferralStudio.Components.Pages.Settings;
using ReferralStudio.Insight;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Components.Settings;

/// <summary>The team page on a running app's services, signed in as its first (and only) Owner.</summary>
public sealed class TeamPageTests : MudTestContext, IAsyncLifetime
{
    private TestApp _app = null!;
    private long _owner;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            _owner = (await scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>().FindByEmailAsync(TestApp.AdminEmail))!.Id;
        }

        // Before anything resolves a service: bunit's authorization replaces the authentication state provider.
        AddAuthorization().SetAuthorized(TestApp.AdminEmail).SetRoles(StudioRoles.Owner)
            .SetClaims(new Claim(ClaimTypes.Name, TestApp.AdminEmail), new Claim(ClaimTypes.NameIdentifier, _owner.ToString()));
        Services.AddSingleton(_app.Services.GetRequiredService<Team>());
        Services.AddSingleton(_app.Services.GetRequiredService<BusinessDay>());
        Services.AddSingleton(_app.Services.GetRequiredService<TimeProvider>());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _app.DisposeAsync();
    }

    private Team Team => _app.Services.GetRequiredService<Team>();

    private static Task InviteAsync(IRenderedComponent<TeamPage> page, string email) =>
        page.InvokeAsync(async () =>
        {
            page.Find("#invite-email").Input(email);
            await page.Find("[data-testid=invite]").ClickAsync(new());
        });

    [Fact]
    public async Task Invite_Shows_The_Link_Once_And_Lists_The_Invitee()
    {
        RenderProviders();
        var page = Render<TeamPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=team-row]")));

        await InviteAsync(page, "not an email");
        page.WaitForAssertion(() => Assert.Contains("That is not an email address", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=invite-link-box]"));

        await InviteAsync(page, "ana@studio.test");

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=team-row]").Count));
        var link = page.Find("#invite-link").GetAttribute("value")!;
        Assert.StartsWith("http://localhost/account/invitation?token=", link);
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        Assert.Equal("ana@studio.test", await Team.InvitedEmailAsync(token));
        var row = page.FindAll("[data-testid=team-row]").Single(r => r.GetAttribute("data-email") == "ana@studio.test");
        Assert.StartsWith("Invited, invitation expires 2026-11-27", row.QuerySelector("[data-testid=team-status]")!.TextContent.Trim());

        // Opened again, the page has no way to show it: only its hash is stored.
        var again = Render<TeamPage>();
        again.WaitForAssertion(() => Assert.Equal(2, again.FindAll("[data-testid=team-row]").Count));
        Assert.Empty(again.FindAll("[data-testid=invite-link-box]"));
        Assert.DoesNotContain(token, again.Markup);

        // An existing member's email is refused next to the field.
        await InviteAsync(again, TestApp.AdminEmail);
        again.WaitForAssertion(() => Assert.Contains("is already a member of the team", again.Markup));
        Assert.Empty(again.FindAll("[data-testid=invite-link-box]"));
    }

    [Fact]
    public async Task The_Last_Owners_Row_Offers_No_Remove_While_Others_Are_Removed_After_Confirmation()
    {
        var invited = await Team.InviteAsync(_owner, "ana@studio.test", StudioRoles.Marketer);
        await Team.AcceptAsync(invited.Token, "a-long-enough-password");
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<TeamPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=team-row]").Count));

        var ownerRow = page.FindAll("[data-testid=team-row]").Single(r => r.GetAttribute("data-email") == TestApp.AdminEmail);
        Assert.Null(ownerRow.QuerySelector("[data-testid=team-remove]"));
        Assert.Null(ownerRow.QuerySelector("[data-testid=team-disable]"));
        Assert.Null(ownerRow.QuerySelector("[data-testid=team-role-select]"));
        Assert.Contains(TeamRules.LastOwner, ownerRow.QuerySelector("[data-testid=team-why]")!.TextContent);

        var anaRow = page.FindAll("[data-testid=team-row]").Single(r => r.GetAttribute("data-email") == "ana@studio.test");
        Assert.NotNull(anaRow.QuerySelector("[data-testid=team-role-select]"));
        await page.InvokeAsync(() => anaRow.QuerySelector("[data-testid=team-remove]")!.Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Remove ana@studio.test from the team?", dialogs.Markup));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove").Click());

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=team-row]")));
        Assert.Null(await Team.InvitedEmailAsync(invited.Token));
    }
}
