using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ReferralStudio.Platforms;

namespace ReferralStudio.Links;

/// <summary>
/// What the "Message us" button for a website looks like and where it points. Null label and colours mean the
/// platform's defaults; null <see cref="WhatsAppTemplate"/> means <see cref="LinkBuilder.DefaultWhatsAppTemplate"/>.
/// Without <see cref="FixedCode"/>, the code comes from the page's <c>utm_campaign</c>: the ref chosen for it in
/// <see cref="CampaignRefs"/>, else the campaign folded into the ref alphabet (<see cref="RefFolding"/>).
/// </summary>
public sealed record WebsiteButtonOptions(
    string Platform,
    string Account,
    string? FixedCode = null,
    string FallbackCode = WebsiteButton.DefaultFallbackCode,
    string? Label = null,
    string? BackgroundColor = null,
    string? TextColor = null,
    string? WhatsAppTemplate = null,
    IReadOnlyList<CampaignRef>? CampaignRefs = null);

/// <summary>The ref a marketer chose for one exact utm_campaign value, instead of the folded one.</summary>
public sealed record CampaignRef(string Campaign, string Ref);

/// <summary>Where the ref a button sends comes from.</summary>
public enum ButtonRefSource
{
    FixedCode,
    CampaignRef,
    Campaign,
    Fallback,
}

/// <summary>The ref a button sends on one page, where it comes from and, for a folded campaign, what changed.</summary>
public sealed record ButtonRef(string Ref, ButtonRefSource Source, IReadOnlyList<string> Changes);

/// <summary>
/// A copy-and-paste HTML button for a marketer's website. It is self-contained (inline style and script, nothing
/// loaded from any server) and still works as a plain link, with the fallback code, where scripts are stripped.
/// </summary>
public static class WebsiteButton
{
    public const string DefaultFallbackCode = "website";
    public const int MaxLabelLength = 80;
    public const int MaxCampaignRefs = 100;
    public const int MaxCampaignLength = 500;
    public const string DefaultTextColor = "#ffffff";

    /// <summary>WCAG 2 AA for normal text: the button's 16 px label needs 4.5:1.</summary>
    public const double MinContrast = 4.5;

    private static readonly Regex ColorRule = new("^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$", RegexOptions.CultureInvariant);

    public static string DefaultLabel(string platform) => platform switch
    {
        PlatformNames.Instagram => "Message us on Instagram",
        PlatformNames.Messenger => "Message us on Messenger",
        _ => "Message us on WhatsApp",
    };

    // White text on each brand's colour, dark enough for 4.5:1 (WhatsApp's lighter #128c7e reaches only 4.1:1).
    public static string DefaultBackground(string platform) => platform switch
    {
        PlatformNames.Instagram => "#c13584",
        PlatformNames.Messenger => "#0866ff",
        _ => "#075e54",
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

        if (Contrast(options) is { } contrast && contrast < MinContrast)
        {
            return new("textColor", ContrastProblem(contrast));
        }

        if (options.CampaignRefs is { } campaignRefs && ValidateCampaignRefs(campaignRefs) is { } campaignError)
        {
            return new("campaignRefs", campaignError);
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
        var code = options.FixedCode ?? options.FallbackCode;
        var parts = HrefParts(options);

        var html = new StringBuilder();
        html.Append("<span class=\"referralstudio-button\">");
        html.Append(Anchor(options, Join(parts, options.Platform, code)));

        // A fixed code needs no script: the link above is already final.
        if (options.FixedCode is null)
        {
            // Keep PreviewHref below a mirror of this script (RefFolding.Script mirrors RefFolding); tests run both on the same inputs.
            var refs = string.Join(", ", (options.CampaignRefs ?? []).Select(r => $"[{Js(r.Campaign)}, {Js(r.Ref)}]"));
            html.Append('\n').Append("<script>\n");
            html.Append("(function () {\n");
            html.Append("  var s = document.currentScript, a = s && s.parentNode.querySelector(\"a\");\n");
            html.Append("  if (!a) return;\n");
            html.Append(CultureInfo.InvariantCulture, $"  var parts = [{string.Join(", ", parts.Select(Js))}];\n");
            html.Append(CultureInfo.InvariantCulture, $"  var fallback = {Js(options.FallbackCode)}, encode = {(options.Platform == PlatformNames.WhatsApp ? "true" : "false")};\n");
            html.Append(CultureInfo.InvariantCulture, $"  var refs = [{refs}];\n");
            html.Append(Indent(RefFolding.Script(), "  "));
            html.Append("  var campaign = new URLSearchParams(location.search).get(\"utm_campaign\"), code = \"\";\n");
            html.Append("  for (var r = 0; r < refs.length; r++) if (refs[r][0] === campaign) code = refs[r][1];\n");
            html.Append("  code = code || fold(campaign) || fallback;\n");
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
        return Join(HrefParts(options), options.Platform, RefFor(options, utmCampaign).Ref);
    }

    /// <summary>
    /// The button's own HTML (the snippet's link, same markup and inline style) pointing where it would on a page whose
    /// <c>utm_campaign</c> is <paramref name="utmCampaign"/>: a preview that cannot drift from what is pasted.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="Validate"/>).</exception>
    public static string PreviewHtml(WebsiteButtonOptions options, string? utmCampaign) =>
        Anchor(options, PreviewHref(options, utmCampaign));

    /// <summary>The ref the button sends on a page whose <c>utm_campaign</c> is <paramref name="utmCampaign"/>, and why.</summary>
    public static ButtonRef RefFor(WebsiteButtonOptions options, string? utmCampaign)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FixedCode is not null)
        {
            return new(options.FixedCode, ButtonRefSource.FixedCode, []);
        }

        if (options.CampaignRefs?.LastOrDefault(r => r.Campaign == utmCampaign) is { } chosen)
        {
            return new(chosen.Ref, ButtonRefSource.CampaignRef, []);
        }

        var folded = RefFolding.Explain(utmCampaign);
        return folded.Ref.Length > 0
            ? new(folded.Ref, ButtonRefSource.Campaign, folded.Changes)
            : new(options.FallbackCode, ButtonRefSource.Fallback, folded.Changes);
    }

    /// <summary>The browser's fold, then the fallback when nothing is left (what a page without a chosen ref gets).</summary>
    public static string Sanitize(string? value, string fallback) =>
        RefFolding.Fold(value) is { Length: > 0 } folded ? folded : fallback;

    /// <summary>
    /// The WCAG contrast ratio (1 to 21) of the label on the background the options give, defaults included; null
    /// while either colour is not a valid hex colour.
    /// </summary>
    public static double? Contrast(WebsiteButtonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var background = options.BackgroundColor ?? (PlatformNames.IsKnown(options.Platform) ? DefaultBackground(options.Platform) : null);
        var text = options.TextColor ?? DefaultTextColor;
        return background is not null && ColorRule.IsMatch(background) && ColorRule.IsMatch(text)
            ? ContrastRatio(text, background)
            : null;
    }

    /// <summary>WCAG 2's contrast ratio of two hex colours (#rgb or #rrggbb): (lighter + 0.05) / (darker + 0.05).</summary>
    /// <exception cref="ArgumentException">A colour is not a hex colour.</exception>
    public static double ContrastRatio(string first, string second)
    {
        var a = Luminance(first);
        var b = Luminance(second);
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    /// <summary>
    /// The ratio rounded down to one decimal, so a refused 4.46:1 never reads as the 4.5:1 it is refused for.
    /// </summary>
    public static string FormatContrast(double ratio) =>
        (Math.Floor(ratio * 10) / 10).ToString("0.0", CultureInfo.InvariantCulture) + ":1";

    private static string ContrastProblem(double ratio) =>
        $"The text colour has a contrast of {FormatContrast(ratio)} on the background; a readable button needs at least {FormatContrast(MinContrast)} (WCAG AA). Darken the background or lighten the text.";

    private static string? ValidateCampaignRefs(IReadOnlyList<CampaignRef> campaignRefs)
    {
        if (campaignRefs.Count > MaxCampaignRefs)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{campaignRefs.Count:N0} campaign refs; the limit is {MaxCampaignRefs}.");
        }

        foreach (var campaignRef in campaignRefs)
        {
            if (string.IsNullOrEmpty(campaignRef.Campaign) || campaignRef.Campaign.Length > MaxCampaignLength)
            {
                return string.Create(CultureInfo.InvariantCulture, $"A campaign must be 1 to {MaxCampaignLength} characters.");
            }

            if (CodeAdvice.Problem(campaignRef.Ref) is { } problem)
            {
                return $"The ref for '{campaignRef.Campaign}': {problem}";
            }
        }

        return null;
    }

    private static double Luminance(string hex)
    {
        if (!ColorRule.IsMatch(hex))
        {
            throw new ArgumentException($"'{hex}' is not a hex colour such as #0866ff.", nameof(hex));
        }

        var digits = hex.Length == 4 ? string.Concat(hex[1..].Select(c => new string(c, 2))) : hex[1..];
        double Channel(int i)
        {
            var value = int.Parse(digits.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return value <= 0.04045 ? value / 12.92 : Math.Pow((value + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(0)) + (0.7152 * Channel(1)) + (0.0722 * Channel(2));
    }

    private static string Anchor(WebsiteButtonOptions options, string href)
    {
        var label = options.Label ?? DefaultLabel(options.Platform);
        var background = options.BackgroundColor ?? DefaultBackground(options.Platform);
        var color = options.TextColor ?? DefaultTextColor;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"<a href=\"{Html(href)}\" target=\"_blank\" rel=\"noopener\" style=\"display:inline-block;padding:12px 20px;border-radius:8px;background:{Html(background)};color:{Html(color)};font:600 16px/1.2 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;text-decoration:none\">{Html(label)}</a>");
    }

    private static string Indent(string text, string indent) =>
        string.Concat(text.Split('\n').Select(line => line.Length == 0 ? "\n" : indent + line + "\n"))[..^1];

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
