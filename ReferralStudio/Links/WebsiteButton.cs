using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Links;

/// <summary>
/// What the "Message us" button for a website looks like and where it points. Null label and colours mean the
/// platform's defaults; null <see cref="WhatsAppTemplate"/> means <see cref="LinkBuilder.DefaultWhatsAppTemplate"/>.
/// Without <see cref="FixedCode"/>, the code comes from the page's <c>utm_campaign</c>.
/// </summary>
public sealed record WebsiteButtonOptions(
    string Platform,
    string Account,
    string? FixedCode = null,
    string FallbackCode = WebsiteButton.DefaultFallbackCode,
    string? Label = null,
    string? BackgroundColor = null,
    string? TextColor = null,
    string? WhatsAppTemplate = null);

/// <summary>
/// A copy-and-paste HTML button for a marketer's website. It is self-contained (inline style and script, nothing
/// loaded from any server) and still works as a plain link, with the fallback code, where scripts are stripped.
/// </summary>
public static class WebsiteButton
{
    public const string DefaultFallbackCode = "website";
    public const int MaxLabelLength = 80;

    private static readonly Regex ColorRule = new("^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$", RegexOptions.CultureInvariant);

    public static string DefaultLabel(string platform) => platform switch
    {
        PlatformNames.Instagram => "Message us on Instagram",
        PlatformNames.Messenger => "Message us on Messenger",
        _ => "Message us on WhatsApp",
    };

    // White text on each brand's colour, dark enough for contrast.
    public static string DefaultBackground(string platform) => platform switch
    {
        PlatformNames.Instagram => "#c13584",
        PlatformNames.Messenger => "#0866ff",
        _ => "#128c7e",
    };

    /// <summary>Null when the options make a working button, else the field at fault and why.</summary>
    public static FieldError? Validate(WebsiteButtonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!PlatformNames.IsKnown(options.Platform))
        {
            return new("platform", "Choose Instagram, Messenger or WhatsApp.");
        }

        if (LinkBuilder.ValidateAccount(options.Platform, options.Account) is { } accountError)
        {
            return new("account", accountError);
        }

        if (options.FixedCode is not null && LinkBuilder.ValidateCode(options.FixedCode) is { } fixedError)
        {
            return new("fixedCode", fixedError);
        }

        if (LinkBuilder.ValidateCode(options.FallbackCode) is { } fallbackError)
        {
            return new("fallbackCode", fallbackError);
        }

        if (options.Label is { } label && (label.Trim().Length == 0 || label.Length > MaxLabelLength))
        {
            return new("label", "The label must be 1 to 80 characters.");
        }

        // Colours go into a style attribute, so only plain hex colours are accepted.
        if (options.BackgroundColor is { } background && !ColorRule.IsMatch(background))
        {
            return new("backgroundColor", "Use a hex colour such as #0866ff.");
        }

        if (options.TextColor is { } text && !ColorRule.IsMatch(text))
        {
            return new("textColor", "Use a hex colour such as #ffffff.");
        }

        if (options.Platform == PlatformNames.WhatsApp && LinkBuilder.ValidateWhatsAppTemplate(options.WhatsAppTemplate) is { } templateError)
        {
            return new("whatsAppTemplate", templateError);
        }

        return null;
    }

    /// <summary>The HTML to paste into a page.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="Validate"/>).</exception>
    public static string Snippet(WebsiteButtonOptions options)
    {
        ThrowIfInvalid(options);
        var label = options.Label ?? DefaultLabel(options.Platform);
        var background = options.BackgroundColor ?? DefaultBackground(options.Platform);
        var color = options.TextColor ?? "#ffffff";
        var code = options.FixedCode ?? options.FallbackCode;
        var parts = HrefParts(options);

        var html = new StringBuilder();
        html.Append("<span class=\"referralstudio-button\">");
        html.Append(CultureInfo.InvariantCulture, $"<a href=\"{Html(Join(parts, options.Platform, code))}\" target=\"_blank\" rel=\"noopener\" ");
        html.Append(CultureInfo.InvariantCulture, $"style=\"display:inline-block;padding:12px 20px;border-radius:8px;background:{Html(background)};color:{Html(color)};font:600 16px/1.2 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;text-decoration:none\">");
        html.Append(Html(label)).Append("</a>");

        // A fixed code needs no script: the link above is already final.
        if (options.FixedCode is null)
        {
            // Keep Sanitize below a line-by-line mirror of sanitize() here; tests run both on the same inputs.
            html.Append('\n').Append("<script>\n");
            html.Append("(function () {\n");
            html.Append("  var s = document.currentScript, a = s && s.parentNode.querySelector(\"a\");\n");
            html.Append("  if (!a) return;\n");
            html.Append(CultureInfo.InvariantCulture, $"  var parts = [{string.Join(", ", parts.Select(Js))}];\n");
            html.Append(CultureInfo.InvariantCulture, $"  var fallback = {Js(options.FallbackCode)}, encode = {(options.Platform == PlatformNames.WhatsApp ? "true" : "false")};\n");
            html.Append("  function sanitize(v) {\n");
            html.Append("    v = String(v == null ? \"\" : v).replace(/[^A-Za-z0-9_=-]/g, \"\");\n");
            html.Append(CultureInfo.InvariantCulture, $"    if (v.length > {RefValidator.MaxLength}) v = v.slice(0, {RefValidator.MaxLength});\n");
            html.Append("    return v || fallback;\n");
            html.Append("  }\n");
            html.Append("  var code = sanitize(new URLSearchParams(location.search).get(\"utm_campaign\"));\n");
            html.Append("  a.href = parts.join(encode ? encodeURIComponent(code) : code);\n");
            html.Append("})();\n");
            html.Append("</script>\n");
        }

        html.Append("</span>\n");
        return html.ToString();
    }

    /// <summary>The link the snippet produces on a page whose <c>utm_campaign</c> is <paramref name="utmCampaign"/> (decoded).</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="Validate"/>).</exception>
    public static string PreviewHref(WebsiteButtonOptions options, string? utmCampaign)
    {
        ThrowIfInvalid(options);
        var code = options.FixedCode ?? Sanitize(utmCampaign, options.FallbackCode);
        return Join(HrefParts(options), options.Platform, code);
    }

    /// <summary>The browser's sanitize(): keep the ref alphabet, cut to the ref limit, fall back when nothing is left.</summary>
    public static string Sanitize(string? value, string fallback)
    {
        var kept = new StringBuilder();
        foreach (var c in value ?? "")
        {
            if (RefValidator.IsRefChar(c))
            {
                kept.Append(c);
            }
        }

        if (kept.Length > RefValidator.MaxLength)
        {
            kept.Length = RefValidator.MaxLength;
        }

        return kept.Length > 0 ? kept.ToString() : fallback;
    }

    // The link split where the code goes, so the script only joins strings and never encodes the template
    // itself (JavaScript's encodeURIComponent and .NET's EscapeDataString disagree on !'()*).
    private static IReadOnlyList<string> HrefParts(WebsiteButtonOptions options)
    {
        if (options.Platform != PlatformNames.WhatsApp)
        {
            // The ref is the end of the URL: build with a one-character code and cut it off.
            var url = options.Platform == PlatformNames.Instagram
                ? LinkBuilder.Instagram(options.Account, "x")
                : LinkBuilder.Messenger(options.Account, "x");
            return [url[..^1], ""];
        }

        var prefix = LinkBuilder.WhatsApp(options.Account, "");
        var pieces = (options.WhatsAppTemplate ?? LinkBuilder.DefaultWhatsAppTemplate).Split(LinkBuilder.RefPlaceholder);
        return pieces.Select((piece, i) => (i == 0 ? prefix : "") + Uri.EscapeDataString(piece)).ToArray();
    }

    // The code holds only ref characters; of those, EscapeDataString and encodeURIComponent both change only '='.
    private static string Join(IReadOnlyList<string> parts, string platform, string code) =>
        string.Join(platform == PlatformNames.WhatsApp ? Uri.EscapeDataString(code) : code, parts);

    internal static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>A double-quoted JavaScript string; everything but plain ASCII letters, digits and safe punctuation is \u-escaped, so it cannot end the script.</summary>
    internal static string Js(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is ' ' or '_' or '-' or '=' or '.' or ':' or '/' or '?' or '%' or '+' or '@' or ',' or '!')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }

        return sb.Append('"').ToString();
    }

    private static void ThrowIfInvalid(WebsiteButtonOptions options)
    {
        if (Validate(options) is { } error)
        {
            throw new ArgumentException($"{error.Field}: {error.Reason}", nameof(options));
        }
    }
}
