using Bunit;
using ReferralStudio.Components.Live;
using ReferralStudio.Live;

namespace ReferralStudio.Tests.Components;

/// <summary>The wall board as the server renders it (wwwroot/live.js adds rows of the same shape; the browser tests cover that).</summary>
public sealed class LiveBoardTests : MudTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T10:00:00Z");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static AttributionNotice Notice(long id, string? trigger, string? @ref, DateTimeOffset at, bool simulated = false, string? adId = null) =>
        new(id, id, "instagram", "acct", $"p{id}", null, @ref, adId, "SHORTLINKS", "first_message", trigger is null ? null : 1, trigger, at, at, false, simulated);

    private IRenderedComponent<LiveBoard> RenderBoard(IReadOnlyList<AttributionNotice> recent, IReadOnlyList<(string, int)>? counts = null, TimeZoneInfo? zone = null) =>
        Render<LiveBoard>(p => p
            .Add(b => b.Recent, recent)
            .Add(b => b.Counts, counts ?? [])
            .Add(b => b.Day, BoardDay.Containing(Now, zone ?? TimeZoneInfo.Utc)));

    [Fact]
    public void Board_Renders_Newest_First_With_Counts_And_The_Cursor_For_Live_Updates()
    {
        var board = RenderBoard(
            [Notice(3, "Summer", "summer_sale", Now.AddMinutes(-9)), Notice(9, null, "flyer", Now.AddMinutes(-1), simulated: true), Notice(5, "Collabs", "collab_bob", Now.AddMinutes(-5))],
            [("Summer", 12), ("Collabs", 4)]);

        Assert.Equal("9", board.Find("[data-live-board]").GetAttribute("data-last-id"));
        Assert.Equal(["9", "5", "3"], board.FindAll("[data-testid=live-row]").Select(r => r.GetAttribute("data-touch-id")));
        Assert.Equal(["Summer", "Collabs"], board.FindAll("[data-testid=live-counts] tr").Select(r => r.GetAttribute("data-campaign")));
        Assert.Equal("16", board.Find("[data-testid=live-total]").TextContent);
        Assert.Contains("flyer", board.Find("[data-touch-id='9']").TextContent);
        Assert.Equal("Instagram", board.Find("[data-touch-id='9'] .lb-c-platform").TextContent);
    }

    [Fact]
    public void A_Long_Code_Is_Shown_In_Full_And_Wraps_Only_After_Underscore_Dash_Or_Equals()
    {
        const string code = "summer_sale_2026_berlin_store_window_flyer";
        const string wrapped = "summer_<wbr>sale_<wbr>2026_<wbr>berlin_<wbr>store_<wbr>window_<wbr>flyer";
        var board = RenderBoard([Notice(1, "Summer", code, Now), Notice(2, null, "qr-store=berlin", Now), Notice(3, null, code, Now)], [(code, 1)]);

        var cell = board.Find("[data-touch-id='1'] .lb-c-ref");
        Assert.Equal(code, cell.TextContent);
        Assert.Equal(wrapped, cell.InnerHtml);
        Assert.Equal("qr-<wbr>store=<wbr>berlin", board.Find("[data-touch-id='2'] .lb-c-ref").InnerHtml);
        // Without a trigger the campaign is the code itself, in the feed and in the counts: it wraps the same way.
        Assert.Equal(wrapped, board.Find("[data-touch-id='3'] .lb-c-campaign").InnerHtml);
        Assert.Equal(wrapped, board.Find("[data-testid=live-counts] .lb-c-campaign").InnerHtml);
    }

    [Fact]
    public void A_Hostile_Code_Stays_Text()
    {
        var board = RenderBoard([Notice(1, null, "<script>alert_x=1</script><img src=x onerror=alert(1)>", Now)]);

        var code = board.Find("[data-touch-id='1'] .lb-c-ref");
        Assert.Equal("<script>alert_x=1</script><img src=x onerror=alert(1)>", code.TextContent);
        Assert.Equal("&lt;script&gt;alert_<wbr>x=<wbr>1&lt;/script&gt;&lt;img src=<wbr>x onerror=<wbr>alert(1)&gt;", code.InnerHtml);
        Assert.Empty(board.FindAll("[data-live-board] script, [data-live-board] img"));
    }

    [Fact]
    public void Rows_And_Counts_Have_Column_Headers()
    {
        var board = RenderBoard([Notice(1, "Summer", "summer_sale", Now)], [("Summer", 1)]);

        Assert.Equal(["Time", "Platform", "Campaign", "Code or ad", "Note"],
            board.FindAll("[data-testid=live-table] thead th").Select(th => th.TextContent));
        Assert.All(board.FindAll("[data-testid=live-table] thead th"), th => Assert.Equal("col", th.GetAttribute("scope")));
        Assert.Equal(["Campaign", "Referrals"], board.FindAll("[data-testid=live-counts-table] thead th").Select(th => th.TextContent));
    }

    [Fact]
    public void Rows_Of_Another_Day_Carry_Their_Date_And_Todays_Only_Their_Time()
    {
        // 10:00 UTC is 11:00 in Berlin: 23:30 UTC the day before is 00:30 today there, 22:30 UTC is still yesterday.
        var board = RenderBoard(
            [
                Notice(1, null, "early", DateTimeOffset.Parse("2026-12-05T22:30:00Z")),
                Notice(2, null, "after_midnight", DateTimeOffset.Parse("2026-12-05T23:30:15Z")),
                Notice(3, null, "last_year", DateTimeOffset.Parse("2025-12-31T12:00:00Z")),
            ],
            zone: Berlin);

        string Time(long id) => board.Find($"[data-touch-id='{id}'] [data-testid=live-time]").TextContent;
        Assert.Equal("5 Dec 23:30", Time(1));
        Assert.Equal("00:30:15", Time(2));
        Assert.Equal("31 Dec 2025 13:00", Time(3));
    }

    [Fact]
    public void Simulated_Badge_Sits_In_Its_Own_Column_So_Rows_Line_Up()
    {
        var board = RenderBoard([Notice(1, "Summer", "summer_sale", Now), Notice(2, "Summer", "summer_sale", Now, simulated: true)]);

        var headers = board.FindAll("[data-testid=live-table] thead th").Select(th => th.TextContent).ToList();
        var rows = board.FindAll("[data-testid=live-row]");
        Assert.All(rows, row => Assert.Equal(headers.Count, row.QuerySelectorAll("td").Length));
        Assert.All(rows, row => Assert.Equal("Summer", row.QuerySelectorAll("td")[headers.IndexOf("Campaign")].TextContent));

        var simulated = board.Find("[data-touch-id='2']").QuerySelectorAll("td")[headers.IndexOf("Note")];
        Assert.Equal("simulated", simulated.QuerySelector(".lb-badge")?.TextContent);
        Assert.Empty(board.Find("[data-touch-id='1']").QuerySelectorAll(".lb-badge"));
        Assert.Single(board.FindAll(".lb-badge"));
    }

    [Fact]
    public void Total_Says_What_It_Counts_And_From_When_In_The_Boards_Zone()
    {
        var board = RenderBoard([], [("Summer", 1_200), ("ad 4242", 34)], Berlin);

        Assert.Equal("1,234", board.Find("[data-testid=live-total]").TextContent);
        var note = board.Find("[data-testid=live-total-note]").TextContent;
        Assert.Contains("referrals today", board.Find(".lb-total").TextContent);
        Assert.Contains("since 00:00 Europe/Berlin on Sun 6 Dec", note);
        Assert.Contains("campaign link, QR code or ad", note);
        var live = board.Find("[data-live-board]");
        Assert.Equal("Europe/Berlin", live.GetAttribute("data-time-zone"));
        Assert.Equal("2026-12-05T23:00:00.000Z", live.GetAttribute("data-day-start"));
        Assert.Equal("2026-12-06T23:00:00.000Z", live.GetAttribute("data-day-end"));
    }

    [Fact]
    public void An_Empty_Board_Says_So_And_Starts_Connecting()
    {
        var board = RenderBoard([]);

        Assert.False(board.Find("[data-empty-rows]").HasAttribute("hidden"));
        Assert.False(board.Find("[data-empty-counts]").HasAttribute("hidden"));
        Assert.Equal("0", board.Find("[data-testid=live-total]").TextContent);
        Assert.Equal("connecting", board.Find("[data-testid=live-status]").GetAttribute("data-state"));
        Assert.Equal("status", board.Find("[data-testid=live-status]").GetAttribute("role"));
    }

    [Theory]
    [InlineData("2026-03-29T12:00:00Z", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")] // spring forward: a 23-hour day
    [InlineData("2026-10-25T12:00:00Z", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z")] // fall back: 25 hours
    [InlineData("2026-12-06T23:30:00Z", "2026-12-06T23:00:00Z", "2026-12-07T23:00:00Z")] // already tomorrow in Berlin
    public void A_Day_Runs_From_Local_Midnight_To_Local_Midnight(string now, string start, string end)
    {
        var day = BoardDay.Containing(DateTimeOffset.Parse(now), Berlin);

        Assert.Equal(DateTimeOffset.Parse(start), day.Start);
        Assert.Equal(DateTimeOffset.Parse(end), day.End);
    }
}
