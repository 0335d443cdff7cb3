using System.Diagnostics;
using System.IO.Compression;
using Microsoft.Playwright;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

/// <summary>The marketer's studio in Chromium: codes, patterns, QR downloads and affiliate kits.</summary>
public sealed class StudioBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private Task<IPage> SignedInPageAsync(string theme = "light", bool downloads = false) =>
        Browser.SignedInPageAsync(App, theme, downloads);

    private static async Task CreateTriggerAsync(IPage page, string name, string pattern)
    {
        await page.OpenAsync("/triggers/new");
        await page.GetByTestId("name").FillAsync(name);
        await page.GetByTestId("pattern").FillAsync(pattern);
        await page.GetByTestId("save").ClickAsync();
        // The trigger's page then offers the next step: the studio for a code, a kit for a pattern.
        await Assertions.Expect(page.GetByTestId("saved")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pattern_Trigger_Hides_Copy_And_Qr_Says_Why_And_Leads_On_To_A_Kit()
    {
        var page = await SignedInPageAsync();

        await CreateTriggerAsync(page, "Collabs", "collab_*");
        // Where the triggers list's QR button leads for a pattern.
        await page.OpenAsync("/studio?code=collab_*");
        await page.GetByTestId("studio-instagram").FillAsync("acme.shop");

        await Assertions.Expect(page.GetByTestId("pattern-note")).ToContainTextAsync("no single URL or QR code");
        Assert.Equal(0, await page.GetByTestId("copy-instagram").CountAsync());
        Assert.Equal(0, await page.GetByTestId("qr-preview").CountAsync());
        Assert.Equal(0, await page.GetByTestId("download-png").CountAsync());
        await page.ScreenshotAsync("studio-pattern-light");

        await page.GetByTestId("make-kit").ClickAsync();

        await page.WaitForURLAsync(url => url.Contains("/studio/kits?pattern=collab_"));
        await Assertions.Expect(page.GetByTestId("kit-prefix")).ToHaveValueAsync("collab_");
        await Assertions.Expect(page.GetByTestId("kit-covered")).ToContainTextAsync("Already covered by pattern collab_*");
        await Assertions.Expect(page.GetByTestId("kit-covered")).ToContainTextAsync("these codes will be attributed");
        Assert.Equal(0, await page.GetByTestId("kit-create-pattern").CountAsync());
    }

    [Fact]
    public async Task Exact_Code_Downloads_A_Png_That_Decodes_To_The_Exact_IgMe_Url()
    {
        var page = await SignedInPageAsync(downloads: true);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await CreateTriggerAsync(page, "Summer", "summer_sale");
        await page.GetByTestId("open-studio").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/studio?code=summer_sale"));
        await page.GetByTestId("studio-instagram").FillAsync("acme.shop");
        await page.GetByTestId("qr-caption").FillAsync("Scan for 20% off");
        await page.GetByTestId("qr-size").FillAsync("50");
        await page.GetByTestId("qr-dpi").FillAsync("600");
        await page.GetByTestId("qr-dpi").BlurAsync();

        await Assertions.Expect(page.GetByTestId("link-instagram")).ToHaveValueAsync("https://ig.me/m/acme.shop?ref=summer_sale");
        await page.GetByTestId("copy-instagram").ClickAsync();
        await Assertions.Expect(page.GetByTestId("copy-instagram")).ToHaveTextAsync("Copied");
        await page.ExpectClipboardAsync("https://ig.me/m/acme.shop?ref=summer_sale");
        await Assertions.Expect(page.GetByTestId("qr-summary")).ToContainTextAsync("50 mm wide at 600 DPI (1,181 px)");
        await Assertions.Expect(page.GetByTestId("qr-summary")).ToContainTextAsync("Scan for 20% off");
        await Assertions.Expect(page.GetByTestId("qr-preview")).ToBeVisibleAsync();
        await page.ScreenshotAsync("studio-exact-light");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-png").ClickAsync());
        var path = Path.Combine(Path.GetTempPath(), $"qr-{Guid.NewGuid():N}.png");
        await download.SaveAsAsync(path);

        Assert.Equal("https://ig.me/m/acme.shop?ref=summer_sale", await DecodeQrAsync(path));
        Assert.EndsWith(".png", download.SuggestedFilename);
        // The print settings chosen are the ones downloaded: IHDR's width, big-endian at byte 16.
        var header = (await File.ReadAllBytesAsync(path))[16..20];
        Assert.Equal(1181, (header[0] << 24) | (header[1] << 16) | (header[2] << 8) | header[3]);
    }

    [Fact]
    public async Task Invalid_Pattern_Shows_Its_Reason_Next_To_The_Field()
    {
        var page = await SignedInPageAsync(theme: "dark");
        await page.OpenAsync("/triggers/new");
        Assert.Equal(0, await page.Locator(".mud-input-helper-text.mud-input-error").CountAsync());

        await page.GetByTestId("pattern").FillAsync("summer sale!");

        // Plain words under the field once it is touched; nothing about code points or positions.
        var reason = page.GetByTestId("field-pattern").Locator(".mud-input-helper-text.mud-input-error");
        await Assertions.Expect(reason).ToContainTextAsync("Spaces aren't allowed in codes.");
        await Assertions.Expect(reason).Not.ToContainTextAsync("U+");
        await Assertions.Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToHaveCountAsync(1);
        await page.GetByTestId("save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("fix-errors")).ToBeVisibleAsync();
        Assert.EndsWith("/triggers/new", page.Url);
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
    public async Task Studio_Fits_A_Phone_Screen()
    {
        var page = await SignedInPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, name) in new[] { ("/studio?code=summer_sale", "studio"), ("/studio/kits", "kits"), ("/studio/button", "website-button") })
        {
            await page.OpenAsync(path);
            if (name == "studio")
            {
                await page.GetByTestId("studio-instagram").FillAsync("acme.shop");
                await Assertions.Expect(page.GetByTestId("qr-preview")).ToBeVisibleAsync();
            }
            else if (name == "website-button")
            {
                await page.GetByTestId("button-account").FillAsync("acme.shop");
                await Assertions.Expect(page.GetByTestId("button-preview")).ToBeVisibleAsync();
            }

            var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
            Assert.False(overflow, $"{path} scrolls sideways on a phone");
            await page.ScreenshotAsync($"{name}-phone-light");
        }
    }

    [Fact]
    public async Task Website_Button_Preview_Is_What_The_Snippet_Renders_And_Names_The_Ref_A_Campaign_Becomes()
    {
        var page = await SignedInPageAsync();
        await page.OpenAsync("/studio/button");
        await page.GetByTestId("button-account").FillAsync("acme.shop");

        await page.GetByTestId("button-utm").FillAsync("Spring Launch! été 2026");

        await Assertions.Expect(page.GetByTestId("button-href")).ToHaveTextAsync("https://ig.me/m/acme.shop?ref=Spring_Launch_ete_2026");
        await Assertions.Expect(page.GetByTestId("button-ref")).ToContainTextAsync("spaces became _; é became e; '!' was dropped");
        await page.GetByTestId("button-ref-edit").FillAsync("spring26");
        await page.GetByTestId("button-ref-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("button-href")).ToHaveTextAsync("https://ig.me/m/acme.shop?ref=spring26");
        var snippet = await page.GetByTestId("button-snippet").InputValueAsync();
        Assert.DoesNotContain("<script src", snippet);
        await page.ScreenshotAsync("website-button-light");

        // The snippet pasted into a shop's page opened from that campaign: same look as the preview, same link.
        var shop = await page.Context.NewPageAsync();
        await shop.RouteAsync("https://shop.example/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html; charset=utf-8",
            Body = "<!doctype html><html><head><meta charset=\"utf-8\"></head><body><p>Spring launch</p>" + snippet + "</body></html>",
        }));
        await shop.GotoAsync("https://shop.example/launch?utm_campaign=Spring%20Launch!%20%C3%A9t%C3%A9%202026");
        const string look = "a => { const s = getComputedStyle(a), r = a.getBoundingClientRect(); return [s.borderRadius, s.padding, s.fontFamily, s.fontSize, s.fontWeight, s.lineHeight, s.letterSpacing, s.textTransform, s.textDecorationLine, s.backgroundColor, s.color, Math.round(r.width), Math.round(r.height), a.textContent].join(' | '); }";
        Assert.Equal(await shop.Locator("a").EvaluateAsync<string>(look), await page.GetByTestId("button-preview").Locator("a").EvaluateAsync<string>(look));
        Assert.Equal("https://ig.me/m/acme.shop?ref=spring26", await shop.Locator("a").GetAttributeAsync("href"));
        Assert.Equal("8px", await shop.Locator("a").EvaluateAsync<string>("a => getComputedStyle(a).borderRadius"));
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
        Assert.Empty(DatabaseFiles.Holding(App.DatabasePath, "EAAG-secret-token-1234"));

        // Editing never brings the token back into the page: the field starts empty and keeps the saved one.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit instagram account acme.shop" }).ClickAsync();
        await Assertions.Expect(token).ToHaveValueAsync("");
        Assert.DoesNotContain("EAAG-secret", await page.ContentAsync());
    }

    [Fact]
    public async Task Accounts_Take_A_Conversions_Api_Dataset_And_Token_Kept_Masked()
    {
        var page = await SignedInPageAsync();
        await page.OpenAsync("/settings/accounts");
        await page.GetByLabel("Instagram username").FillAsync("acme.capi");
        await page.GetByLabel("Meta account id").FillAsync("17841400000000009");
        var token = page.GetByLabel("Conversions API token (optional)");
        await Assertions.Expect(token).ToHaveAttributeAsync("type", "password");
        await token.FillAsync("EAAG-capi-secret-5678");

        // A token with no dataset to send to is refused next to the field, and nothing is saved.
        await page.GetByTestId("save-account").ClickAsync();
        await Assertions.Expect(page.GetByText("Enter the dataset id this token sends conversions to, or remove the token.")).ToBeVisibleAsync();
        var dataset = page.GetByLabel("Dataset id (optional)");
        await dataset.FillAsync("9000-0001");
        await page.GetByTestId("save-account").ClickAsync();
        await Assertions.Expect(page.GetByText("The dataset id is digits only: the number Events Manager shows for the dataset.")).ToBeVisibleAsync();
        Assert.Empty(DatabaseFiles.Holding(App.DatabasePath, "acme.capi"));

        await dataset.FillAsync("900000000000001");
        await page.GetByTestId("save-account").ClickAsync();

        await Assertions.Expect(page.GetByTestId("conversions-mask").Filter(new() { HasText = "900000000000001" }))
            .ToHaveTextAsync("dataset 900000000000001 · token ••••5678");
        Assert.DoesNotContain("EAAG-capi-secret", await page.ContentAsync());
        Assert.Empty(DatabaseFiles.Holding(App.DatabasePath, "EAAG-capi-secret-5678"));
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
