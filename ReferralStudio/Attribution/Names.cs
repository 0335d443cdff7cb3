using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>The lower-case platform names used in the database, the API and outbound events.</summary>
public static class PlatformNames
{
    public const string Instagram = "instagram";
    public const string Messenger = "messenger";
    public const string WhatsApp = "whatsapp";

    public static readonly string[] All = [Instagram, Messenger, WhatsApp];

    public static string Of(Platform platform) => platform switch
    {
        Platform.Instagram => Instagram,
        Platform.Messenger => Messenger,
        _ => WhatsApp,
    };
}

/// <summary>Arrival forms as the API spells them.</summary>
public static class ArrivalNames
{
    public static string Of(ReferralArrival arrival) => arrival switch
    {
        ReferralArrival.Standalone => "standalone",
        ReferralArrival.FirstMessage => "first_message",
        ReferralArrival.Postback => "postback",
        ReferralArrival.Ad => "ad",
        _ => "prefilled_text",
    };
}
