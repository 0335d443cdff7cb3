using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReferralStudio.Components.Pages.Insight;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Browser;

/// <summary>What marketers and the wall screen look at, in Chromium.</summary>
public sealed class InsightBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    protected override Task<TestApp> StartAppAsync() => StartAppAsync(new Dictionary<string, string?>
    {
        ["Outbound:Retry:MaxAttempts"] = "1",
        ["Demo:Conversations"] = "300",
    });

    private Task<IPage> SignedInPageAsync(string theme = "light", bool downloads = false) =>
        Browser.SignedInPageAsync(App, theme, downloads);

    [Fact]
    public async Task Live_Board_Shows_A_Simulated_Referral_Without_Reload()
    {
        var board = await SignedInPageAsync(theme: "dark");
        await board.GotoAsync("/live");
        await Assertions.Expect(board.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        var navigations = 0;
        board.FrameNavigated += (_, _) => navigations++;

        var simulator = await SignedInPageAsync();
        await simulator.OpenAsync("/simulator");
        await simulator.GetByTestId("sim-ref").FillAsync("wall_screen_demo");
        await simulator.GetByTestId("sim-send").ClickAsync();
        await Assertions.Expect(simulator.GetByTestId("sim-result")).ToContainTextAsync("HTTP 200");

        var row = board.GetByTestId("live-row").Filter(new LocatorFilterOptions { HasText = "wall_screen_demo" });
        await Assertions.Expect(row).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 5_000 });
        // Added by live.js in the server's shape: the badge has a column of its own, the time is today's.
        await Assertions.Expect(row.Locator("td")).ToHaveCountAsync(5);
        await Assertions.Expect(row.Locator("td.lb-c-note")).ToHaveTextAsync("simulated");
        await Assertions.Expect(row.GetByTestId("live-time")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{2}:\d{2}:\d{2}$"));
        await Assertions.Expect(board.GetByTestId("live-counts")).ToContainTextAsync("wall_screen_demo");
        await Assertions.Expect(board.GetByTestId("live-status")).ToHaveTextAsync("Live");
        Assert.Equal(0, navigations);
        await board.ScreenshotAsync("live-board-dark");
        await simulator.ScreenshotAsync("simulator-light");
    }

    [Fact]
    public async Task Live_Board_Fills_In_What_It_Missed_While_Disconnected()
    {
        var board = await SignedInPageAsync();
        // Stand between the board and the hub, to cut the connection and refuse reconnects for a while.
        var offline = false;
        IWebSocketRoute? current = null;
        await board.RouteWebSocketAsync("**/hubs/attribution", route =>
        {
            if (offline)
            {
                route.CloseAsync();
                return;
            }

            current = route;
            route.ConnectToServer();
        });
        await board.GotoAsync("/live");
        await Assertions.Expect(board.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");

        offline = true;
        await current!.CloseAsync();
        await Assertions.Expect(board.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "reconnecting");
        await App.DeliverAsync(Instagram(Referral(Unique("igsid"), _now, "while_offline")));
        Assert.Equal(0, await board.GetByTestId("live-row").Filter(new LocatorFilterOptions { HasText = "while_offline" }).CountAsync());
        offline = false;

        await Assertions.Expect(board.GetByTestId("live-row").Filter(new LocatorFilterOptions { HasText = "while_offline" }))
            .ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
        await Assertions.Expect(board.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
    }

    private async Task SeedFeedAsync()
    {
        var events = new List<object>();
        for (var i = 0; i < 60; i++)
        {
            events.Add(Referral($"ig-{i:00}", _now.AddMinutes(-i - 10), $"alpha_{i:00}"));
        }

        await App.DeliverAsync(Instagram([.. events]));
        var messenger = Enumerable.Range(0, 7).Select(i => (object)Referral($"psid-{i}", _now.AddMinutes(-i), "beta_flyer", "SHORTLINK", PageId)).ToArray();
        await App.DeliverAsync(Messenger(messenger));
    }

    [Fact]
    public async Task Feed_Filters_And_Pages_Give_The_Right_Rows_And_Csv_Export_Matches()
    {
        await SeedFeedAsync();
        var page = await SignedInPageAsync(downloads: true);

        await page.OpenAsync("/feed");
        await Assertions.Expect(page.GetByTestId("feed-total")).ToContainTextAsync("67 referral touches");
        await Assertions.Expect(page.GetByTestId("feed-row")).ToHaveCountAsync(FeedPage.PageSize);
        await page.ScreenshotAsync("feed-light");
        await page.GetByTestId("feed-pager").GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("feed-row")).ToHaveCountAsync(FeedPage.PageSize);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/feed\\?page=2$"));
        await page.GetByTestId("feed-pager").GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("feed-row")).ToHaveCountAsync(67 - 2 * FeedPage.PageSize);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/feed\\?page=3$"));

        await page.OpenAsync("/feed?ref=alpha_1");
        await Assertions.Expect(page.GetByTestId("feed-total")).ToContainTextAsync("10 referral touches");
        await Assertions.Expect(page.GetByTestId("feed-row")).ToHaveCountAsync(10);
        var refs = await page.GetByTestId("feed-ref").AllInnerTextsAsync();
        Assert.All(refs, r => Assert.StartsWith("alpha_1", r));

        // The search box, kept in the address like every filter.
        await page.OpenAsync("/feed");
        await page.Locator("#filter-search").FillAsync("beta_flyer");
        await page.Locator("#filter-search").PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/feed\\?q=beta_flyer$"));
        await Assertions.Expect(page.GetByTestId("feed-total")).ToContainTextAsync("7 referral touches");

        await page.OpenAsync("/feed?platform=messenger");
        await Assertions.Expect(page.GetByTestId("feed-total")).ToContainTextAsync("7 referral touches");
        await Assertions.Expect(page.GetByTestId("feed-row")).ToHaveCountAsync(7);
        var shown = (await page.GetByTestId("feed-participant").AllInnerTextsAsync()).ToHashSet();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var path = Path.Combine(Path.GetTempPath(), $"feed-{Guid.NewGuid():N}.csv");
        await download.SaveAsAsync(path);
        var lines = await File.ReadAllLinesAsync(path);
        Assert.StartsWith("occurred_at,platform", lines[0]);
        var exported = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(7, exported.Count);
        Assert.All(exported, cells => Assert.Equal("messenger", cells[1]));
        Assert.Equal(shown, exported.Select(cells => cells[3]).ToHashSet());

        // A row opens its timeline, whose back link returns to the same filtered feed.
        await page.GetByTestId("feed-conversation").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/conversations/\\d+\\?back="));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("on Messenger");
        await page.GetByTestId("back-to-feed").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/feed\\?platform=messenger$"));
        await Assertions.Expect(page.GetByTestId("feed-row")).ToHaveCountAsync(7);
    }

    [Fact]
    public async Task Timeline_Shows_The_Window_State()
    {
        await App.DeliverAsync(Instagram(Message("recent-person", _now.AddHours(-2), "hi", RefLink("fresh_code"))));
        await App.DeliverAsync(Instagram(Referral("old-person", _now.AddDays(-3), "old_code")));
        var recent = (await App.ConversationOfAsync("instagram", "recent-person")).GetProperty("id").GetInt64();
        var old = (await App.ConversationOfAsync("instagram", "old-person")).GetProperty("id").GetInt64();
        var page = await SignedInPageAsync();

        await page.OpenAsync($"/conversations/{recent}");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("recent-person on Instagram");
        await Assertions.Expect(page.GetByTestId("back-to-feed")).ToHaveAttributeAsync("href", "feed");
        await Assertions.Expect(page.GetByTestId("first-touch")).ToContainTextAsync("fresh_code");
        await Assertions.Expect(page.GetByTestId("window-state")).ToHaveAttributeAsync("data-open", "true");
        await Assertions.Expect(page.GetByTestId("window-state")).ToContainTextAsync("closes in 21 h");
        await Assertions.Expect(page.GetByTestId("timeline")).ToContainTextAsync("First touch: fresh_code");
        await page.ScreenshotAsync("timeline-open-light");

        await page.OpenAsync($"/conversations/{old}");
        await Assertions.Expect(page.GetByTestId("window-state")).ToHaveAttributeAsync("data-open", "false");
        await Assertions.Expect(page.GetByTestId("window-state")).ToContainTextAsync("closed 2 d");
    }

    [Fact]
    public async Task Failed_Outbound_Delivery_Is_Replayed_From_The_Ui()
    {
        var receiver = Receiver;
        receiver.Enqueue(new ScriptedResponse(500));
        var (status, _) = await App.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = receiver.BaseAddress + "hook", events = new[] { "referral.received" } });
        Assert.Equal(HttpStatusCode.Created, status);
        await App.DeliverAsync(Instagram(Referral(Unique("igsid"), _now, "replay_me")));
        await receiver.NextRequestAsync();
        var page = await SignedInPageAsync();

        // The old address of the outbound tab leads to the Outbound webhooks page and its delivery log.
        await page.GotoAsync("/deliveries?tab=outbound", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForURLAsync(url => url.EndsWith("/subscriptions", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        var row = page.GetByTestId("outbound-log").Locator("tbody tr").Filter(new LocatorFilterOptions { Has = page.GetByTestId("outbound-status-cell") }).First;
        await Assertions.Expect(row.GetByTestId("outbound-status-cell")).ToHaveTextAsync("failed");
        var deliveryId = long.Parse((await row.Locator("[data-delivery-id]").GetAttributeAsync("data-delivery-id"))!);
        await row.GetByTestId("replay").ClickAsync();
        await receiver.NextRequestAsync();
        await App.SettledDeliveryAsync(deliveryId);

        await page.OpenAsync("/subscriptions");
        await Assertions.Expect(row.GetByTestId("outbound-status-cell")).ToHaveTextAsync("delivered");
        await Assertions.Expect(row.GetByTestId("outbound-attempts")).ToContainTextAsync("replay");
        await page.ScreenshotAsync("deliveries-outbound-light");
    }

    [Fact]
    public async Task Demo_Loads_From_The_Overview_Feeds_The_Board_And_Clears_Only_After_Confirmation()
    {
        // Every page with the demo data, in both themes and on a phone, is PageTourTests' job; this is the first run.
        var page = await SignedInPageAsync();
        await page.OpenAsync("/");
        await page.GetByTestId("load-demo").ClickAsync();
        await Assertions.Expect(page.GetByTestId("clear-demo")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("demo-offer")).ToHaveCountAsync(0);

        var board = await SignedInPageAsync("dark");
        await board.GotoAsync("/live");
        await Assertions.Expect(board.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        Assert.True(await board.GetByTestId("live-row").CountAsync() > 10);
        await board.ScreenshotAsync("insight-live-dark");

        // Clearing asks first: cancelling keeps the data, confirming removes it and offers the demo again.
        await page.GetByTestId("clear-demo").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("clear-demo")).ToBeVisibleAsync();
        await page.GetByTestId("clear-demo").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Clear demo data" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("demo-offer")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        Assert.Equal(0, (await App.Api.GetJsonAsync("/api/conversations?pageSize=1")).GetProperty("items").GetArrayLength());
    }
}
