using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ReferralStudio.Platforms;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Links;

/// <summary>
/// Builds the ig.me, m.me and wa.me links that carry a code, and checks what a marketer types before a
/// link is printed: a typo on packaging cannot be fixed later.
/// </summary>
/// <remarks>
/// Accounts are accepted as people type them: a leading '@' on usernames, and spaces, dashes or brackets
/// in phone numbers are dropped. The link methods throw on invalid input; <see cref="Build"/> reports instead.
/// </remarks>
public static class LinkBuilder
{
    public const string RefPlaceholder = "{ref}";
    public const string DefaultWhatsAppTemplate = "Hi! ref: {ref}";
    public const int MaxWhatsAppTemplateLength = 1000;

    public const string PatternHasNoLink = "A pattern matches many links, so it has no single URL or QR code.";

    // Mixed case and every ref symbol, so the check fails if the receiver would read only part of a code.
    private const string SampleCode = "Sample_Code-7=";

    private static readonly Regex InstagramUsernameRule = new("^[A-Za-z0-9._]{1,30}$", RegexOptions.CultureInvariant);
    private static readonly Regex PageUsernameRule = new("^[A-Za-z0-9.]{5,50}$", RegexOptions.CultureInvariant);

    private static readonly PrefilledTextRefExtractor Receiver = new(PrefilledTextRefExtractor.DefaultPattern);

    /// <summary><c>https://ig.me/m/&lt;username&gt;?ref=&lt;ref&gt;</c></summary>
    public static string Instagram(string username, string @ref)
    {
        ThrowIfInvalid(ValidateInstagramUsername(username), nameof(username));
        ThrowIfInvalid(ValidateCode(@ref), nameof(@ref));
        return $"https://ig.me/m/{NormalizeUsername(username)}?ref={@ref}";
    }

    /// <summary><c>https://m.me/&lt;page&gt;?ref=&lt;ref&gt;</c></summary>
    public static string Messenger(string pageUsername, string @ref)
    {
        ThrowIfInvalid(ValidatePageUsername(pageUsername), nameof(pageUsername));
        ThrowIfInvalid(ValidateCode(@ref), nameof(@ref));
        return $"https://m.me/{NormalizeUsername(pageUsername)}?ref={@ref}";
    }

    /// <summary><c>https://wa.me/&lt;digits&gt;?text=&lt;text&gt;</c>; WhatsApp has no ref field, so the code travels in the text.</summary>
    public static string WhatsApp(string e164Number, string text)
    {
        ThrowIfInvalid(ValidateWhatsAppNumber(e164Number), nameof(e164Number));
        ArgumentNullException.ThrowIfNull(text);
        return $"https://wa.me/{NormalizeE164(e164Number)![1..]}?text={Uri.EscapeDataString(text)}";
    }

    /// <summary>The prefilled WhatsApp message: <paramref name="template"/> (or the default) with <c>{ref}</c> replaced.</summary>
    public static string WhatsAppText(string? template, string @ref) =>
        (template ?? DefaultWhatsAppTemplate).Replace(RefPlaceholder, @ref, StringComparison.Ordinal);

    /// <summary>
    /// Validates the account for <paramref name="platform"/>, the code and, for WhatsApp, the message template
    /// (null means <see cref="DefaultWhatsAppTemplate"/>), then builds the link.
    /// </summary>
    public static LinkResult Build(string platform, string account, string @ref, string? whatsAppTemplate = null)
    {
        if (!PlatformNames.IsKnown(platform))
        {
            return LinkResult.Invalid("platform", "Choose Instagram, Messenger or WhatsApp.");
        }

        var accountError = ValidateAccount(platform, account);
        if (accountError is not null)
        {
            return LinkResult.Invalid("account", accountError);
        }

        var codeError = ValidateCode(@ref);
        if (codeError is not null)
        {
            return LinkResult.Invalid("code", codeError);
        }

        if (platform == PlatformNames.WhatsApp)
        {
            var templateError = ValidateWhatsAppTemplate(whatsAppTemplate);
            return templateError is null
                ? LinkResult.Ok(WhatsApp(account, WhatsAppText(whatsAppTemplate, @ref)))
                : LinkResult.Invalid("template", templateError);
        }

        return LinkResult.Ok(platform == PlatformNames.Instagram ? Instagram(account, @ref) : Messenger(account, @ref));
    }

    /// <summary>The account check that fits <paramref name="platform"/>: username, Page username or phone number.</summary>
    public static string? ValidateAccount(string platform, string? account) => platform switch
    {
        PlatformNames.Instagram => ValidateInstagramUsername(account),
        PlatformNames.Messenger => ValidatePageUsername(account),
        PlatformNames.WhatsApp => ValidateWhatsAppNumber(account),
        _ => "Choose Instagram, Messenger or WhatsApp.",
    };

    public static string? ValidateInstagramUsername(string? username)
    {
        var value = NormalizeUsername(username);
        if (value.Length == 0)
        {
            return "Enter the Instagram username.";
        }

        return InstagramUsernameRule.IsMatch(value) ? null : "An Instagram username is 1 to 30 letters, digits, '.' or '_'.";
    }

    public static string? ValidatePageUsername(string? pageUsername)
    {
        var value = NormalizeUsername(pageUsername);
        if (value.Length == 0)
        {
            return "Enter the Facebook Page username.";
        }

        return PageUsernameRule.IsMatch(value) ? null : "A Facebook Page username is 5 to 50 letters, digits or '.'.";
    }

    public static string? ValidateWhatsAppNumber(string? number)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            return "Enter the WhatsApp number.";
        }

        var digits = StripNumberPunctuation(number);
        var body = digits.StartsWith('+') ? digits[1..] : digits;
        if (body.Length == 0 || !body.All(char.IsAsciiDigit))
        {
            return "A WhatsApp number has only digits, with an optional leading '+' (spaces, dashes and brackets are fine).";
        }

        if (body[0] == '0')
        {
            return "Start the number with the country code (for example +44), not 0.";
        }

        return body.Length is >= 8 and <= 15
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"A WhatsApp number in international format has 8 to 15 digits, country code first; this one has {body.Length}.");
    }

    /// <summary><c>+&lt;digits&gt;</c> for a valid number, else null (see <see cref="ValidateWhatsAppNumber"/> for why).</summary>
    public static string? NormalizeE164(string? number) =>
        ValidateWhatsAppNumber(number) is null ? "+" + StripNumberPunctuation(number!).TrimStart('+') : null;

    /// <summary>A single code that can go into a link: a valid ref, and not a pattern.</summary>
    public static string? ValidateCode(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "Enter a code.";
        }

        // Checked before the alphabet, whose message would only say '*' is not allowed.
        return PatternRules.IsPattern(code) ? PatternHasNoLink : RefValidator.Validate(code);
    }

    /// <summary>
    /// Null when a message rendered from <paramref name="template"/> gives the code back through the receiver's
    /// default pattern, else why not. Null <paramref name="template"/> means the default, which is valid.
    /// </summary>
    public static string? ValidateWhatsAppTemplate(string? template)
    {
        if (template is null)
        {
            return null;
        }

        if (template.Length > MaxWhatsAppTemplateLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"The message is {template.Length:N0} characters; the limit is {MaxWhatsAppTemplateLength:N0}.");
        }

        if (!template.Contains(RefPlaceholder, StringComparison.Ordinal))
        {
            return "Put {ref} in the message where the code goes, for example 'Hi! ref: {ref}'.";
        }

        // Ask the receiver itself rather than re-deriving its rules here.
        var found = Receiver.Extract(WhatsAppText(template, SampleCode));
        if (found == SampleCode)
        {
            return null;
        }

        var spaced = Receiver.Extract(WhatsAppText(template.Replace(RefPlaceholder, RefPlaceholder + " ", StringComparison.Ordinal), SampleCode));
        if (spaced == SampleCode)
        {
            return "Put a space or punctuation right after {ref}; a letter or digit there would be read as part of the code.";
        }

        return found is null
            ? "The receiver finds the code after 'ref:' or 'ref='; keep 'ref: {ref}' in the text."
            : "The message has another 'ref:' before {ref}; the receiver reads only the first one.";
    }

    /// <summary>Trims and drops one leading '@', since people copy usernames as handles.</summary>
    public static string NormalizeUsername(string? username)
    {
        var value = (username ?? "").Trim();
        return value.StartsWith('@') ? value[1..] : value;
    }

    private static string StripNumberPunctuation(string number)
    {
        var sb = new StringBuilder(number.Length);
        foreach (var c in number.Trim())
        {
            if (c is not (' ' or '-' or '(' or ')'))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static void ThrowIfInvalid(string? reason, string paramName)
    {
        if (reason is not null)
        {
            throw new ArgumentException(reason, paramName);
        }
    }
}
