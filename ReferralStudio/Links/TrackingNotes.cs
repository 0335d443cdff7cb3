using ReferralStudio.Platforms;

namespace ReferralStudio.Links;

/// <summary>
/// What each kind of link can and cannot carry, in one plain sentence shown next to it, so a marketer
/// is not surprised when some conversations arrive without a code.
/// </summary>
public static class TrackingNotes
{
    public const string Instagram =
        "Instagram passes the code only in the Instagram app (not Instagram on the web), and for a new conversation only when your profile has ice breakers set up.";

    public const string Messenger =
        "Messenger passes the code for a new conversation only when your Page has a Get Started button.";

    public const string WhatsApp =
        "A wa.me link only fills in a message with the code; the person can edit or delete it before sending, so some chats arrive without it.";

    /// <exception cref="ArgumentException">The platform is not one of <see cref="PlatformNames.All"/>.</exception>
    public static string For(string platform) => platform switch
    {
        PlatformNames.Instagram => Instagram,
        PlatformNames.Messenger => Messenger,
        PlatformNames.WhatsApp => WhatsApp,
        _ => throw new ArgumentException($"Unknown platform '{platform}'.", nameof(platform)),
    };
}
