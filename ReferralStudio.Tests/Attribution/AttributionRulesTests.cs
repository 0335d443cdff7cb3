using ReferralStudio.Attribution;

namespace ReferralStudio.Tests.Attribution;

/// <summary>Attribution depends on event time, never on the order Meta delivered events in.</summary>
public sealed class AttributionRulesTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    [Fact]
    public void Earlier_Touch_Delivered_Late_Becomes_First_Touch_But_Not_Latest()
    {
        var conversation = NewConversation(T0.AddHours(5));
        AttributionRules.ApplyCampaignTouch(conversation, touchId: 2, T0.AddHours(5));
        AttributionRules.ApplyCampaignTouch(conversation, touchId: 1, T0);

        Assert.Equal(1, conversation.FirstReferralId);
        Assert.Equal(T0, conversation.FirstReferralAt);
        Assert.Equal(2, conversation.LatestReferralId);
        Assert.Equal(T0.AddHours(5), conversation.LastReferralAt);
    }

    [Fact]
    public void Touch_At_The_Same_Instant_Wins_Latest_Because_Latest_Wins()
    {
        var conversation = NewConversation(T0);
        AttributionRules.ApplyCampaignTouch(conversation, touchId: 1, T0);
        AttributionRules.ApplyCampaignTouch(conversation, touchId: 2, T0);

        Assert.Equal(1, conversation.FirstReferralId);
        Assert.Equal(2, conversation.LatestReferralId);
    }

    [Fact]
    public void Window_Is_24_Hours_From_The_Newest_Activity_And_Never_Shrinks()
    {
        var conversation = NewConversation(T0);
        AttributionRules.ApplyActivity(conversation, T0.AddHours(3));
        AttributionRules.ApplyActivity(conversation, T0.AddHours(1));

        Assert.Equal(T0.AddHours(27), conversation.WindowExpiresAt);
        Assert.Equal(T0.AddHours(3), conversation.LastActivityAt);
    }

    [Fact]
    public void Created_At_Moves_Back_When_An_Older_Event_Arrives_Late()
    {
        var conversation = NewConversation(T0);
        AttributionRules.ApplyActivity(conversation, T0.AddMinutes(-10));

        Assert.Equal(T0.AddMinutes(-10), conversation.CreatedAt);
    }

    private static ConversationState NewConversation(DateTimeOffset at) => new() { Id = 1, CreatedAt = at, LastActivityAt = at };
}
