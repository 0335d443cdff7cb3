using System.Globalization;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Links;

/// <summary>
/// What is wrong with a code a marketer typed, in plain words ("Spaces aren't allowed in codes"), and a valid code
/// close to it. The same rules as <see cref="LinkBuilder.ValidateCode"/>, worded for a form rather than a log.
/// </summary>
public static class CodeAdvice
{
    /// <summary>Null when <paramref name="code"/> can go into a link, else why not.</summary>
    public static string? Problem(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "Enter a code.";
        }

        if (PatternRules.IsPattern(code))
        {
            return LinkBuilder.PatternHasNoLink;
        }

        if (code.Length > RefValidator.MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Codes can be up to {RefValidator.MaxLength:N0} characters; this one has {code.Length:N0}.");
        }

        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (RefValidator.IsRefChar(c))
            {
                continue;
            }

            if (c == ' ')
            {
                return "Spaces aren't allowed in codes; use _ or - between words.";
            }

            if (char.IsHighSurrogate(c) && i + 1 < code.Length && char.IsLowSurrogate(code[i + 1]))
            {
                return $"'{code.Substring(i, 2)}' isn't allowed in codes; use letters A-Z, digits and _ - =.";
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                return string.Create(CultureInfo.InvariantCulture, $"Codes can only have letters A-Z, digits and _ - =; this one has an invisible character, U+{(int)c:X4}.");
            }

            var folded = RefFolding.Fold(c.ToString());
            return folded.Length > 0 && char.IsLetter(c)
                ? $"Accented letters aren't allowed in codes; write {folded} for {c}."
                : $"'{c}' isn't allowed in codes; use letters A-Z, digits and _ - =.";
        }

        return null;
    }

    /// <summary>A valid code made from <paramref name="code"/> the way the website button would, when that differs from it.</summary>
    public static string? Suggestion(string? code)
    {
        if (string.IsNullOrEmpty(code) || PatternRules.IsPattern(code))
        {
            return null;
        }

        var folded = RefFolding.Fold(code);
        return folded.Length > 0 && folded != code && Problem(folded) is null ? folded : null;
    }
}
