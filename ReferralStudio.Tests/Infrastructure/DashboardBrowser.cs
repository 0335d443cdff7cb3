using System.Net;
using System.Text.RegularExpressions;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// The dashboard as a browser without JavaScript sees it: a cookie jar, redirects not followed, forms posted with the
/// hidden fields (antiforgery token, form name) their page rendered.
/// </summary>
public sealed partial class DashboardBrowser : IDisposable
{
    private DashboardBrowser(Uri baseAddress, CookieContainer cookies)
    {
        Cookies = cookies;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    public static DashboardBrowser Open(Uri baseAddress) => new(baseAddress, new CookieContainer());

    /// <summary>Signs in through the form; the browser keeps the cookie.</summary>
    public static async Task<DashboardBrowser> SignedInAsync(TestApp app, string email = TestApp.AdminEmail, string password = TestApp.AdminPassword)
    {
        var browser = Open(app.BaseAddress);
        using var signedIn = await browser.PostFormAsync("/account/login", "/account/login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        if (signedIn.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as {email} answered {signedIn.StatusCode}.");
        }

        return browser;
    }

    /// <summary>Another browser holding a copy of this one's cookies as they are now (a cookie saved, or stolen, before a change).</summary>
    public DashboardBrowser Copy()
    {
        var cookies = new CookieContainer();
        cookies.Add(Cookies.GetAllCookies());
        return new(Http.BaseAddress!, cookies);
    }

    /// <summary>Opens <paramref name="page"/> and posts its hidden fields plus <paramref name="fields"/> to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, Dictionary<string, string> fields)
    {
        var html = await Http.GetStringAsync(page);
        var form = HiddenFields(html);
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        return await Http.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public static Dictionary<string, string> HiddenFields(string html) =>
        HiddenInput().Matches(html).GroupBy(m => WebUtility.HtmlDecode(m.Groups["name"].Value))
            .ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.First().Groups["value"].Value));

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"|<input[^>]*name=\"(?<name>[^\"]+)\"[^>]*type=\"hidden\"[^>]*value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}
