using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralStudio.Audit;
using ReferralStudio.Auth;
using ReferralStudio.Data;
using ReferralStudio.Demo;
using ReferralStudio.Insight;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Tests.Auth;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

/// <summary>
/// Every page of the dashboard with the demo data, in the light and the dark theme, on a laptop and on a 390 px phone:
/// it renders without the error bar, shows its rows, nothing overflows the viewport sideways, and axe-core (the npm
/// package, WCAG 2.1 A and AA rules) finds no violation. Screenshots of each go to artifacts/screenshots/tour-*.
/// </summary>
public sealed class PageTourTests(BrowserFixture browser) : PageTour(browser, TestStore.Sqlite())
{
    [Theory]
    [InlineData("light", 1366)]
    [InlineData("dark", 1366)]
    [InlineData("light", 390)]
    [InlineData("dark", 390)]
    public Task Every_Page_Renders_Fits_And_Passes_Axe(string theme, int width) => TourAsync(theme, width);
}

/// <summary>
/// The same tour with the app on PostgreSQL: every page's queries answered by the other engine, with the demo rows shown.
/// One theme and width: those change the styles, not the queries (the SQLite tour takes all four).
/// </summary>
public sealed class PostgresPageTourTests(BrowserFixture browser) : PageTour(browser, TestStore.Postgres())
{
    [Fact]
    public Task Every_Page_Renders_With_Its_Rows_And_Passes_Axe_On_PostgreSQL() => TourAsync("light", 1366, screenshots: "tour-postgres");
}

/// <summary>The tour of <see cref="PageTourTests"/> on the store a subclass gives.</summary>
public abstract partial class PageTour(BrowserFixture browser, TestStore store) : BrowserTest(browser, store)
{
    private const string TwoStepMember = "marketer@studio.test";
    private const string TwoStepMemberPassword = "a-long-enough-password";

    /// <summary>Each page, and what shows it has its rows (a CSS selector; none for a form or a page without a list).</summary>
    private IReadOnlyList<(string Path, string Name, string? Rows)> _pages = [];

    protected override async Task SeedAsync()
    {
        await App.Services.GetRequiredService<DemoLoader>().LoadAsync(conversations: 300);
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        // A conversation that converted: its timeline has touches and a conversion.
        var conversation = await db.Conversions.OrderBy(c => c.Id).Select(c => c.ConversationId).FirstAsync();
        var trigger = await db.Triggers.OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
        // A trackable link for the studio's code, re-pointed once, with scans on two days.
        var links = App.Services.GetRequiredService<TrackableLinks>();
        var link = (await links.CreateAsync(AuditActor.System, "summer-box", new LinkTarget("instagram", "acme.shop", "summer_sale", null))).Link!;
        await links.UpdateAsync(AuditActor.System, link.Slug, new LinkChange(Platform: "messenger", Account: "acmeshop"));
        var scans = App.Services.GetRequiredService<ScanCounter>();
        var today = App.Services.GetRequiredService<BusinessDay>().Today;
        foreach (var (day, device) in new[] { (today, DeviceClasses.Ios), (today, DeviceClasses.Android), (today.AddDays(-1), DeviceClasses.Desktop) })
        {
            scans.Count(new ScanKey(link.Id, day, "messenger", link.Code, device));
        }

        await App.Services.GetRequiredService<ScanFlusher>().FlushAsync();
        // The team page with a member of each standing: active (with two-step sign-in on), invited, disabled.
        var team = App.Services.GetRequiredService<Team>();
        var owner = await db.Users.Where(u => u.Email == TestApp.AdminEmail).Select(u => u.Id).SingleAsync();
        var marketer = await team.InviteAsync(owner, TwoStepMember, StudioRoles.Marketer);
        await TurnOnTwoStepAsync((await team.AcceptAsync(marketer.Token, TwoStepMemberPassword)).MemberId!.Value);
        await team.InviteAsync(owner, "viewer@studio.test", StudioRoles.Viewer);
        var admin = await team.InviteAsync(owner, "admin@elsewhere.test", StudioRoles.Admin);
        await team.DisableAsync(owner, (await team.AcceptAsync(admin.Token, "a-long-enough-password")).MemberId!.Value);
        _pages =
        [
            ("/", "overview", "[data-testid=latest-row]"), ("/feed", "feed", "[data-testid=feed-row]"),
            ($"/conversations/{conversation}", "timeline", "[data-testid=timeline-item][data-kind=Conversion]"),
            ("/analytics", "analytics", "[data-testid=analytics-code]"), ("/triggers", "triggers", "[data-testid=trigger-pattern]"),
            ("/triggers/new", "trigger-new", null), ($"/triggers/{trigger}", "trigger-edit", null),
            ("/studio?code=summer_sale", "studio", null), ("/studio/links/summer-box", "trackable-link", "[data-testid=scan-day]"),
            ("/studio/kits", "kits", null), ("/studio/button", "button", null),
            ("/deliveries", "deliveries", "[data-testid=inbound-received]"), ("/subscriptions", "subscriptions", null), ("/simulator", "simulator", null),
            ("/settings/accounts", "accounts", null), ("/settings/team", "team", "[data-testid=team-row]"), ("/settings/api-keys", "api-keys", null),
            ("/settings/audit", "audit", "[data-testid=audit-row]"), ("/no-such-page", "not-found", null),
        ];
    }

    /// <summary>Turns on two-step sign-in for a member as they would on their password page, their phone's app giving the code.</summary>
    private async Task TurnOnTwoStepAsync(long memberId)
    {
        var twoStep = App.Services.GetRequiredService<TwoStep>();
        var setup = await twoStep.BeginAsync(memberId);
        Assert.NotNull(setup);
        var enabled = await twoStep.ConfirmAsync(memberId, AuthenticatorApp.CodeAt(setup.KeyGroups, App.Services.GetRequiredService<TimeProvider>().GetUtcNow()));
        Assert.Null(enabled.Error);
    }

    protected async Task TourAsync(string theme, int width, string screenshots = "tour")
    {
        var page = await Browser.SignedInPageAsync(App, theme);
        await page.SetViewportSizeAsync(width, 900);
        var problems = new StringBuilder();

        foreach (var (path, name, rows) in _pages)
        {
            await page.OpenAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            // A table still fetching its rows would be checked and photographed half-empty ("Loading triggers…").
            await Assertions.Expect(page.GetByText(LoadingText())).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator(".mud-table-loading")).ToHaveCountAsync(0);
            if (rows is not null)
            {
                await Assertions.Expect(page.Locator(rows).First).ToBeAttachedAsync();
            }

            await CheckAsync(page, $"{name} ({path})", $"{screenshots}-{name}-{theme}-{width}", problems);
        }

        await page.GotoAsync("/live");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        await CheckAsync(page, "live board (/live)", $"{screenshots}-live-{theme}-{width}", problems);

        // The static account pages: the password and sessions form, and the answer to a page a role does not open.
        foreach (var (path, name) in new[] { ("/account/password", "password"), ("/account/denied", "denied") })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            await CheckAsync(page, $"{name} ({path})", $"{screenshots}-{name}-{theme}-{width}", problems);
        }

        // Setting up two-step sign-in: the QR code and the key in groups, waiting for the first code.
        await page.GotoAsync("/account/password");
        await page.GetByTestId("two-step-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("two-step-key")).ToBeVisibleAsync();
        await page.GetByTestId("two-step-qr").EvaluateAsync("qr => qr.decode()");
        await CheckAsync(page, "two-step setup (/account/password)", $"{screenshots}-two-step-setup-{theme}-{width}", problems);

        var signedOut = await Browser.NewPageAsync(App, theme);
        await signedOut.SetViewportSizeAsync(width, 900);
        await signedOut.GotoAsync("/account/login");
        await CheckAsync(signedOut, "sign-in (/account/login)", $"{screenshots}-login-{theme}-{width}", problems);

        // The right password of a member with two-step sign-in on leads to the code prompt.
        await signedOut.SignInAsync(TwoStepMember, TwoStepMemberPassword, navigate: false);
        await Assertions.Expect(signedOut.GetByTestId("two-step-code")).ToBeVisibleAsync();
        await CheckAsync(signedOut, "two-step code (/account/two-step)", $"{screenshots}-two-step-{theme}-{width}", problems);

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
