namespace ReferralStudio.Outbound;

/// <summary>The outbound event types an endpoint can subscribe to.</summary>
public static class EventTypes
{
    public const string ReferralReceived = "referral.received";
    public const string ConversationStarted = "conversation.started";
    public const string MessageReceived = "message.received";
    public const string ConversionRecorded = "conversion.recorded";
    public const string SystemAlert = "system.alert";

    /// <summary>The list for API documentation (an attribute argument must be a constant).</summary>
    public const string Description = "One or more of " + ReferralReceived + ", " + ConversationStarted + ", " + MessageReceived + ", " + ConversionRecorded + ", " + SystemAlert + ".";

    public static readonly string[] All = [ReferralReceived, ConversationStarted, MessageReceived, ConversionRecorded, SystemAlert];

    /// <summary>What sends an event of <paramref name="type"/>, in a marketer's words (the dashboard's event picker).</summary>
    public static string Describe(string type) => type switch
    {
        ReferralReceived => "Someone arrived through a campaign: an ad, a link, a QR code or a code typed in a message.",
        ConversationStarted => "A new conversation began with the business.",
        MessageReceived => "Someone sent the business a message.",
        ConversionRecorded => "A sale or sign-up was recorded for a conversation (the conversions API).",
        SystemAlert => "An account that usually gets messages or referrals went quiet, or came back (silence alerts).",
        _ => "",
    };
}
