using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Browser;

/// <summary>
/// A marketer's ways through the insight pages in Chromium: from the overview to a campaign's touches and on to a
/// conversation, and date ranges that are kept in the address and refused, with a reason, when they make no sense.
/// </summary>
public sealed class InsightJourneyBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd");

    [Fact]
    public async Task From_The_Overview_A_Campaign_Opens_Its_Touches_And_A_Conversation_Its_Timeline()
    {
        var (status, _) = await App.Api.PostJsonAsync("/api/triggers", new { name = "Spring flyer", pattern = "spring_flyer" });
        Assert.Equal(HttpStatusCode.Created, status);
        await App.DeliverAsync(Instagram(
            Referral("ig-anna", _now.AddMinutes(-3), "spring_flyer"),
            Referral("ig-ben", _now.AddMinutes(-2), "spring_flyer"),
            Referral("ig-cleo", _now.AddMinutes(-1), "autumn_story")));
        var page = await Browser.SignedInPageAsync(App);

        await page.OpenAsync("/");
        await Assertions.Expect(page.GetByTestId("stat-today")).ToHaveTextAsync("3");
        await Assertions.Expect(page.GetByTestId("stat-today-what")).ToContainTextAsync("first campaign touch came today");
        var campaign = page.GetByTestId("top-campaign").Filter(new() { HasText = "Spring flyer" });
        await Assertions.Expect(campaign).ToContainTextAsync("2");

        // Click 1: the campaign's touches; click 2: one conversation's timeline.
        await campaign.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/feed\\?trigger=\\d+&since="));
        await Assertions.Expect(page.GetByTestId("feed-row")).ToHaveCountAsync(2);
        await page.GetByTestId("feed-conversation").Filter(new() { HasText = "ig-anna" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("ig-anna on Instagram");
        await Assertions.Expect(page.GetByTestId("first-touch")).ToContainTextAsync("spring_flyer");

        // The overview's latest list opens a timeline in one click.
        await page.OpenAsync("/");
        await page.GetByTestId("latest-row").Filter(new() { HasText = "ig-cleo" }).GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("ig-cleo on Instagram");
    }

    [Fact]
    public async Task The_Overview_Keeps_Its_Range_In_The_Address_And_Refuses_One_That_Ends_Before_It_Starts()
    {
        var page = await Browser.SignedInPageAsync(App);
        var (from, until) = (_now.AddDays(-6), _now);

        await page.OpenAsync($"/?from={Day(from)}&until={Day(until)}");
        await Assertions.Expect(page.Locator("#overview-from")).ToHaveValueAsync(Day(from));
        await Assertions.Expect(page.GetByTestId("top-campaigns-empty")).ToHaveTextAsync("No campaigns in this range.");
        await Assertions.Expect(page.GetByTestId("chart-empty")).ToHaveTextAsync("No attributed conversations in this range.");

        // A From typed after Until stays in its field with the reason, and the address keeps the last good range.
        await page.Locator("#overview-from").FillAsync(Day(until.AddDays(3)));
        await page.Locator("#overview-from").PressAsync("Tab");
        await Assertions.Expect(page.GetByText("From is after Until")).ToBeVisibleAsync();
        Assert.EndsWith($"/?from={Day(from)}&until={Day(until)}", page.Url);

        await page.OpenAsync($"/?from={Day(until)}&until={Day(from)}");
        await Assertions.Expect(page.GetByText("From is after Until")).ToBeVisibleAsync();
        await page.OpenAsync("/?from=not-a-date");
        await Assertions.Expect(page.GetByText("\"not-a-date\" is not a date")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Campaign_Analytics_Shows_Code_And_Ad_Apart_And_Keeps_Range_And_Model_In_The_Address()
    {
        await App.DeliverAsync(Messenger(
            Referral("psid-1", _now.AddMinutes(-5), "summer_sale", "SHORTLINK", PageId),
            new
            {
                sender = new { id = "psid-2" },
                recipient = new { id = PageId },
                timestamp = _now.AddMinutes(-4).ToUnixTimeMilliseconds(),
                referral = AdReferral("120211234567890123", "summer_sale"),
            }));
        var page = await Browser.SignedInPageAsync(App);
        var (from, until) = (_now.AddDays(-2), _now);

        await page.OpenAsync($"/analytics?from={Day(from)}&until={Day(until)}");
        var rows = page.GetByTestId("analytics-code");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("analytics-ad")).ToHaveTextAsync(["—", "120211234567890123"], new() { UseInnerText = true });
        await Assertions.Expect(page.GetByTestId("cell-rate").First).ToHaveTextAsync("0.0\u00a0%");

        // The chart's numbers as a table, built when asked for: a row per day of the range.
        await page.GetByText("Show the numbers").ClickAsync();
        await Assertions.Expect(page.GetByTestId("chart-table").Locator("tbody tr")).ToHaveCountAsync(3);

        // MudToggleGroup's items are checkboxes to assistive technology.
        var lastTouch = page.GetByTestId("model").GetByRole(AriaRole.Checkbox, new() { Name = "Last touch" });
        await lastTouch.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/analytics\\?from={Day(from)}&until={Day(until)}&model=last$"));
        await Assertions.Expect(lastTouch).ToHaveAttributeAsync("aria-checked", "true");

        await page.Locator("#analytics-until").FillAsync(Day(from.AddDays(-1)));
        await page.Locator("#analytics-until").PressAsync("Tab");
        await Assertions.Expect(page.GetByText("Until is before From")).ToBeVisibleAsync();
        Assert.Contains($"until={Day(until)}", page.Url);
    }

    [Fact]
    public async Task Campaign_Analytics_Shows_Its_Codes_25_At_A_Time()
    {
        // 27 codes: a first page of 25 and a second of 2, in the report's order (most conversations first).
        await App.DeliverAsync(Instagram([.. Enumerable.Range(1, 27).Select(i => (object)Referral($"ig-page-{i}", _now.AddMinutes(-30 + i), $"flyer_{i:D2}"))]));
        var page = await Browser.SignedInPageAsync(App);

        await page.OpenAsync($"/analytics?from={Day(_now.AddDays(-1))}&until={Day(_now)}");
        await Assertions.Expect(page.GetByTestId("analytics-code")).ToHaveCountAsync(25);
        await Assertions.Expect(page.GetByTestId("analytics-codes-pager-info")).ToHaveTextAsync("1–25 of 27");
        var shown = await page.GetByTestId("analytics-code").AllInnerTextsAsync();

        await page.GetByTestId("analytics-codes-pager").GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("analytics-codes-pager-info")).ToHaveTextAsync("26–27 of 27");
        var rest = await page.GetByTestId("analytics-code").AllInnerTextsAsync();
        Assert.Equal(2, rest.Count);
        Assert.Equal(27, shown.Concat(rest).Select(c => c.Trim()).Distinct().Count());
        // One trigger line ("(no trigger)"): no pager for that table.
        await Assertions.Expect(page.GetByTestId("analytics-triggers-pager")).ToHaveCountAsync(0);
    }
}
