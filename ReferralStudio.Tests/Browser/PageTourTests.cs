using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralStudio.Auth;
using ReferralStudio.Data;
using ReferralStudio.Demo;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

/// <summary>
/// Every page of the dashboard with the demo data, in the light and the dark theme, on a laptop and on a 390 px phone:
/// it renders without the error bar, nothing overflows the viewport sideways, and axe-core (the npm package,
/// WCAG 2.1 A and AA rules) finds no violation. Screenshots of each go to artifacts/screenshots/tour-*.
/// </summary>
public sealed partial class PageTourTests(BrowserFixture browser) : BrowserTest(browser)
{
    private IReadOnlyList<(string Path, string Name)> _pages = [];

    protected override async Task SeedAsync()
    {
        await App.Services.GetRequiredService<DemoLoader>().LoadAsync(conversations: 300);
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var conversation = await db.Conversations.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        var trigger = await db.Triggers.OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
        // The team page with a member of each standing: active, invited, disabled.
        var team = App.Services.GetRequiredService<Team>();
        var owner = await db.Users.Where(u => u.Email == TestApp.AdminEmail).Select(u => u.Id).SingleAsync();
        var marketer = await team.InviteAsync(owner, "marketer@studio.test", StudioRoles.Marketer);
        await team.AcceptAsync(marketer.Token, "a-long-enough-password");
        await team.InviteAsync(owner, "viewer@studio.test", StudioRoles.Viewer);
        var admin = await team.InviteAsync(owner, "admin@elsewhere.test", StudioRoles.Admin);
        await team.DisableAsync(owner, (await team.AcceptAsync(admin.Token, "a-long-enough-password")).MemberId!.Value);
        _pages =
        [
            ("/", "overview"), ("/feed", "feed"), ($"/conversations/{conversation}", "timeline"), ("/analytics", "analytics"),
            ("/triggers", "triggers"), ("/triggers/new", "trigger-new"), ($"/triggers/{trigger}", "trigger-edit"),
            ("/studio?code=summer_sale", "studio"), ("/studio/kits", "kits"), ("/studio/button", "button"),
            ("/deliveries", "deliveries"), ("/subscriptions", "subscriptions"), ("/simulator", "simulator"),
            ("/settings/accounts", "accounts"), ("/settings/team", "team"), ("/settings/api-keys", "api-keys"), ("/settings/audit", "audit"), ("/no-such-page", "not-found"),
        ];
    }

    [Theory]
    [InlineData("light", 1366)]
    [InlineData("dark", 1366)]
    [InlineData("light", 390)]
    [InlineData("dark", 390)]
    public async Task Every_Page_Renders_Fits_And_Passes_Axe(string theme, int width)
    {
        var page = await Browser.SignedInPageAsync(App, theme);
        await page.SetViewportSizeAsync(width, 900);
        var problems = new StringBuilder();

        foreach (var (path, name) in _pages)
        {
            await page.OpenAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            // A table still fetching its rows would be checked and photographed half-empty ("Loading triggers…").
            await Assertions.Expect(page.GetByText(LoadingText())).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator(".mud-table-loading")).ToHaveCountAsync(0);
            await CheckAsync(page, $"{name} ({path})", $"tour-{name}-{theme}-{width}", problems);
        }

        await page.GotoAsync("/live");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        await CheckAsync(page, "live board (/live)", $"tour-live-{theme}-{width}", problems);

        // The static account pages: the password and sessions form, and the answer to a page a role does not open.
        foreach (var (path, name) in new[] { ("/account/password", "password"), ("/account/denied", "denied") })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            await CheckAsync(page, $"{name} ({path})", $"tour-{name}-{theme}-{width}", problems);
        }

        var signedOut = await Browser.NewPageAsync(App, theme);
        await signedOut.SetViewportSizeAsync(width, 900);
        await signedOut.GotoAsync("/account/login");
        await CheckAsync(signedOut, "sign-in (/account/login)", $"tour-login-{theme}-{width}", problems);

        Assert.True(problems.Length == 0, problems.ToString());
    }

    [GeneratedRegex("^Loading")]
    private static partial Regex LoadingText();

    private static async Task CheckAsync(IPage page, string label, string screenshot, StringBuilder problems)
    {
        await page.ScreenshotAsync(screenshot);
        if (await page.Locator("#blazor-error-ui:visible").CountAsync() > 0)
        {
            problems.AppendLine($"{label}: the error bar is showing");
        }

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        if (overflow > 0)
        {
            problems.AppendLine($"{label}: the page scrolls sideways by {overflow} px");
        }

        var violations = await Axe.ViolationsAsync(page);
        foreach (var violation in violations)
        {
            problems.AppendLine($"{label}: {violation}");
        }
    }
}
