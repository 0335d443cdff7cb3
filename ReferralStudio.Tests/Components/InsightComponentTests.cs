using System.Text.RegularExpressions;
using ReferralStudio.Components.Insight;
using ReferralStudio.Data;
using ReferralStudio.Insight;

namespace ReferralStudio.Tests.Components;

public sealed class InsightComponentTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    private static FeedRow Row(long id, string? @ref, bool simulated = false, string? trigger = null) => new(
        id, 100 + id, T0.AddMinutes(id), "instagram", "17841400000000001", $"igsid-{id}", @ref, null, "SHORTLINKS", "standalone", trigger is null ? null : 7, trigger, true, false, simulated);

    [Fact]
    public async Task Feed_Table_Renders_Each_Row_With_Its_Trigger_Link_And_Simulated_Badge()
    {
        var html = await ComponentRenderer.RenderAsync<FeedTable>(new Dictionary<string, object?>
        {
            [nameof(FeedTable.Rows)] = new[] { Row(1, "summer_sale", trigger: "Summer"), Row(2, "collab_bob", simulated: true) },
        });

        Assert.Equal(2, Regex.Matches(html, "data-testid=\"feed-row\"").Count);
        Assert.Contains("href=\"conversations/101\"", html);
        Assert.Contains("Summer", html);
        Assert.Single(Regex.Matches(html, "data-testid=\"simulated-badge\""));
        Assert.Matches("▼|&#x25BC;", html);
    }

    [Fact]
    public async Task Feed_Table_Says_When_Nothing_Matches()
    {
        var html = await ComponentRenderer.RenderAsync<FeedTable>(new Dictionary<string, object?> { [nameof(FeedTable.Rows)] = Array.Empty<FeedRow>() });

        Assert.Contains("data-testid=\"feed-empty\"", html);
    }

    private static ConversationTimeline Timeline(DateTimeOffset? windowExpiresAt) => new(
        new Conversation { Id = 5, Platform = "messenger", AccountId = "page-1", ParticipantId = "psid-9", CreatedAt = T0, LastActivityAt = T0, WindowExpiresAt = windowExpiresAt },
        [
            new TimelineItem(T0, TimelineKind.Referral, "First touch: summer_sale", "standalone · source SHORTLINK", true),
            new TimelineItem(T0.AddMinutes(1), TimelineKind.Automation, "Trigger fired: Summer", null),
            new TimelineItem(T0.AddMinutes(2), TimelineKind.Message, "Message: hi", null),
            new TimelineItem(T0.AddDays(1), TimelineKind.Conversion, "Conversion: purchase 49.9 EUR", "external id order-1", true),
        ],
        ["campaign:summer"]);

    [Fact]
    public async Task Timeline_Shows_An_Open_Window_With_Its_Countdown()
    {
        var html = await ComponentRenderer.RenderAsync<TimelineView>(new Dictionary<string, object?>
        {
            [nameof(TimelineView.Timeline)] = Timeline(T0.AddHours(24)),
            [nameof(TimelineView.Now)] = T0.AddHours(20).AddMinutes(48),
        });

        Assert.Contains("data-open=\"true\"", html);
        Assert.Contains("closes in 3 h 12 min", html);
        Assert.Equal(4, Regex.Matches(html, "data-testid=\"timeline-item\"").Count);
        Assert.Contains("campaign:summer", html);
        Assert.True(html.IndexOf("First touch", StringComparison.Ordinal) < html.IndexOf("Conversion:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timeline_Shows_A_Closed_Window()
    {
        var html = await ComponentRenderer.RenderAsync<TimelineView>(new Dictionary<string, object?>
        {
            [nameof(TimelineView.Timeline)] = Timeline(T0.AddHours(24)),
            [nameof(TimelineView.Now)] = T0.AddDays(3),
        });

        Assert.Contains("data-open=\"false\"", html);
        Assert.Contains("Reply window closed 2 d 0 h ago", html);
    }
}
