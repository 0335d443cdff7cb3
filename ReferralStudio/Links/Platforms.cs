namespace ReferralStudio.Links;

/// <summary>The platforms a link can open, as the lower-case names the app stores and the UI sends.</summary>
public static class Platforms
{
    public const string Instagram = "instagram";
    public const string Messenger = "messenger";
    public const string WhatsApp = "whatsapp";

    public static IReadOnlyList<string> All { get; } = [Instagram, Messenger, WhatsApp];

    public static string DisplayName(string platform) => platform switch
    {
        Instagram => "Instagram",
        Messenger => "Messenger",
        WhatsApp => "WhatsApp",
        _ => platform,
    };

    public static bool IsKnown(string? platform) => platform is Instagram or Messenger or WhatsApp;
}
