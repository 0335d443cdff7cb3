using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

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
