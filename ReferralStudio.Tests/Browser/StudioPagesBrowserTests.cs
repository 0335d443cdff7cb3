using Microsoft.Playwright;

namespace ReferralStudio.Tests.Browser;

/// <summary>The studio's pages on MudBlazor in Chromium: the states a marketer meets, in both themes.</summary>
public sealed class StudioPagesBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Website_Button_Refuses_Text_The_Colour_Of_Its_Background_With_The_Contrast()
    {
        var page = await Browser.SignedInPageAsync(App, "dark");
        await page.OpenAsync("/studio/button");
        await page.GetByTestId("button-account").FillAsync("acme.shop");
        await Assertions.Expect(page.GetByTestId("button-preview")).ToBeVisibleAsync();

        await page.GetByTestId("button-fg").FillAsync("#c13584");

        var field = page.Locator(".mud-input-control").Filter(new LocatorFilterOptions { Has = page.GetByTestId("button-fg") });
        await Assertions.Expect(field).ToContainTextAsync("contrast of 1.0:1");
        await Assertions.Expect(field).ToContainTextAsync("at least 4.5:1");
        await Assertions.Expect(page.GetByTestId("button-preview")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("button-snippet")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("website-button-contrast-dark");
    }

    [Fact]
    public async Task Kit_Names_Upload_From_A_File_Through_A_Labelled_Button()
    {
        var page = await Browser.SignedInPageAsync(App, "dark");
        await page.OpenAsync("/studio/kits");
        var csv = Path.Combine(Path.GetTempPath(), $"names-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "name,email\nAnna,anna@example.com\nZoë Ødegård,zoe@example.com\n");

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Upload names from a CSV or text file" })).ToBeVisibleAsync();
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByTestId("kit-upload-button").ClickAsync());
        await chooser.SetFilesAsync(csv);

        await Assertions.Expect(page.GetByTestId("kit-uploaded")).ToContainTextAsync(Path.GetFileName(csv));
        await Assertions.Expect(page.GetByTestId("kit-names")).ToHaveValueAsync("name,email\nAnna,anna@example.com\nZoë Ødegård,zoe@example.com\n");
        await page.GetByTestId("kit-instagram").FillAsync("acme.shop");
        await page.GetByTestId("build-kit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("kit-count")).ToHaveTextAsync("2 codes");
        await Assertions.Expect(page.GetByTestId("kit-grid")).ToContainTextAsync("collab_zoe_odegard");
        await page.ScreenshotAsync("kits-dark");
    }

    [Fact]
    public async Task A_Kit_For_A_New_Pattern_Creates_The_Trigger_And_Then_Counts_As_Covered()
    {
        var page = await Browser.SignedInPageAsync(App);
        await page.OpenAsync("/studio/kits?pattern=partner_*");
        await Assertions.Expect(page.GetByTestId("kit-prefix")).ToHaveValueAsync("partner_");
        await page.GetByTestId("kit-names").FillAsync("Anna");
        await page.GetByTestId("kit-instagram").FillAsync("acme.shop");

        await page.GetByTestId("kit-create-pattern").Locator("input").CheckAsync();
        await page.GetByTestId("build-kit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("kit-trigger")).ToContainTextAsync("Created the trigger \"Affiliates partner_*\"");
        await Assertions.Expect(page.GetByTestId("kit-covered")).ToContainTextAsync("Already covered by pattern partner_*");
        await page.ScreenshotAsync("kits-pattern-light");
    }

    [Fact]
    public async Task Studio_Pages_In_Dark_And_On_A_Phone()
    {
        var page = await Browser.SignedInPageAsync(App, "dark");
        var pages = new[] { ("/studio?code=summer%20sale", "studio-invalid"), ("/studio?code=collab_*", "studio-pattern"), ("/studio/kits?pattern=collab_*", "kits-from-pattern") };
        foreach (var (path, name) in pages)
        {
            await page.OpenAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);
            await page.ScreenshotAsync($"{name}-dark");
        }

        // Each page opened at phone width, as a phone opens it: resizing an open page measured it before the layout
        // (the drawer's breakpoint goes through the circuit) had caught up.
        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, name) in pages)
        {
            await page.OpenAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);
            Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1"), $"{path} scrolls sideways on a phone");
            await page.ScreenshotAsync($"{name}-phone-dark");
        }

        await Assertions.Expect(page.GetByTestId("kit-pattern-note")).ToHaveCountAsync(0);
    }
}
