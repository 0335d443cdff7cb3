using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

/// <summary>
/// The triggers list, the editor and the simulator in Chromium: laptop and phone layouts, the delete dialog,
/// the simulator's honesty, and axe-core (WCAG 2.1 A/AA) in both themes.
/// </summary>
public sealed class TriggerPagesBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    protected override async Task SeedAsync()
    {
        foreach (var body in new object[]
        {
            new { name = "Summer sale", pattern = "summer_sale", actions = new { tags = new[] { "campaign:summer" }, greeting = new { text = "Hi!", mode = "immediate" } } },
            new { name = "All collabs", pattern = "collab_*", actions = new { tags = new[] { "affiliate:{1}" } } },
            new { name = "Alice collabs, Instagram and Messenger only", pattern = "collab_alice_*", platforms = new[] { "instagram", "messenger" }, priority = 10 },
            new { name = "Black Friday early access", pattern = "black_friday_2026_early_access_vip", adIds = new[] { "120200000001" } },
            new { name = "Winter", pattern = "winter_*_2026", enabled = false },
        })
        {
            var (status, problem) = await App.Api.PostJsonAsync("/api/triggers", body);
            Assert.True(status == System.Net.HttpStatusCode.Created, problem.ToString());
        }
    }

    // Empty when nothing makes the page scroll sideways, else the widest element that sticks out (for the failure message).
    private const string WiderThanTheWindow = """
        () => {
            if (document.documentElement.scrollWidth <= window.innerWidth + 1) return "";
            const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1);
            const e = out.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)[0];
            return `page is ${document.documentElement.scrollWidth}px wide; ${e?.tagName}.${e?.className} ends at ${e?.getBoundingClientRect().right}`;
        }
        """;

    private static ILocator Rows(IPage page) => page.GetByTestId("trigger-link");

    [Fact]
    public async Task Triggers_List_Fits_A_Laptop_With_Switches_Actions_And_Whole_Codes()
    {
        await App.DeliverAsync(Payloads.Instagram(Payloads.Referral(Payloads.Unique("buyer"), DateTimeOffset.UtcNow, "summer_sale")));
        await App.WhenIdleAsync();
        var page = await Browser.SignedInPageAsync(App);
        await page.OpenAsync("/triggers");
        await Assertions.Expect(Rows(page)).ToHaveCountAsync(5);

        // The counts follow the rows: the conversation summer_sale brought, none for the others.
        var summer = page.Locator("tr", new() { Has = page.GetByTestId("trigger-link").GetByText("Summer sale", new() { Exact = true }) });
        await Assertions.Expect(summer.GetByTestId("trigger-conversations")).ToHaveTextAsync("1");
        await Assertions.Expect(summer.GetByTestId("trigger-conversions")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("trigger-conversations")).ToHaveTextAsync(["0", "0", "0", "1", "0"]);

        await page.ScreenshotAsync("triggers-light");
        Assert.Equal("", await page.EvaluateAsync<string>(WiderThanTheWindow));
        Assert.False(await page.EvaluateAsync<bool>(
            "() => [...document.querySelectorAll('.mud-table-container')].some(c => c.scrollWidth > c.clientWidth + 1)"), "the table scrolls sideways at 1,366 px");
        foreach (var control in new[] { "trigger-enabled", "delete-trigger" })
        {
            var box = await page.GetByTestId(control).First.BoundingBoxAsync();
            Assert.True(box is not null && box.X + box.Width <= 1366, $"{control} is off screen");
        }

        // Codes and the exact/pattern badge are whole: nothing is clipped inside them.
        Assert.Equal(0, await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('[data-testid=trigger-pattern], [data-testid=trigger-kind-badge]')].filter(e => e.scrollWidth > e.clientWidth + 1).length"));
        await Assertions.Expect(page.GetByTestId("trigger-pattern").Filter(new() { HasText = "black_friday_2026_early_access_vip" })).ToBeVisibleAsync();

        // Filters have visible labels, and icon buttons say what they do and to which trigger.
        foreach (var label in new[] { "Search name or code", "Kind", "Platform", "Status" })
        {
            await Assertions.Expect(page.Locator("label", new() { HasText = label }).First).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByLabel("Delete Summer sale", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Links and QR code for summer_sale")).ToHaveAttributeAsync("href", "studio?code=summer_sale");
        await Assertions.Expect(page.GetByLabel("Affiliate kit for collab_*")).ToHaveAttributeAsync("href", "studio/kits?pattern=collab_%2A");
        await Assertions.Expect(page.GetByRole(AriaRole.Switch, new() { Name = "Enabled: Winter" })).Not.ToBeCheckedAsync();

        await page.GetByTestId("trigger-search").FillAsync("COLLAB");
        await Assertions.Expect(Rows(page)).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task Delete_Asks_First_Saying_What_Goes_And_What_Stays()
    {
        var page = await Browser.SignedInPageAsync(App);
        await page.OpenAsync("/triggers");
        await Assertions.Expect(Rows(page)).ToHaveCountAsync(5);

        await page.GetByLabel("Delete Winter", new() { Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("Delete “Winter”?");
        await Assertions.Expect(dialog).ToContainTextAsync("winter_*_2026");
        await Assertions.Expect(dialog).ToContainTextAsync("stay in the feed and analytics");
        await page.ScreenshotAsync("triggers-delete-dialog-light");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(Rows(page)).ToHaveCountAsync(5);

        await page.GetByLabel("Delete Winter", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete trigger" }).ClickAsync();

        await Assertions.Expect(Rows(page)).ToHaveCountAsync(4);
        Assert.DoesNotContain("winter_*_2026", (await App.Api.GetJsonAsync("/api/triggers")).ToString());
    }

    [Fact]
    public async Task On_A_Phone_Rows_Become_Cards_And_Nothing_Scrolls_Sideways()
    {
        var page = await Browser.SignedInPageAsync(App);
        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, name) in new[] { ("/triggers", "triggers"), ("/triggers/new", "trigger-editor"), ("/simulator", "simulator") })
        {
            await page.OpenAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            if (path == "/triggers")
            {
                await Assertions.Expect(Rows(page)).ToHaveCountAsync(5);
                await Assertions.Expect(page.Locator("td[data-label='Code or pattern']").First).ToBeVisibleAsync();
            }

            Assert.Equal("", await page.EvaluateAsync<string>(WiderThanTheWindow));
            await page.ScreenshotAsync($"{name}-phone-light");
        }
    }

    [Fact]
    public async Task Simulator_Refuses_Refs_That_Are_Never_Attributed_And_Links_The_Conversation_It_Made()
    {
        var page = await Browser.SignedInPageAsync(App);
        await page.OpenAsync("/simulator");
        var result = page.GetByTestId("sim-result");
        var refReason = page.GetByTestId("field-sim-ref").Locator(".mud-input-helper-text.mud-input-error");

        await page.GetByTestId("sim-ref").FillAsync("summer_sale");
        await page.GetByTestId("sim-send").ClickAsync();
        await Assertions.Expect(result).ToHaveAttributeAsync("data-outcome", "attributed", new() { Timeout = 30_000 });
        await Assertions.Expect(result).ToContainTextAsync("the trigger “Summer sale” fired");
        var href = await page.GetByTestId("sim-conversation").GetAttributeAsync("href");
        Assert.Matches(@"^conversations/\d+$", href);
        await Assertions.Expect(page.GetByTestId("sim-live")).ToHaveAttributeAsync("href", "live");
        await page.ScreenshotAsync("simulator-attributed-light");

        // A failure replaces the success: no old banner stays up.
        foreach (var (bad, reason) in new[] { ("<script>", "“<” isn't allowed in refs."), ("été", "Accented letters such as “é” aren't allowed in refs."), (new string('a', 2100), "Refs can be at most 2,083 characters long") })
        {
            await page.GetByTestId("sim-ref").FillAsync(bad);
            await Assertions.Expect(refReason).ToContainTextAsync(reason);
            await page.GetByTestId("sim-send").ClickAsync();
            await Assertions.Expect(result).ToHaveAttributeAsync("data-outcome", "invalid");
            await Assertions.Expect(result).Not.ToContainTextAsync("attributed");
            Assert.Equal(0, await page.GetByTestId("sim-conversation").CountAsync());
        }

        await page.ScreenshotAsync("simulator-refused-light");

        // The link opens the simulated person's timeline, titled with who they are and where they wrote.
        await page.GotoAsync(href!);
        await Assertions.Expect(page.GetByTestId("timeline-title")).ToHaveTextAsync(new Regex(@"^sim-\d+ on Instagram$"));
    }

    [Fact]
    public async Task Pages_Have_No_Axe_Violations_In_Light_Or_Dark()
    {
        var failures = new List<string>();
        foreach (var theme in new[] { "light", "dark" })
        {
            var page = await Browser.SignedInPageAsync(App, theme);
            foreach (var (path, name) in new[] { ("/triggers", "triggers"), ("/triggers/new", "trigger-editor"), ("/triggers/1?saved=true", "trigger-saved"), ("/simulator", "simulator") })
            {
                await page.OpenAsync(path);
                await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);
                if (path == "/triggers")
                {
                    await Assertions.Expect(Rows(page)).ToHaveCountAsync(5);
                }

                if (path == "/triggers/new")
                {
                    // With errors showing, so their colour is judged too.
                    await page.GetByTestId("save").ClickAsync();
                    await Assertions.Expect(page.GetByTestId("fix-errors")).ToBeVisibleAsync();
                }

                failures.AddRange((await Axe.ViolationsAsync(page)).Select(v => $"{path} ({theme}): {v}"));
                await page.EvaluateAsync("() => window.scrollTo(0, 0)");
                await page.ScreenshotAsync($"{name}-{theme}");
            }
        }

        Assert.Empty(failures);
    }
}
