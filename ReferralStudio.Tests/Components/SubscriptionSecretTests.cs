using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReferralStudio.Components.Integrate;
using ReferralStudio.Components.Pages.Integrate;
using ReferralStudio.Data;
using ReferralStudio.Outbound;
using ReferralStudio.Outbound.Signing;
using ReferralStudio.Security;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Components;

/// <summary>
/// The signing secret is shown once: right after create or rotate, with a copy button, until dismissed.
/// The page runs on the real services of a running app (SQLite file, URL policy, catalog).
/// </summary>
public sealed class SubscriptionSecretTests : MudTestContext, IAsyncLifetime
{
    private TestApp _app = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        // The page registers http://127.0.0.1:9/... (discard: nothing is ever delivered there); its port must be allowed.
        _app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Outbound:AllowedPorts:0"] = "9" });
        Services.AddSingleton(_app.Services.GetRequiredService<OutboundSubscriptions>());
        Services.AddSingleton(_app.Services.GetRequiredService<TimeProvider>());
        AddAuthorization().SetAuthorized(TestApp.AdminEmail);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public void Secret_Panel_Shows_The_Secret_With_A_Labelled_Copy_Button_And_Says_It_Is_Shown_Once()
    {
        JSInterop.Setup<bool>("referralStudio.copyText", "whsec_c2VjcmV0LXNob3duLW9uY2U=").SetResult(true);
        var dismissed = false;
        var panel = Render<SecretOnce>(p => p
            .Add(x => x.Secret, "whsec_c2VjcmV0LXNob3duLW9uY2U=")
            .Add(x => x.Url, "https://crm.example/hooks")
            .Add(x => x.OnDismiss, () => dismissed = true));

        Assert.Equal("whsec_c2VjcmV0LXNob3duLW9uY2U=", panel.Find("[data-testid=secret-value]").TextContent);
        Assert.Contains("You won't see it again", panel.Find("[data-testid=secret-once]").TextContent);
        Assert.Contains("https://crm.example/hooks", panel.Markup);

        panel.Find("button[aria-label='Copy signing secret']").Click();
        JSInterop.VerifyInvoke("referralStudio.copyText");

        panel.Find("button[data-testid=dismiss-secret]").Click();
        Assert.True(dismissed);
    }

    [Fact]
    public async Task Page_Shows_A_New_Secret_Once_After_Create_And_Rotate_And_Never_After_Dismiss_Or_Reload()
    {
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<SubscriptionsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=sub-empty]"));

        page.Find("input[data-testid=sub-url], [data-testid=sub-url] input").Change("http://127.0.0.1:9/hooks/crm");
        page.Find("button[data-testid=sub-create]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=secret-value]"));
        var stored = await StoredAsync();
        Assert.StartsWith(WebhookSecret.Prefix, stored.Secret);
        Assert.Equal(stored.Secret, page.Find("[data-testid=secret-value]").TextContent);
        Assert.Equal(WebhookSecret.Mask(stored.Secret), page.Find("[data-testid=sub-secret-mask]").TextContent);
        Assert.Equal([EventTypes.ReferralReceived], stored.Events);

        page.Find("button[data-testid=dismiss-secret]").Click();
        Assert.Empty(page.FindAll("[data-testid=secret-once]"));
        Assert.DoesNotContain(stored.Secret, page.Markup);

        // A reload (a new page) never shows it: only the mask.
        var reloaded = Render<SubscriptionsPage>();
        reloaded.WaitForAssertion(() => Assert.Equal(WebhookSecret.Mask(stored.Secret), reloaded.Find("[data-testid=sub-secret-mask]").TextContent));
        Assert.DoesNotContain(stored.Secret, reloaded.Markup);
        Assert.Empty(reloaded.FindAll("[data-testid=secret-once]"));

        // Rotating asks first, then shows the new secret once; the old one keeps signing for the grace period.
        reloaded.Find("button[data-testid=sub-rotate]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Rotate the signing secret?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Rotate secret").Click();

        reloaded.WaitForAssertion(() => reloaded.Find("[data-testid=secret-value]"));
        var rotated = await StoredAsync();
        Assert.NotEqual(stored.Secret, rotated.Secret);
        Assert.Equal(stored.Secret, rotated.PreviousSecret);
        Assert.Equal(rotated.Secret, reloaded.Find("[data-testid=secret-value]").TextContent);
        Assert.Contains("the old one keeps signing until", reloaded.Find("[data-testid=secret-once]").TextContent);
        Assert.DoesNotContain(stored.Secret, reloaded.Markup);

        reloaded.Find("button[data-testid=dismiss-secret]").Click();
        Assert.DoesNotContain(rotated.Secret, reloaded.Markup);
    }

    [Fact]
    public void A_Url_The_Policy_Refuses_Is_Explained_Next_To_The_Field_And_Nothing_Is_Created()
    {
        var page = Render<SubscriptionsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=sub-empty]"));

        page.Find("input[data-testid=sub-url], [data-testid=sub-url] input").Change("ftp://files.example/hook");
        page.Find("button[data-testid=sub-create]").Click();

        page.WaitForAssertion(() => Assert.Contains("The URL must be an absolute http:// or https:// URL.", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=secret-once]"));
        Assert.NotEmpty(page.FindAll("[data-testid=sub-empty]"));
    }

    private sealed record StoredSubscription(string Secret, string? PreviousSecret, IReadOnlyList<string> Events);

    /// <summary>The one subscription's secrets as the dispatcher signs with them: stored encrypted, decrypted here.</summary>
    private async Task<StoredSubscription> StoredAsync()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var row = await db.WebhookSubscriptions.AsNoTracking().SingleAsync();
        Assert.True(StoredSecrets.IsProtected(row.Secret), "the secret is stored encrypted");
        var secrets = _app.Services.GetRequiredService<StoredSecrets>();
        return new(secrets.Unprotect(row.Secret)!, secrets.Unprotect(row.PreviousSecret), row.Events);
    }
}
