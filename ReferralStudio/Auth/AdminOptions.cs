namespace ReferralStudio.Auth;

/// <summary>
/// The first Owner (section <c>Admin</c>): created at start while the app has no user at all, so a new installation
/// can be signed in to. Once anyone exists these settings change nothing: people are managed on the team page.
/// </summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    public string Email { get; set; } = "";

    public string Password { get; set; } = "";
}
