namespace ReferralStudio.Components.Theme;

/// <summary>
/// Light or dark, remembered in a cookie so the server renders the chosen palette on the first response (no flash).
/// Without a choice, the browser's preference arrives as the Sec-CH-Prefers-Color-Scheme client hint (Chromium);
/// other browsers are asked once the circuit connects.
/// </summary>
public static class ThemePreference
{
    public const string Cookie = "ReferralStudio.Theme";
    public const string Dark = "dark";
    public const string Light = "light";
    private const string ClientHint = "Sec-CH-Prefers-Color-Scheme";

    /// <summary>True for dark, false for light, null when neither the user nor the browser has said.</summary>
    public static bool? FromRequest(HttpRequest request)
    {
        if (request.Cookies[Cookie] is { Length: > 0 } chosen)
        {
            return chosen == Dark;
        }

        return request.Headers[ClientHint].ToString().Trim('"') switch
        {
            Dark => true,
            Light => false,
            _ => null,
        };
    }

    /// <summary>Asks Chromium to send the colour-scheme hint with page requests, and to retry the first one with it.</summary>
    public static IApplicationBuilder UseThemeHint(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            context.Response.Headers["Accept-CH"] = ClientHint;
            context.Response.Headers["Critical-CH"] = ClientHint;
            context.Response.Headers.Append("Vary", ClientHint);
        }

        return next(context);
    });
}
