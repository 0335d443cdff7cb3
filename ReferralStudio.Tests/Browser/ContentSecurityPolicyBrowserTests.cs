using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralStudio.Demo;

namespace ReferralStudio.Tests.Browser;

/// <summary>
/// The dashboard under its Content-Security-Policy in Chromium: the pages with the most scripting become interactive
/// and the browser reports no violation, while an inline script is still refused.
/// </summary>
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    // Recorded in every document the page loads (the sign-in form posts, /live is a page of its own).
    private const string ViolationListener = """
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", e => {
            const text = `${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}:${e.lineNumber}`;
            window.__cspViolations.push(text);
            window.reportCspViolation(text);
        });
        """;

    protected override Task SeedAsync() => App.Services.GetRequiredService<DemoLoader>().LoadAsync(conversations: 300);

    [Fact]
    public async Task Dashboard_Works_Under_The_Policy_Without_A_Violation()
    {
        var violations = new List<string>();
        var page = await Browser.NewPageAsync(App);
        await page.Context.ExposeFunctionAsync("reportCspViolation", (string text) =>
        {
            lock (violations)
            {
                violations.Add($"{page.Url}: {text}");
            }
        });
        await page.Context.AddInitScriptAsync(ViolationListener);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (violations)
                {
                    violations.Add($"{page.Url}: console: {message.Text}");
                }
            }
        };

        string Report()
        {
            lock (violations)
            {
                return string.Join("\n", violations);
            }
        }

        // The static sign-in form and its post.
        await page.SignInAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));

        // The overview: the circuit, the chart, and JS interop (the theme toggle's cookie).
        await page.OpenAsync("/");
        await Assertions.Expect(page.GetByTestId("overview-chart").Locator("svg").First).ToBeVisibleAsync();
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Assertions.Expect(page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("aria-label", "Switch to light theme");

        // The studio's QR preview is a data: image: it must load, not just be in the markup.
        await page.OpenAsync("/studio?code=summer_sale");
        await page.GetByTestId("studio-instagram").FillAsync("acme.shop");
        var qr = page.GetByTestId("qr-preview");
        await Assertions.Expect(qr).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("img => img.complete", await qr.ElementHandleAsync());
        Assert.True(await qr.EvaluateAsync<bool>("img => img.naturalWidth > 0"), "The QR preview did not load: " + Report());

        // The website button's preview is the snippet's own link with its inline style, which must apply.
        await page.OpenAsync("/studio/button");
        await page.GetByTestId("button-account").FillAsync("acme.shop");
        var button = page.GetByTestId("button-preview").Locator("a");
        await Assertions.Expect(button).ToBeVisibleAsync();
        Assert.NotEqual("rgba(0, 0, 0, 0)", await button.EvaluateAsync<string>("a => getComputedStyle(a).backgroundColor"));

        await page.OpenAsync("/analytics");
        await Assertions.Expect(page.GetByTestId("analytics-chart").Locator("svg").First).ToBeVisibleAsync();

        // The wall board: its own scripts and the hub's WebSocket.
        await page.GotoAsync("/live");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        await Assertions.Expect(page.GetByTestId("live-row").First).ToBeVisibleAsync();

        await page.GotoAsync("/no-such-page");
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();

        Assert.True(Report().Length == 0, "CSP violations:\n" + Report());

        // The listener hears a violation, and the policy is enforced: an inline script added to the page is refused.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); }");
        await page.WaitForFunctionAsync("() => window.__cspViolations.length > 0");
        Assert.False(await page.EvaluateAsync<bool>("() => window.inlineRan === true"));
        Assert.StartsWith("script-src", await page.EvaluateAsync<string>("() => window.__cspViolations[0]"));
    }
}
