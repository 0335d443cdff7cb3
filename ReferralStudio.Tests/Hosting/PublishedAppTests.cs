using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReferralStudio.Hosting;
using ReferralStudio.Tests.Browser;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Hosting;

/// <summary>
/// The published app in Production, as an operator runs it: every stylesheet and script the dashboard uses is
/// served, the circuit comes up, a TLS-terminating proxy's headers make cookies Secure and redirects https, and
/// missing or public secrets stop it with a message naming each setting. No UI-library selectors: the library changes.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PublishedAppTests(BrowserFixture browser, PublishedApp published) : IClassFixture<PublishedApp>
{
    [Fact]
    public async Task Published_App_Serves_Every_Stylesheet_And_Script_And_Runs_The_Circuit_In_Production()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = published.App.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var problems = new ConcurrentQueue<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                problems.Enqueue($"{response.Status} {response.Url}");
            }
        };
        page.RequestFailed += (_, request) => problems.Enqueue($"failed {request.Url}: {request.Failure}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Enqueue("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => problems.Enqueue("page error: " + error);
        var unstyled = await BodyStyleAsync(page);

        await page.GotoAsync("/account/login");
        await Assertions.Expect(page).ToHaveTitleAsync("Sign in · ReferralStudio");
        await AssertStyledAsync(page, unstyled);

        await page.SignInAsync(navigate: false);
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page).ToHaveTitleAsync("Overview · ReferralStudio");
        await AssertStyledAsync(page, unstyled);
        await page.ScreenshotAsync("published-overview");

        // A link in the app, followed by the circuit's router: the page changes, the document (and this marker) stays.
        await page.EvaluateAsync("() => window.referralStudioSameDocument = true");
        await page.Locator("a[href='triggers'], a[href='/triggers']").First.ClickAsync();
        await Assertions.Expect(page).ToHaveTitleAsync("Codes & triggers · ReferralStudio");
        await Assertions.Expect(page).ToHaveURLAsync(TriggersUrl());
        Assert.True(await page.EvaluateAsync<bool>("() => window.referralStudioSameDocument === true"), "following the link reloaded the page");
        await AssertStyledAsync(page, unstyled);

        Assert.True(problems.IsEmpty, string.Join("\n", problems) + "\n--- app output:\n" + published.App.Output);
        await context.CloseAsync();
    }

    [Fact]
    public void Published_Folder_Leaves_Out_The_Development_Settings()
    {
        Assert.True(File.Exists(Path.Combine(published.Folder, "appsettings.json")));
        Assert.False(File.Exists(Path.Combine(published.Folder, "appsettings.Development.json")));
    }

    [Fact]
    public async Task Behind_A_Tls_Proxy_Redirects_Use_Https_And_The_Sign_In_Cookie_Is_Secure()
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = published.App.BaseAddress,
        };

        using var redirect = await client.SendAsync(ThroughProxy(HttpMethod.Get, "/triggers"));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(Uri.UriSchemeHttps, redirect.Headers.Location!.Scheme);

        var viaProxy = await SignInAsync(client, throughProxy: true);
        Assert.All(viaProxy, cookie => Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase));
        // The same sign-in straight over http gets cookies a browser sends over http: the header made the difference.
        var direct = await SignInAsync(client, throughProxy: false);
        Assert.All(direct, cookie => Assert.DoesNotContain("; secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Published_App_Refuses_To_Start_In_Production_Without_Its_Secrets_Naming_Each()
    {
        var data = published.NewDataDirectory();
        var settings = PublishedApp.ProductionSettings(data);
        foreach (var key in new[] { "Meta__AppSecret", "Api__Key", "Admin__Email", "Admin__Password" })
        {
            settings[key] = null;
        }

        var output = await RefusedAsync(settings);

        Assert.Contains("Meta:AppSecret", output);
        Assert.Contains("Api:Key", output);
        Assert.Contains("Admin:Email", output);
        Assert.Contains("Admin:Password", output);
        Assert.Empty(Directory.GetFiles(data));
    }

    [Fact]
    public async Task Published_App_Refuses_To_Start_With_The_Public_Development_Secrets()
    {
        var settings = PublishedApp.ProductionSettings(published.NewDataDirectory());
        foreach (var (key, value) in DevelopmentSecrets.ByKey)
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var output = await RefusedAsync(settings);

        foreach (var key in DevelopmentSecrets.ByKey.Keys)
        {
            Assert.Contains($"{key} is the Development value", output);
        }
    }

    /// <summary>Starts the app, which must end by itself with exit code 1 and a message, not a stack trace.</summary>
    private async Task<string> RefusedAsync(Dictionary<string, string?> settings)
    {
        await using var app = PublishedProcess.Start(published.Folder, settings);
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{app.Output}");
        Assert.Contains("ReferralStudio did not start", app.Output);
        Assert.DoesNotContain("   at ", app.Output);
        return app.Output;
    }

    private static async Task<string> BodyStyleAsync(IPage page) =>
        await page.EvaluateAsync<string>("() => { const s = getComputedStyle(document.body); return s.fontFamily + ' | ' + s.margin; }");

    /// <summary>
    /// Every stylesheet and script the page names answers 200 under a fingerprinted address the browser may cache for
    /// good, and every stylesheet has rules; the body's computed style is not the browser's default
    /// (<paramref name="unstyled"/>, read from an empty page).
    /// </summary>
    private static async Task AssertStyledAsync(IPage page, string unstyled)
    {
        var assets = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)
                .concat([...document.querySelectorAll('script[src]')].map(s => s.src))
            """);
        Assert.Contains(assets, a => a.Contains("_framework/blazor.web.", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.Contains(".css", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            var response = await page.APIRequest.GetAsync(asset);
            Assert.True(response.Status == 200, $"{asset} answered {response.Status}");
            Assert.Contains("immutable", response.Headers.GetValueOrDefault("cache-control") ?? "", StringComparison.Ordinal);
        }

        var withoutRules = await page.EvaluateAsync<string[]>("""
            () => [...document.styleSheets].filter(s => s.href && s.cssRules.length === 0).map(s => s.href)
            """);
        Assert.Empty(withoutRules);
        Assert.NotEqual(unstyled, await BodyStyleAsync(page));
    }

    private static HttpRequestMessage ThroughProxy(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    /// <summary>Posts the sign-in form as a browser would; the Set-Cookie headers of the antiforgery and the sign-in cookie.</summary>
    private static async Task<string[]> SignInAsync(HttpClient client, bool throughProxy)
    {
        HttpRequestMessage Request(HttpMethod method, string path) =>
            throughProxy ? ThroughProxy(method, path) : new HttpRequestMessage(method, path);

        using var form = await client.SendAsync(Request(HttpMethod.Get, "/account/login"));
        var html = await form.Content.ReadAsStringAsync();
        var fields = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["Input.Email"] = TestApp.AdminEmail;
        fields["Input.Password"] = TestApp.AdminPassword;
        using var post = Request(HttpMethod.Post, "/account/login");
        post.Content = new FormUrlEncodedContent(fields);
        var antiforgery = Assert.Single(form.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);

        using var signedIn = await client.SendAsync(post);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}");
        return [antiforgery, Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ReferralStudio.Auth=", StringComparison.Ordinal))];
    }

    [GeneratedRegex("/triggers$")]
    private static partial Regex TriggersUrl();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"|<input[^>]*name=\"(?<name>[^\"]+)\"[^>]*type=\"hidden\"[^>]*value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}
