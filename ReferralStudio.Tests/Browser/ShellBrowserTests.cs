using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;

namespace ReferralStudio.Tests.Browser;

/// <summary>The frame every page shares: theme memory, the menu on a phone, sign-out, and the 404 page.</summary>
public sealed class ShellBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Dark_Mode_Is_Remembered_And_Rendered_By_The_Server_On_Reload()
    {
        var page = await Browser.SignedInPageAsync(App, theme: "light");
        await page.OpenAsync("/");
        var lightBackground = await BackgroundAsync(page);

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Assertions.Expect(page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("aria-label", "Switch to light theme");
        var cookies = await page.Context.CookiesAsync();
        Assert.Equal("dark", cookies.Single(c => c.Name == "ReferralStudio.Theme").Value);

        // The server's first response already carries the dark palette: no white flash before the circuit.
        var response = await page.ReloadAsync();
        var html = await response!.TextAsync();
        Assert.Contains("--mud-palette-background: rgba(17,19,24,1)", html, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(lightBackground, await BackgroundAsync(page));
        await page.ScreenshotAsync("shell-overview-dark-after-reload");
    }

    [Fact]
    public async Task Without_A_Choice_The_Browser_Preference_Decides()
    {
        var page = await Browser.NewPageAsync(App, theme: null);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        await page.SignInAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        await page.OpenAsync("/");

        await Assertions.Expect(page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("aria-label", "Switch to light theme");
        await page.ScreenshotAsync("shell-overview-system-dark");
    }

    [Fact]
    public async Task On_A_Phone_The_Menu_Overlays_The_Page_And_Sign_Out_Stays_Reachable()
    {
        var page = await Browser.SignedInPageAsync(App);
        await page.SetViewportSizeAsync(390, 844);
        await page.OpenAsync("/");
        var heading = page.Locator("h1");
        var widthBefore = (await heading.BoundingBoxAsync())!.Width;

        await Assertions.Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();
        var menu = page.GetByRole(AriaRole.Link, new() { Name = "Attribution feed" });
        if (!await menu.IsVisibleAsync())
        {
            await page.GetByTestId("menu").ClickAsync();
        }

        await Assertions.Expect(menu).ToBeVisibleAsync();
        Assert.Equal(widthBefore, (await heading.BoundingBoxAsync())!.Width);
        await page.ScreenshotAsync("shell-menu-phone");
        await menu.ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/feed"));
    }

    [Fact]
    public async Task Sign_Out_Reads_Clearly_On_The_Light_Header()
    {
        var page = await Browser.SignedInPageAsync(App, theme: "light");
        await page.OpenAsync("/");

        var colours = await page.GetByTestId("sign-out").EvaluateAsync<string[]>(
            "b => [getComputedStyle(b).color, getComputedStyle(b.closest('header')).backgroundColor]");
        Assert.True(Contrast.Ratio(colours[0], colours[1]) >= 4.5, $"sign-out {colours[0]} on {colours[1]}");
    }

    [Fact]
    public async Task An_Unknown_Address_Shows_A_Page_Not_Json_While_The_Api_Keeps_ProblemDetails()
    {
        var page = await Browser.SignedInPageAsync(App);

        var response = await page.GotoAsync("/no-such-page");

        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("a", new() { HasText = "Go to the overview" })).ToHaveAttributeAsync("href", "/");
        await page.ScreenshotAsync("not-found-light");

        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-thing");
        api.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var apiResponse = await App.Api.SendAsync(api);
        Assert.Equal(HttpStatusCode.NotFound, apiResponse.StatusCode);
        Assert.Equal("application/problem+json", apiResponse.Content.Headers.ContentType?.MediaType);
    }

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
