using Microsoft.Playwright;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

public sealed class SignInTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Dashboard_Asks_For_Sign_In_And_Lets_The_Admin_In()
    {
        var page = await Browser.NewPageAsync(App);

        await page.GotoAsync("/triggers");
        Assert.Contains("/account/login", page.Url);
        await page.ScreenshotAsync("login-light");
        await page.SignInAsync(navigate: false);

        await page.WaitForURLAsync(url => url.Contains("/triggers"));
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        Assert.Equal(TestApp.AdminEmail, await page.Locator(".rs-user").InnerTextAsync());
    }

    [Fact]
    public async Task Wrong_Password_Is_Refused_With_A_Message()
    {
        var page = await Browser.NewPageAsync(App, theme: "dark");

        await page.SignInAsync(password: "not-the-password");

        await Assertions.Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("do not match");
        Assert.Contains("/account/login", page.Url);
        await page.ScreenshotAsync("login-wrong-password-dark");
    }

    [Fact]
    public async Task Sign_Out_Ends_The_Session()
    {
        var page = await Browser.NewPageAsync(App);
        await page.SignInAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/account/login"));
        await page.GotoAsync("/");

        Assert.Contains("/account/login", page.Url);
    }
}
