using System.Globalization;
using System.Text;
using ReferralStudio.Links;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Triggers;

/// <summary>
/// Why a ref or a trigger's code is refused, in words a marketer reads ("Spaces aren't allowed in codes").
/// Whether a value is valid is decided by <see cref="RefValidator"/> (what attribution accepts) and
/// <see cref="PatternRules"/> alone; this class only words their verdict, so the API, the editor and the
/// simulator can never disagree with the webhook pipeline.
/// </summary>
public static class CodeRules
{
    /// <summary>What a code may contain, said once for hints and messages.</summary>
    public const string Alphabet = "letters A–Z, digits and _ - =";

    /// <summary>The reason a trigger's code or pattern is refused, or null when <see cref="PatternRules"/> accepts it.</summary>
    public static string? Pattern(string? pattern)
    {
        if (PatternRules.Validate(pattern) is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(pattern))
        {
            return "Enter a code such as summer_sale, or a pattern such as collab_*.";
        }

        return Explain(pattern, wildcard: true, "codes") ?? "This code isn't allowed.";
    }

    /// <summary>The reason a ref is never attributed, or null when <see cref="RefValidator"/> accepts it.</summary>
    public static string? Ref(string? value)
    {
        if (value is not null && RefValidator.Validate(value) is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(value))
        {
            return "Enter the ref the link carries, such as summer_sale.";
        }

        return Explain(value, wildcard: false, "refs") ?? "This ref is never attributed.";
    }

    private static string? Explain(string value, bool wildcard, string noun)
    {
        var allowed = wildcard ? $"Use {Alphabet}, and * as a wildcard." : $"Use {Alphabet}.";
        if (value.Length > RefValidator.MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{Capitalized(noun)} can be at most {RefValidator.MaxLength:N0} characters long; this one has {value.Length:N0}.");
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (RefValidator.IsRefChar(c))
            {
                continue;
            }

            if (c == '*')
            {
                if (!wildcard)
                {
                    return "A ref is one exact code: * is only for trigger patterns." + Suggestion(value, wildcard);
                }

                if (i + 1 < value.Length && value[i + 1] == '*')
                {
                    return "Use a single *: one * already matches any run of characters." + Suggestion(value, wildcard);
                }

                continue;
            }

            return $"{Problem(value, i, noun)} {allowed}{Suggestion(value, wildcard)}";
        }

        return null;
    }

    private static string Problem(string value, int i, string noun)
    {
        var c = value[i];
        var category = CharUnicodeInfo.GetUnicodeCategory(value, i);
        var shown = char.IsHighSurrogate(c) && i + 1 < value.Length ? value.Substring(i, 2) : c.ToString();
        if (c == ' ')
        {
            return $"Spaces aren't allowed in {noun}.";
        }

        if (char.IsWhiteSpace(c))
        {
            return $"Tabs and line breaks aren't allowed in {noun}.";
        }

        if (category is UnicodeCategory.OtherSymbol)
        {
            return $"Emoji and pictographs aren't allowed in {noun}.";
        }

        if (char.IsControl(c) || char.IsSurrogate(c) && shown.Length == 1
            || category is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
        {
            var where = i == 0 ? "at the start" : $"after “{(i <= 20 ? value[..i] : "…" + value[(i - 20)..i])}”";
            return $"Invisible characters aren't allowed in {noun} (there is one {where}).";
        }

        if (CodeNormalizer.Accented.Contains(char.ToLowerInvariant(c)))
        {
            return $"Accented letters such as “{c}” aren't allowed in {noun}.";
        }

        if (char.IsLetter(value, i))
        {
            return $"Only the Latin letters A–Z are allowed in {noun}, not “{shown}”.";
        }

        return $"“{shown}” isn't allowed in {noun}.";
    }

    // A nearby valid value, offered, never applied: spaces and separators become _, accents are dropped,
    // other characters go. Nothing when no such value exists or it would be no clearer.
    private static string Suggestion(string value, bool wildcard)
    {
        var sb = new StringBuilder(value.Length);
        var gap = false;
        foreach (var c in value)
        {
            var kept = RefValidator.IsRefChar(c) || (wildcard && c == '*') ? c.ToString()
                : char.IsLetter(c) ? CodeNormalizer.Normalize(c.ToString())
                : "";
            if (kept.Length == 0)
            {
                // A separator becomes one _ between the kept parts, never at either end.
                gap |= char.IsWhiteSpace(c) || c is '.' or ',' or '/' or '+' or '&' or ':' or ';';
                continue;
            }

            if (gap && sb.Length > 0 && sb[^1] != '_' && kept[0] != '_')
            {
                sb.Append('_');
            }

            gap = false;
            if (!(kept == "*" && sb.Length > 0 && sb[^1] == '*'))
            {
                sb.Append(kept);
            }
        }

        var suggestion = sb.ToString();
        var valid = wildcard ? PatternRules.Validate(suggestion) is null : RefValidator.Validate(suggestion) is null;
        return valid && suggestion != value ? $" Try {suggestion}." : "";
    }

    private static string Capitalized(string noun) => char.ToUpperInvariant(noun[0]) + noun[1..];
}
