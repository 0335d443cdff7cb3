using System.Diagnostics;
using System.IO.Compression;
using Microsoft.Playwright;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

/// <summary>The marketer's studio in Chromium: codes, patterns, QR downloads and affiliate kits.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StudioBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(systemClock: true);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<IPage> SignedInPageAsync(string theme = "light", bool downloads = false) =>
        browser.SignedInPageAsync(_app, theme, downloads);

    private static async Task CreateTriggerAsync(IPage page, string name, string pattern)
    {
        await page.OpenAsync("/triggers/new");
        await page.GetByTestId("name").FillAsync(name);
        await page.GetByTestId("pattern").FillAsync(pattern);
        await Assertions.Expect(page.GetByTestId("save")).ToBeEnabledAsync();
        await page.GetByTestId("save").ClickAsync();
        // The studio then renders over the circuit (awaited below): the page's load event adds nothing but waiting.
        await page.WaitForURLAsync(url => url.Contains("/studio?code="), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
    }

    [Fact]
    public async Task Pattern_Trigger_Hides_Copy_And_Qr_And_Says_Why()
    {
        var page = await SignedInPageAsync();

        await CreateTriggerAsync(page, "Collabs", "collab_*");
        await page.GetByTestId("studio-instagram").FillAsync("acme.shop");

        await Assertions.Expect(page.GetByTestId("pattern-note")).ToContainTextAsync("no single URL or QR code");
        Assert.Equal(0, await page.GetByTestId("copy-instagram").CountAsync());
        Assert.Equal(0, await page.GetByTestId("qr-preview").CountAsync());
        Assert.Equal(0, await page.GetByTestId("download-png").CountAsync());
        await page.ScreenshotAsync("studio-pattern-light");
    }

    [Fact]
    public async Task Exact_Code_Downloads_A_Png_That_Decodes_To_The_Exact_IgMe_Url()
    {
        var page = await SignedInPageAsync(downloads: true);
        await CreateTriggerAsync(page, "Summer", "summer_sale");
        await page.GetByTestId("studio-instagram").FillAsync("acme.shop");
        await page.GetByTestId("qr-caption").FillAsync("Scan for 20% off");

        await Assertions.Expect(page.GetByTestId("link-instagram")).ToHaveValueAsync("https://ig.me/m/acme.shop?ref=summer_sale");
        await Assertions.Expect(page.GetByTestId("qr-preview")).ToBeVisibleAsync();
        await page.ScreenshotAsync("studio-exact-light");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-png").ClickAsync());
        var path = Path.Combine(Path.GetTempPath(), $"qr-{Guid.NewGuid():N}.png");
        await download.SaveAsAsync(path);

        Assert.Equal("https://ig.me/m/acme.shop?ref=summer_sale", await DecodeQrAsync(path));
        Assert.EndsWith(".png", download.SuggestedFilename);
    }

    [Fact]
    public async Task Invalid_Pattern_Shows_Its_Reason_Next_To_The_Field()
    {
        var page = await SignedInPageAsync(theme: "dark");
        await page.OpenAsync("/triggers/new");

        await page.GetByTestId("pattern").FillAsync("summer sale!");

        // Retried until the round trip for the typed value lands ("pattern is required" can show first).
        await Assertions.Expect(page.GetByTestId("error-pattern")).ToContainTextAsync("position");
        await Assertions.Expect(page.GetByTestId("save")).ToBeDisabledAsync();
        await page.ScreenshotAsync("trigger-editor-invalid-dark");
    }

    [Fact]
    public async Task Tester_Shows_Which_Trigger_Fires_And_Why()
    {
        var page = await SignedInPageAsync();
        await CreateTriggerAsync(page, "All collabs", "collab_*");
        await page.OpenAsync("/triggers/new");
        await page.GetByTestId("name").FillAsync("Alice");
        await page.GetByTestId("pattern").FillAsync("collab_alice_*");

        await page.GetByTestId("tester-ref").FillAsync("COLLAB_alice_summer");

        await Assertions.Expect(page.GetByTestId("tester-result")).ToContainTextAsync("Fires: Alice");
        await Assertions.Expect(page.GetByTestId("tester-result")).ToContainTextAsync("All collabs");
        await Assertions.Expect(page.GetByTestId("warnings")).ToContainTextAsync("All collabs");
        await page.ScreenshotAsync("trigger-editor-tester-light");
    }

    [Fact]
    public async Task Bulk_Kit_Zip_Has_A_Png_And_Svg_Per_Code_And_A_Csv()
    {
        var page = await SignedInPageAsync(downloads: true);
        await page.OpenAsync("/studio/kits");
        await page.GetByTestId("kit-names").FillAsync("Anna\nanna\nJosé Müller\n");
        await page.GetByTestId("kit-prefix").FillAsync("collab_");
        await page.GetByTestId("kit-instagram").FillAsync("acme.shop");

        await page.GetByTestId("build-kit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("kit-count")).ToContainTextAsync("3 codes");
        await page.ScreenshotAsync("kits-light");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-kit").ClickAsync());
        var path = Path.Combine(Path.GetTempPath(), $"kit-{Guid.NewGuid():N}.zip");
        await download.SaveAsAsync(path);

        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).Order().ToArray();
        Assert.Contains("codes.csv", names);
        foreach (var code in new[] { "collab_anna", "collab_anna_2", "collab_jose_muller" })
        {
            Assert.Contains($"qr/{code}.png", names);
            Assert.Contains($"qr/{code}.svg", names);
        }

        var png = Path.Combine(Path.GetTempPath(), $"kit-{Guid.NewGuid():N}.png");
        zip.GetEntry("qr/collab_jose_muller.png")!.ExtractToFile(png);
        Assert.Equal("https://ig.me/m/acme.shop?ref=collab_jose_muller", await DecodeQrAsync(png));
        using var csv = new StreamReader(zip.GetEntry("codes.csv")!.Open());
        var text = await csv.ReadToEndAsync();
        Assert.Contains("José Müller,collab_jose_muller,https://ig.me/m/acme.shop?ref=collab_jose_muller", text);
    }

    [Fact]
    public async Task Every_Page_Renders_In_Light_And_Dark()
    {
        foreach (var theme in new[] { "light", "dark" })
        {
            var page = await SignedInPageAsync(theme);
            foreach (var (path, name) in new[] { ("/", "overview"), ("/triggers", "triggers"), ("/triggers/new", "trigger-new"), ("/studio?code=summer_sale", "studio"), ("/studio/button", "website-button"), ("/studio/kits", "kits"), ("/settings/accounts", "accounts") })
            {
                await page.OpenAsync(path);
                await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
                Assert.Equal(0, await page.Locator("#blazor-error-ui:visible").CountAsync());
                await page.ScreenshotAsync($"page-{name}-{(theme)}");
            }
        }
    }

    [Fact]
    public async Task Studio_Fits_A_Phone_Screen()
    {
        var page = await SignedInPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        await page.OpenAsync("/studio?code=summer_sale");
        await page.GetByTestId("studio-instagram").FillAsync("acme.shop");

        await Assertions.Expect(page.GetByTestId("qr-preview")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page scrolls sideways on a phone");
        await page.ScreenshotAsync("studio-phone-light");
    }

    [Fact]
    public async Task Website_Button_Preview_Follows_Utm_Campaign_Restricted_To_The_Ref_Alphabet()
    {
        var page = await SignedInPageAsync();
        await page.OpenAsync("/studio/button");
        await page.GetByTestId("button-account").FillAsync("acme.shop");

        await page.GetByTestId("button-utm").FillAsync("spring launch!");

        await Assertions.Expect(page.GetByTestId("button-href")).ToHaveTextAsync("https://ig.me/m/acme.shop?ref=springlaunch");
        Assert.DoesNotContain("<script src", await page.GetByTestId("button-snippet").InputValueAsync());
    }

    [Fact]
    public async Task Accounts_Keep_Tokens_Masked()
    {
        var page = await SignedInPageAsync();
        await page.OpenAsync("/settings/accounts");
        await page.GetByLabel("Instagram username").FillAsync("acme.shop");
        await page.GetByLabel("Meta account id").FillAsync("17841400000000001");
        var token = page.GetByLabel("Access token (optional)");
        await Assertions.Expect(token).ToHaveAttributeAsync("type", "password");
        await token.FillAsync("EAAG-secret-token-1234");

        await page.GetByTestId("save-account").ClickAsync();

        await Assertions.Expect(page.GetByTestId("token-mask")).ToHaveTextAsync("••••1234");
        Assert.DoesNotContain("EAAG-secret", await page.ContentAsync());

        // Editing never brings the token back into the page: the field starts empty and keeps the saved one.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit instagram account acme.shop" }).ClickAsync();
        await Assertions.Expect(token).ToHaveValueAsync("");
        Assert.DoesNotContain("EAAG-secret", await page.ContentAsync());
    }

    private static async Task<string> DecodeQrAsync(string png)
    {
        using var process = Process.Start(new ProcessStartInfo("zbarimg", ["--quiet", "--raw", png]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
