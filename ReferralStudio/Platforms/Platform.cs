namespace ReferralStudio.Platforms;

/// <summary>The messaging platform a conversation lives on, as parsed; stored and serialized as its <see cref="PlatformNames"/> name.</summary>
public enum Platform
{
    Instagram,
    Messenger,
    WhatsApp,
}

/// <summary>
/// The lower-case platform names the database, the API, outbound events, triggers and links all use: the one
/// definition of each name.
/// </summary>
public static class PlatformNames
{
    public const string Instagram = "instagram";
    public const string Messenger = "messenger";
    public const string WhatsApp = "whatsapp";

    /// <summary>Every platform, in the order lists and masks use.</summary>
    public static IReadOnlyList<string> All { get; } = [Instagram, Messenger, WhatsApp];

    public static string Of(Platform platform) => platform switch
    {
        Platform.Instagram => Instagram,
        Platform.Messenger => Messenger,
        _ => WhatsApp,
    };

    public static bool IsKnown(string? platform) => platform is Instagram or Messenger or WhatsApp;

    public static string DisplayName(string platform) => platform switch
    {
        Instagram => "Instagram",
        Messenger => "Messenger",
        WhatsApp => "WhatsApp",
        _ => platform,
    };
}
