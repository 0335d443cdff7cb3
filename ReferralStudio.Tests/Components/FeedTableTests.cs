using Bunit;
using ReferralStudio.Components.Insight;
using ReferralStudio.Insight;

namespace ReferralStudio.Tests.Components;

/// <summary>The feed's table, rendered with bunit: its columns, tokens that never break, links, sorting and the empty state.</summary>
public sealed class FeedTableTests : MudTestContext
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    private static FeedRow Row(
        long id, string? @ref, bool simulated = false, string? trigger = null, string platform = "instagram", string? adId = null,
        string? name = null, string? username = null, string? handle = null) => new(
        id, 100 + id, T0.AddMinutes(id), platform, "17841400000000001", handle, $"igsid-{id}", name, username, @ref, adId, "SHORTLINKS", "first_message",
        trigger is null ? null : 7, trigger, true, false, simulated);

    private IRenderedComponent<FeedTable> RenderTable(IReadOnlyList<FeedRow> rows, Action<ComponentParameterCollectionBuilder<FeedTable>>? more = null) =>
        Render<FeedTable>(p =>
        {
            p.Add(x => x.Rows, rows);
            more?.Invoke(p);
        });

    [Fact]
    public void Shows_Name_Username_And_Account_Columns_With_The_Participant_Behind_The_Name()
    {
        var table = RenderTable([Row(1, "summer_sale", trigger: "Summer", platform: "whatsapp", name: "Léa Martin", username: "lea.m", handle: "+15550100200"), Row(2, "collab_bob")]);

        var headers = table.FindAll("th").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(["Time (UTC)", "Platform", "Name", "Username", "Account", "Code", "Trigger", "Arrival"], headers);
        var rows = table.FindAll("[data-testid=feed-row]");
        Assert.Equal(2, rows.Count);
        var first = rows[0].ParentElement!;
        Assert.Equal("Léa Martin", first.QuerySelector("[data-testid=feed-name]")!.TextContent);
        Assert.Equal("igsid-1", first.QuerySelector("[data-testid=feed-participant]")!.TextContent);
        Assert.Equal("lea.m", first.QuerySelector("[data-testid=feed-username]")!.TextContent);
        Assert.Equal("+15550100200", first.QuerySelector("[data-testid=feed-account]")!.TextContent);
        Assert.Equal("Summer", first.Children.Single(c => c.GetAttribute("data-label") == "Trigger").TextContent.Trim());
        // Without a name the participant id is the link; without a handle, the account id shows.
        var second = rows[1].ParentElement!;
        Assert.Null(second.QuerySelector("[data-testid=feed-name]"));
        Assert.Equal("igsid-2", second.QuerySelector("[data-testid=feed-conversation]")!.TextContent.Trim());
        Assert.Equal("17841400000000001", second.QuerySelector("[data-testid=feed-account]")!.TextContent);
    }

    [Fact]
    public void Ids_Codes_And_Times_Are_Tokens_That_Do_Not_Wrap()
    {
        var table = RenderTable([Row(1, "a_very_long_campaign_code_2026"), Row(2, null, adId: "120211234567890123")]);

        foreach (var id in new[] { "feed-participant", "feed-account", "feed-ref" })
        {
            Assert.All(table.FindAll($"[data-testid={id}]"), e => Assert.Contains("rs-token", e.ClassList));
        }

        Assert.All(table.FindAll("[data-testid=feed-time] span"), e => Assert.Contains("rs-token", e.ClassList));
        Assert.Equal("ad 120211234567890123", table.FindAll("[data-testid=feed-ref]")[1].TextContent);
        // The class is what keeps a token whole: it is defined that way in the table's stylesheet.
        var css = File.ReadAllText(Path.Combine(Infrastructure.TestApp.RepoRoot, "ReferralStudio", "Components", "Insight", "FeedTable.razor.css"));
        var rule = css[css.IndexOf(".rs-token {", StringComparison.Ordinal)..];
        Assert.Contains("white-space: nowrap", rule[..rule.IndexOf('}')]);
        Assert.Contains("word-break: keep-all", rule[..rule.IndexOf('}')]);
    }

    [Fact]
    public void Shows_Times_In_The_Business_Time_Zone()
    {
        var table = RenderTable([Row(0, "summer_sale")], p => p.Add(x => x.Zone, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")));

        Assert.Equal("Time (Europe/Berlin)", table.Find("th").TextContent.Trim());
        Assert.Equal("2026-11-20 11:00:00", table.Find("[data-testid=feed-time]").TextContent.Trim());
    }

    [Fact]
    public void Links_Each_Row_To_Its_Timeline_With_The_Way_Back()
    {
        var table = RenderTable([Row(1, "summer_sale", simulated: true)], p => p.Add(x => x.BackQuery, "platform=instagram&page=2"));

        Assert.Equal("conversations/101?back=platform%3Dinstagram%26page%3D2", table.Find("[data-testid=feed-conversation]").GetAttribute("href"));
        Assert.Single(table.FindAll("[data-testid=simulated-badge]"));
    }

    [Fact]
    public void Marks_The_Sorted_Column_And_Asks_For_The_Other_Direction()
    {
        string? asked = null;
        var table = RenderTable([Row(1, "summer_sale")], p => p.Add(x => x.SortChanged, (string s) => asked = s));

        Assert.Equal("descending", table.Find("[data-testid=sort-time]").Closest("th")!.GetAttribute("aria-sort"));
        Assert.Equal("none", table.Find("[data-testid=sort-ref]").Closest("th")!.GetAttribute("aria-sort"));
        table.Find("[data-testid=sort-time]").Click();
        Assert.Equal("OccurredAt asc", asked);
        table.Find("[data-testid=sort-ref]").Click();
        Assert.Equal("Ref desc", asked);
    }

    [Theory]
    [InlineData(true, "No referral touches match these filters.")]
    [InlineData(false, "No referral touches yet")]
    public void Says_Why_It_Is_Empty(bool filtered, string text)
    {
        var table = RenderTable([], p => p.Add(x => x.Filtered, filtered));

        Assert.Empty(table.FindAll("[data-testid=feed-row]"));
        Assert.StartsWith(text, table.Find("[data-testid=feed-empty]").TextContent.Trim());
    }
}
