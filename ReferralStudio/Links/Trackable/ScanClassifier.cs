using Microsoft.Extensions.Primitives;

namespace ReferralStudio.Links.Trackable;

/// <summary>The device classes a scan is counted under.</summary>
public static class DeviceClasses
{
    public const string Ios = "ios";
    public const string Android = "android";
    public const string Desktop = "desktop";
    public const string Other = "other";

    public static readonly string[] All = [Ios, Android, Desktop, Other];
}

/// <summary>
/// Whether a request to <c>/go/</c> is a person's scan or click, and from what kind of device. Link previews (chat apps
/// and social networks fetch a link to draw its card), crawlers and prefetches are answered like anyone but not counted.
/// Pure functions of the request line and headers: nothing about the person is kept.
/// </summary>
public static class ScanClassifier
{
    // Matched anywhere in the User-Agent, ignoring case; "bot" covers Twitterbot, Slackbot, TelegramBot, Discordbot,
    // LinkedInBot, Googlebot, bingbot and most others that say what they are.
    private static readonly string[] BotMarks =
        ["bot", "crawler", "spider", "preview", "facebookexternalhit", "facebookcatalog", "whatsapp", "embedly", "skypeuripreview"];

    /// <summary>True for what a person's scan or click looks like; false for HEAD, prefetches and bots.</summary>
    public static bool IsCounted(string method, string? userAgent, StringValues purpose, StringValues secPurpose, StringValues mozPrefetch)
    {
        if (!HttpMethods.IsGet(method))
        {
            return false;
        }

        if (Mentions(purpose, "prefetch") || Mentions(secPurpose, "prefetch") || Mentions(mozPrefetch, "prefetch")
            || Mentions(purpose, "preview") || Mentions(secPurpose, "prerender"))
        {
            return false;
        }

        return !IsBot(userAgent);
    }

    public static bool IsBot(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            return false;
        }

        foreach (var mark in BotMarks)
        {
            if (userAgent.Contains(mark, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>ios, android, desktop or other, from the User-Agent alone (iPadOS asks for desktop sites and counts as desktop).</summary>
    public static string DeviceOf(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            return DeviceClasses.Other;
        }

        if (userAgent.Contains("iPhone", StringComparison.OrdinalIgnoreCase)
            || userAgent.Contains("iPad", StringComparison.OrdinalIgnoreCase)
            || userAgent.Contains("iPod", StringComparison.OrdinalIgnoreCase))
        {
            return DeviceClasses.Ios;
        }

        if (userAgent.Contains("Android", StringComparison.OrdinalIgnoreCase))
        {
            return DeviceClasses.Android;
        }

        return userAgent.Contains("Windows NT", StringComparison.OrdinalIgnoreCase)
            || userAgent.Contains("Macintosh", StringComparison.OrdinalIgnoreCase)
            || userAgent.Contains("CrOS", StringComparison.OrdinalIgnoreCase)
            || userAgent.Contains("X11", StringComparison.OrdinalIgnoreCase)
            ? DeviceClasses.Desktop
            : DeviceClasses.Other;
    }

    private static bool Mentions(StringValues header, string word)
    {
        foreach (var value in header)
        {
            if (value is not null && value.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
