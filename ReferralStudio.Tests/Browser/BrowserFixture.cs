using Microsoft.Playwright;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

/// <summary>
/// One headless Debian Chromium for all browser tests (Playwright cannot download browsers here;
/// scripts/test.sh installs the package). Screenshots go to artifacts/screenshots/.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly List<IBrowserContext> _contexts = [];
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDirectory { get; } = Path.Combine(TestApp.RepoRoot, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./scripts/test.sh, which installs Debian's chromium.");
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
        });
    }

    /// <summary>A context to close when the test ends (<see cref="CloseContextsAsync"/>).</summary>
    public IBrowserContext Track(IBrowserContext context)
    {
        lock (_contexts)
        {
            _contexts.Add(context);
        }

        return context;
    }

    /// <summary>
    /// Closes every context a test opened. Browser tests run one at a time (one collection), so each test's
    /// DisposeAsync closes its own: left open, each keeps a renderer process and a circuit that retries its
    /// connection to an app already stopped, for the rest of the run.
    /// </summary>
    public async Task CloseContextsAsync()
    {
        IBrowserContext[] open;
        lock (_contexts)
        {
            open = [.. _contexts];
            _contexts.Clear();
        }

        foreach (var context in open)
        {
            await context.CloseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>What every browser test does: open a page as a signed-in marketer and take screenshots.</summary>
public static class BrowserSessions
{
    public static async Task<IPage> NewPageAsync(this BrowserFixture fixture, TestApp app, string? theme = "light", bool acceptDownloads = false)
    {
        var context = fixture.Track(await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            AcceptDownloads = acceptDownloads,
        }));
        if (theme is not null)
        {
            await context.AddCookiesAsync([new Cookie { Name = "ReferralStudio.Theme", Value = theme, Url = app.BaseAddress.ToString() }]);
        }

        // Generous: CI machines have two cores shared by the app, the browser and the test host.
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>A new browser context signed in as the configured admin.</summary>
    public static async Task<IPage> SignedInPageAsync(this BrowserFixture fixture, TestApp app, string theme = "light", bool acceptDownloads = false)
    {
        var page = await fixture.NewPageAsync(app, theme, acceptDownloads);
        await page.SignInAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        return page;
    }

    /// <summary>Signs in; <paramref name="navigate"/> false fills the sign-in form already shown (after a redirect).</summary>
    public static async Task SignInAsync(this IPage page, string email = TestApp.AdminEmail, string password = TestApp.AdminPassword, bool navigate = true)
    {
        if (navigate)
        {
            await page.GotoAsync("/account/login");
        }

        await page.GetByTestId("email").FillAsync(email);
        await page.GetByTestId("password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
    }

    /// <summary>Navigates and waits until the page is interactive (the Blazor circuit is connected).</summary>
    public static async Task OpenAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
    }

    /// <summary>
    /// Waits until the clipboard holds <paramref name="expected"/>: a copy button writes it after a round trip through the
    /// circuit, and the clipboard is shared with every other page of the browser, so reading it once can see the last test's.
    /// </summary>
    public static async Task ExpectClipboardAsync(this IPage page, string expected)
    {
        try
        {
            await page.WaitForFunctionAsync("async expected => (await navigator.clipboard.readText()) === expected", expected, new() { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            Assert.Equal(expected, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
            throw;
        }
    }

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
}
