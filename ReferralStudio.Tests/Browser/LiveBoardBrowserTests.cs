using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralStudio.Live;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Browser;

/// <summary>The wall board on real screen sizes: it fills the screen, its type grows with it, columns stay put.</summary>
public sealed partial class LiveBoardBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    protected override async Task SeedAsync()
    {
        // Yesterday's arrival (dated on the board), today's, and one from the simulator (badge in its own column).
        await App.DeliverAsync(Instagram(Referral(Unique("igsid"), _now.AddDays(-1), "yesterday_flyer")));
        await App.DeliverAsync(Messenger(Referral(Unique("psid"), _now.AddMinutes(-2), "summer_sale", "SHORTLINK", PageId)));
        var simulated = Instagram(Referral(Unique("igsid"), _now.AddMinutes(-1), "collab_jose_muller_extra_long_code"));
        await App.DeliverAsync("{\"referralstudio_simulated\":true," + simulated[1..]);
    }

    [Theory]
    [InlineData(1920, 1080, "dark")]
    [InlineData(1920, 1080, "light")]
    [InlineData(3840, 2160, "dark")]
    public async Task Board_Fills_The_Screen_With_Type_Readable_Across_A_Room(int width, int height, string theme)
    {
        var page = await Browser.SignedInPageAsync(App, theme);
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync("/live");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");

        // The board is the screen: no scrolling, no empty band below it.
        var box = (await page.Locator("[data-live-board]").BoundingBoxAsync())!;
        Assert.Equal(height, box.Height, 1.0);
        Assert.Equal(width, box.Width, 1.0);
        Assert.False(await page.EvaluateAsync<bool>("() => document.scrollingElement.scrollHeight > window.innerHeight + 1"), "the page scrolls");

        // Type scales with the screen: at 5 m a row needs ~30 px on 1080p (and twice that on 4K, the same physical size).
        var rowText = await FontSizeAsync(page, "[data-testid=live-row] td.lb-c-campaign");
        var total = await FontSizeAsync(page, "[data-testid=live-total]");
        Assert.InRange(rowText, width * 0.015, width * 0.017);
        Assert.True(total >= rowText * 2.9, $"the total is {total} px, rows {rowText} px");

        // Column headers, and every row's cells under them, the simulated one included.
        var headers = page.GetByTestId("live-table").Locator("thead th");
        await Assertions.Expect(headers).ToHaveTextAsync(["Time", "Platform", "Campaign", "Code or ad", "Note"]);
        var headerLefts = await LeftsAsync(headers);
        foreach (var row in await page.GetByTestId("live-row").AllAsync())
        {
            Assert.Equal(headerLefts, await LeftsAsync(row.Locator("td")));
        }

        var simulatedRow = page.GetByTestId("live-row").Filter(new() { HasText = "collab_jose_muller" });
        await Assertions.Expect(simulatedRow.Locator("td.lb-c-note")).ToHaveTextAsync("simulated");
        await Assertions.Expect(page.GetByTestId("live-row").Filter(new() { HasText = "yesterday_flyer" }).GetByTestId("live-time")).ToHaveTextAsync(DatedTime());
        await Assertions.Expect(page.GetByTestId("live-row").Filter(new() { HasText = "summer_sale" }).GetByTestId("live-time")).ToHaveTextAsync(TodaysTime());

        // Counts are today's only (yesterday's flyer is listed but not counted), and say so.
        await Assertions.Expect(page.GetByTestId("live-total")).ToHaveTextAsync("2");
        await Assertions.Expect(page.GetByTestId("live-counts")).Not.ToContainTextAsync("yesterday_flyer");
        await Assertions.Expect(page.GetByTestId("live-total-note")).ToContainTextAsync("since 00:00 UTC");
        await page.ScreenshotAsync($"live-{width}x{height}-{theme}");
    }

    [Fact]
    public async Task A_Long_Code_Pushed_Live_Wraps_In_Full_As_The_Server_Renders_It()
    {
        const string code = "summer_sale_2026_berlin_store_window_flyer";
        var page = await Browser.SignedInPageAsync(App, "dark");
        await page.SetViewportSizeAsync(1920, 1080);
        await page.GotoAsync("/live");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");

        // It arrives over SignalR, so live.js builds the row.
        await App.DeliverAsync(Instagram(Referral(Unique("igsid"), _now, code)));
        // The code, and the campaign (the code itself, no trigger names it) in the feed and in the counts.
        var row = page.GetByTestId("live-row").Filter(new() { HasText = "summer_sale_2026" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        ILocator[] cells = [row.Locator("td.lb-c-ref"), row.Locator("td.lb-c-campaign"), page.Locator($"[data-campaign='{code}'] td.lb-c-campaign")];
        var pushed = new List<string>();
        foreach (var cell in cells)
        {
            Assert.Equal(code, await cell.EvaluateAsync<string>("td => td.textContent"));
            Assert.True(await cell.EvaluateAsync<bool>("td => td.scrollWidth <= td.clientWidth"), "the code overflows its cell");
            // It wraps, and each piece between the breaks stays on one line.
            var lineTops = await cell.EvaluateAsync<int[][]>("""
                td => [...td.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => {
                    const range = document.createRange();
                    range.selectNodeContents(n);
                    return [...new Set([...range.getClientRects()].map(r => Math.round(r.top)))];
                })
                """);
            Assert.All(lineTops, tops => Assert.Single(tops));
            Assert.True(lineTops.Select(tops => tops[0]).Distinct().Count() > 1, "the code did not wrap");
            pushed.Add(await cell.InnerHTMLAsync());
        }

        Assert.All(pushed, html => Assert.Equal("summer_<wbr>sale_<wbr>2026_<wbr>berlin_<wbr>store_<wbr>window_<wbr>flyer", html));
        await page.ScreenshotAsync("live-long-code-1920x1080-dark");

        // The server renders the same rows the same way.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        foreach (var (cell, html) in cells.Zip(pushed))
        {
            Assert.Equal(html, await cell.InnerHTMLAsync());
        }
    }

    [Fact]
    public async Task A_Hostile_Code_Pushed_Live_Stays_Text()
    {
        // The webhook path refuses such a ref before it reaches the board; the board must not depend on that.
        const string hostile = "<img src=x onerror=document.title='pwned'>_<script>document.title='pwned'</script>";
        var page = await Browser.SignedInPageAsync(App, "dark");
        await page.GotoAsync("/live");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");

        var notice = new AttributionNotice(1_000_000, 1, "messenger", PageId, "psid", null, hostile, null, "SHORTLINK", "first_message",
            null, null, _now, _now, false, false);
        await App.Services.GetRequiredService<IHubContext<AttributionHub>>().Clients.All.SendAsync(AttributionHub.Method, notice);

        var cell = page.Locator("[data-touch-id='1000000'] td.lb-c-ref");
        await Assertions.Expect(cell).ToHaveCountAsync(1);
        Assert.Equal(hostile, await cell.EvaluateAsync<string>("td => td.textContent"));
        Assert.Equal(
            "&lt;img src=<wbr>x onerror=<wbr>document.title=<wbr>'pwned'&gt;_<wbr>&lt;script&gt;document.title=<wbr>'pwned'&lt;/script&gt;",
            await cell.InnerHTMLAsync());
        Assert.Equal(0, await page.Locator("[data-live-board] img, [data-live-board] script").CountAsync());
        Assert.NotEqual("pwned", await page.TitleAsync());
    }

    [Fact]
    public async Task Full_Screen_Button_Takes_The_Board_Full_Screen_And_Back()
    {
        var page = await Browser.SignedInPageAsync(App, "dark");
        await page.SetViewportSizeAsync(1920, 1080);
        await page.GotoAsync("/live");
        var button = page.GetByTestId("live-fullscreen");

        await button.ClickAsync();

        await Assertions.Expect(button).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.True(await page.EvaluateAsync<bool>("() => document.fullscreenElement === document.documentElement"));
        await Assertions.Expect(button).ToHaveTextAsync("Exit full screen");
        await button.ClickAsync();
        await Assertions.Expect(button).ToHaveAttributeAsync("aria-pressed", "false");
    }

    [Fact]
    public async Task Theme_Button_Switches_The_Board_And_Remembers_It()
    {
        var page = await Browser.SignedInPageAsync(App, "dark");
        await page.GotoAsync("/live");
        var shell = page.Locator(".lb-shell");
        await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", "dark");

        await page.GetByTestId("live-theme").ClickAsync();

        await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", "light");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".lb-shell")).ToHaveAttributeAsync("data-theme", "light");
    }

    [Fact]
    public async Task Board_Says_Offline_While_The_Network_Is_Gone_And_Goes_Live_Again_By_Itself()
    {
        var page = await Browser.SignedInPageAsync(App, "dark");
        var refuse = false;
        IWebSocketRoute? current = null;
        await page.RouteWebSocketAsync("**/hubs/attribution", route =>
        {
            if (refuse)
            {
                route.CloseAsync();
                return;
            }

            current = route;
            route.ConnectToServer();
        });
        await page.GotoAsync("/live");
        var status = page.GetByTestId("live-status");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "live");

        refuse = true;
        await page.Context.SetOfflineAsync(true);
        await current!.CloseAsync();
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "offline");
        await Assertions.Expect(status).ToHaveTextAsync("Offline, retrying");
        await page.ScreenshotAsync("live-offline-dark");

        refuse = false;
        await page.Context.SetOfflineAsync(false);
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        await Assertions.Expect(status).ToHaveTextAsync("Live");
    }

    [Fact]
    public async Task Board_Starts_A_New_Day_At_Midnight_In_Its_Zone()
    {
        var page = await Browser.SignedInPageAsync(App, "light");
        await page.Clock.InstallAsync();
        await page.GotoAsync("/live");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        await Assertions.Expect(page.GetByTestId("live-total")).ToHaveTextAsync("2");
        var dayEnd = DateTimeOffset.Parse((await page.Locator("[data-live-board]").GetAttributeAsync("data-day-end"))!);

        // Past midnight (and the board's 15 s check): the counts start again and today's rows now carry their date.
        var untilMidnight = await page.EvaluateAsync<double>($"() => {dayEnd.ToUnixTimeMilliseconds()} - Date.now()");
        await page.Clock.FastForwardAsync((long)untilMidnight + 16_000);

        await Assertions.Expect(page.GetByTestId("live-total")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("live-counts").Locator("tr")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-empty-counts]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-day-label]")).ToHaveTextAsync(ReferralStudio.Components.Live.BoardDay.Containing(dayEnd, TimeZoneInfo.Utc).DateLabel);
        await Assertions.Expect(page.GetByTestId("live-row").Filter(new() { HasText = "summer_sale" }).GetByTestId("live-time")).ToHaveTextAsync(DatedTime());
    }

    [Fact]
    public async Task Board_On_A_Phone_Scrolls_Its_Table_In_Its_Own_Box()
    {
        var page = await Browser.SignedInPageAsync(App, "light");
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/live");
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");

        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1"), "the page scrolls sideways");
        await page.ScreenshotAsync("live-390-light");
    }

    private static Task<double> FontSizeAsync(IPage page, string selector) =>
        page.Locator(selector).First.EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");

    private static async Task<List<int>> LeftsAsync(ILocator cells) =>
        [.. (await cells.EvaluateAllAsync<double[]>("cells => cells.map(c => c.getBoundingClientRect().left)")).Select(x => (int)Math.Round(x))];

    [GeneratedRegex(@"^\d{1,2} [A-Z][a-z]{2} \d{2}:\d{2}$")]
    private static partial Regex DatedTime();

    [GeneratedRegex(@"^\d{2}:\d{2}:\d{2}$")]
    private static partial Regex TodaysTime();
}
