using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Auth;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Auth;

/// <summary>The invitation page over HTTP, as a browser uses it: a static form with its antiforgery token, then the dashboard.</summary>
public sealed partial class InvitationPageTests : IAsyncLifetime
{
    private const string Password = "a-long-enough-password";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> InviteAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StudioUser>>();
        var owner = (await users.FindByEmailAsync(TestApp.AdminEmail))!.Id;
        return (await _app.Services.GetRequiredService<Team>().InviteAsync(owner, "ana@studio.test", StudioRoles.Viewer)).Token!;
    }

    private HttpClient NewBrowser() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };

    /// <summary>Opens the page and posts its form with the hidden fields it was given.</summary>
    private static async Task<HttpResponseMessage> JoinAsync(HttpClient browser, string address, string password, string confirm)
    {
        var html = await browser.GetStringAsync(address);
        var fields = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["Input.Password"] = password;
        fields["Input.Confirm"] = confirm;
        return await browser.PostAsync(address, new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task Joining_Sets_The_Password_Signs_In_And_Opens_The_Dashboard()
    {
        var address = "/account/invitation?token=" + Uri.EscapeDataString(await InviteAsync());
        using var browser = NewBrowser();
        Assert.Contains("ana@studio.test", await browser.GetStringAsync(address));

        using var mismatch = await JoinAsync(browser, address, Password, Password + "x");
        Assert.Equal(HttpStatusCode.OK, mismatch.StatusCode);
        Assert.Contains("The two passwords differ.", await mismatch.Content.ReadAsStringAsync());
        using var tooShort = await JoinAsync(browser, address, "short", "short");
        Assert.Contains("at least 12 characters", await tooShort.Content.ReadAsStringAsync());

        using var joined = await JoinAsync(browser, address, Password, Password);

        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Equal("/", new Uri(_app.BaseAddress, joined.Headers.Location!).AbsolutePath);
        using var dashboard = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);

        // The link worked once.
        using var stranger = NewBrowser();
        var reopened = await stranger.GetStringAsync(address);
        Assert.Contains("This invitation link is not valid", reopened);
        Assert.DoesNotContain("ana@studio.test", reopened);
    }

    [Fact]
    public async Task A_Form_Posted_After_The_Link_Was_Used_Elsewhere_Says_Why_And_Changes_Nothing()
    {
        var token = await InviteAsync();
        var address = "/account/invitation?token=" + Uri.EscapeDataString(token);
        using var late = NewBrowser();
        var html = await late.GetStringAsync(address);
        var fields = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        Assert.Null((await _app.Services.GetRequiredService<Team>().AcceptAsync(token, Password)).Error);

        fields["Input.Password"] = fields["Input.Confirm"] = "someone-elses-password";
        using var posted = await late.PostAsync(address, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("This invitation link is not valid", await posted.Content.ReadAsStringAsync());
        await using var scope = _app.Services.CreateAsyncScope();
        var check = await scope.ServiceProvider.GetRequiredService<SignInService>().CheckAsync("ana@studio.test", Password, IPAddress.Loopback);
        Assert.Equal(SignInOutcome.Success, check.Outcome);
    }

    [Fact]
    public async Task An_Unknown_Token_Shows_Why_And_Offers_No_Form()
    {
        using var browser = NewBrowser();

        var html = await browser.GetStringAsync("/account/invitation?token=made-up");

        Assert.Contains("This invitation link is not valid", html);
        Assert.DoesNotContain("type=\"password\"", html);
    }

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"|<input[^>]*name=\"(?<name>[^\"]+)\"[^>]*type=\"hidden\"[^>]*value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}
