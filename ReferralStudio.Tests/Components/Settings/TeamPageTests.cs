using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
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

    /// <summary>Turns on two-step sign-in for <paramref name="userId"/> as the account page does, with a code computed from the key it shows.</summary>
    private async Task TurnOnTwoStepAsync(long userId)
    {
        var twoStep = _app.Services.GetRequiredService<TwoStep>();
        var setup = (await twoStep.BeginAsync(userId))!;
        var enabled = await twoStep.ConfirmAsync(userId, Auth.AuthenticatorApp.CodeAt(setup.KeyGroups, _app.Time.GetUtcNow()));
        Assert.Null(enabled.Error);
    }

    [Fact]
    public async Task An_Owner_Requires_Two_Step_Sign_In_Once_They_Use_It_And_Resets_A_Members()
    {
        var invited = await Team.InviteAsync(_owner, "ana@studio.test", StudioRoles.Marketer);
        var ana = (await Team.AcceptAsync(invited.Token, "a-long-enough-password")).MemberId!.Value;
        await TurnOnTwoStepAsync(ana);
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<TeamPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=team-row]").Count));
        IElement Row(string email) => page.FindAll("[data-testid=team-row]").Single(r => r.GetAttribute("data-email") == email);
        Assert.Equal("On", Row("ana@studio.test").QuerySelector("[data-testid=team-two-step]")!.TextContent.Trim());
        Assert.Equal("Off", Row(TestApp.AdminEmail).QuerySelector("[data-testid=team-two-step]")!.TextContent.Trim());

        // Not yet: the Owner does not use it, and the rule would send them away from this page.
        await page.InvokeAsync(() => page.Find("input[data-testid=require-two-step]").Change(true));
        page.WaitForAssertion(() => Assert.Contains("for yourself first", page.Find("[data-testid=team-error]").TextContent));
        Assert.Contains("up to each member", page.Find("[data-testid=two-step-rule]").TextContent);
        Assert.Equal("false", page.Find("input[data-testid=require-two-step]").GetAttribute("aria-checked"));

        await TurnOnTwoStepAsync(_owner);
        await page.InvokeAsync(() => page.Find("input[data-testid=require-two-step]").Change(true));
        page.WaitForAssertion(() => Assert.Contains("Everyone signs in with a code", page.Find("[data-testid=two-step-rule]").TextContent));
        Assert.True(await _app.Services.GetRequiredService<TwoStepRequirement>().IsRequiredAsync());

        // Ana lost her phone: reset after a confirmation, and audited.
        await page.InvokeAsync(() => Row("ana@studio.test").QuerySelector("[data-testid=team-reset-two-step]")!.Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Turn off two-step sign-in for ana@studio.test", dialogs.Markup));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Reset").Click());
        page.WaitForAssertion(() => Assert.Equal("Off", Row("ana@studio.test").QuerySelector("[data-testid=team-two-step]")!.TextContent.Trim()));
        Assert.Null(Row("ana@studio.test").QuerySelector("[data-testid=team-reset-two-step]"));

        await using var scope = _app.Services.CreateAsyncScope();
        var actions = await scope.ServiceProvider.GetRequiredService<ReferralStudio.Data.AppDbContext>().AuditEntries
            .Where(e => e.Actor == TestApp.AdminEmail).Select(e => e.Action).ToListAsync();
        Assert.Contains(ReferralStudio.Audit.AuditActions.TeamSignInRulesChanged, actions);
        Assert.Contains(ReferralStudio.Audit.AuditActions.UserTwoStepReset, actions);
    }
}
