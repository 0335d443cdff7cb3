namespace ReferralStudio.Outbound;

/// <summary>The outbound event types an endpoint can subscribe to.</summary>
public static class EventTypes
{
    public const string ReferralReceived = "referral.received";
    public const string ConversationStarted = "conversation.started";
    public const string MessageReceived = "message.received";
    public const string ConversionRecorded = "conversion.recorded";

    public static readonly string[] All = [ReferralReceived, ConversationStarted, MessageReceived, ConversionRecorded];
}
