using ReferralStudio.Platforms;

namespace ReferralStudio.Demo;

/// <summary>The three networks the demo talks on; the value indexes per-network arrays.</summary>
internal enum DemoNetwork
{
    Instagram,
    Messenger,
    WhatsApp,
}

/// <summary>The object carrying a Messenger or Instagram event: a message, a postback or a standalone referral.</summary>
internal enum DemoCarrier
{
    Message,
    Postback,
    Referral,
}

/// <summary>A Messenger or Instagram <c>referral</c> object: a ref, an ad, or both.</summary>
internal sealed record DemoMetaReferral(string? Ref, string Source, DemoCatalog.Ad? Ad);

/// <summary>A Click-to-WhatsApp <c>referral</c> object.</summary>
internal sealed record DemoWhatsAppReferral(DemoCatalog.Ad Ad, string SourceType, string? CtwaClid);

/// <summary>One event of a demo conversation, before it is written into a webhook body.</summary>
internal sealed class DemoEvent
{
    public required DemoNetwork Net { get; init; }
    public required DateTimeOffset At { get; init; }
    public required int Seq { get; init; }
    public required string Participant { get; init; }
    public required DemoCarrier Carrier { get; init; }
    public string? ContactName { get; init; }
    public string? MessageId { get; init; }
    public string? Text { get; init; }
    public string? Payload { get; init; }
    public DemoMetaReferral? Referral { get; init; }
    public DemoWhatsAppReferral? WhatsAppReferral { get; init; }
}

/// <summary>What each network is called in the app and in Meta's <c>object</c> field, and the demo account on it.</summary>
internal static class DemoNetworks
{
    public static string PlatformName(DemoNetwork net) => net switch
    {
        DemoNetwork.Instagram => PlatformNames.Instagram,
        DemoNetwork.Messenger => PlatformNames.Messenger,
        _ => PlatformNames.WhatsApp,
    };

    public static string ObjectName(DemoNetwork net) => net switch
    {
        DemoNetwork.Instagram => "instagram",
        DemoNetwork.Messenger => "page",
        _ => "whatsapp_business_account",
    };

    public static string AccountOf(DemoNetwork net) => net switch
    {
        DemoNetwork.Instagram => DemoDataGenerator.InstagramAccountId,
        DemoNetwork.Messenger => DemoDataGenerator.PageId,
        _ => DemoDataGenerator.PhoneNumberId,
    };
}

/// <summary>Event times at the precision Meta sends: milliseconds in <c>messaging[]</c>, seconds on WhatsApp.</summary>
internal static class DemoTimestamps
{
    public static DateTimeOffset Milliseconds(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());

    // Rounds up so a time at the window's start never falls before it.
    public static DateTimeOffset Seconds(DateTimeOffset at)
    {
        var seconds = at.ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.FromUnixTimeSeconds(seconds) < at ? seconds + 1 : seconds);
    }
}
