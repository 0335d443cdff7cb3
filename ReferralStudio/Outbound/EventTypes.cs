namespace ReferralStudio.Outbound;

/// <summary>The outbound event types an endpoint can subscribe to.</summary>
public static class EventTypes
{
    public const string ReferralReceived = "referral.received";
    public const string ConversationStarted = "conversation.started";
    public const string MessageReceived = "message.received";
    public const string ConversionRecorded = "conversion.recorded";

    /// <summary>The list for API documentation (an attribute argument must be a constant).</summary>
    public const string Description = "One or more of " + ReferralReceived + ", " + ConversationStarted + ", " + MessageReceived + ", " + ConversionRecorded + ".";

    public static readonly string[] All = [ReferralReceived, ConversationStarted, MessageReceived, ConversionRecorded];
}
