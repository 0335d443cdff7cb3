namespace ReferralStudio.Auth;

/// <summary>Return URLs after sign-in stay inside this app: an open redirect would turn the login page into a phishing relay.</summary>
public static class LocalUrl
{
    public static string OrHome(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Contains('\\') || url.Contains("//") || url.Contains(':') || url.Any(char.IsControl))
        {
            return "/";
        }

        return url.StartsWith('/') ? url : "/" + url;
    }
}
