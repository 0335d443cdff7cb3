using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReferralStudio.Api;
using ReferralStudio.Auth;
using ReferralStudio.Components.Pages.Settings;
using ReferralStudio.Insight;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Components.Settings;

/// <summary>The API keys page on a running app's services, signed in as an Admin.</summary>
public sealed class ApiKeysPageTests : MudTestContext, IAsyncLifetime
{
    private TestApp _app = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        // Before anything resolves a service: bunit's authorization replaces the authentication state provider.
        AddAuthorization().SetAuthorized(TestApp.AdminEmail).SetRoles(StudioRoles.Admin)
            .SetClaims(new Claim(ClaimTypes.Name, TestApp.AdminEmail));
        Services.AddSingleton(_app.Services.GetRequiredService<ApiKeys>());
        Services.AddSingleton(_app.Services.GetRequiredService<BusinessDay>());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _app.DisposeAsync();
    }

    private ApiKeys Keys => _app.Services.GetRequiredService<ApiKeys>();

    [Fact]
    public async Task Making_A_Key_Shows_It_Once_And_Lists_Only_Its_Prefix()
    {
        RenderProviders();
        var page = Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.NotNull(ByTestId(page, "api-keys-empty")));

        // No name: refused next to the field, nothing made.
        await ClickAsync(page, "api-key-create");
        page.WaitForAssertion(() => Assert.Contains("Give the key a name", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=api-key-once]"));

        await page.InvokeAsync(() => page.Find("#api-key-name").Input("CRM sync"));
        await ClickAsync(page, "api-key-create");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=api-key-row]")));
        var key = page.Find("#api-key-value").GetAttribute("value")!;
        Assert.StartsWith(ApiKeys.KeyPrefix, key);
        Assert.Equal(ApiScopes.Read, (await Keys.FindAsync(key))!.Scope);
        var row = page.Find("[data-testid=api-key-row]");
        Assert.Contains(key[..ApiKeys.PrefixLength] + "…", row.TextContent);
        Assert.DoesNotContain(key, row.TextContent);
        Assert.Equal("Active", row.QuerySelector("[data-testid=api-key-status]")!.TextContent.Trim());

        // Opened again, the page has no way to show it: only its hash is stored.
        var again = Render<ApiKeysPage>();
        again.WaitForAssertion(() => Assert.Single(again.FindAll("[data-testid=api-key-row]")));
        Assert.Empty(again.FindAll("[data-testid=api-key-once]"));
        Assert.DoesNotContain(key, again.Markup);
    }

    [Fact]
    public async Task Revoking_Asks_First_And_Refuses_The_Key_Once_Confirmed()
    {
        var created = await Keys.CreateAsync(ReferralStudio.Audit.AuditActor.User(TestApp.AdminEmail, null), "Zapier", ApiScopes.Write);
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=api-key-row]")));

        // Kept: nothing changes.
        await ClickAsync(page, "api-key-revoke");
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke 'Zapier'", dialogs.Markup));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Keep it").Click());
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Revoke 'Zapier'", dialogs.Markup));
        Assert.NotNull(await Keys.FindAsync(created.Key!));

        await ClickAsync(page, "api-key-revoke");
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke 'Zapier'", dialogs.Markup));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click());

        page.WaitForAssertion(() => Assert.StartsWith("Revoked", page.Find("[data-testid=api-key-status]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=api-key-revoke]"));
        Assert.Null(await Keys.FindAsync(created.Key!));
    }
}
