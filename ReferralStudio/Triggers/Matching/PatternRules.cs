using System.Globalization;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Triggers.Matching;

/// <summary>
/// What a trigger's pattern may contain: the ref alphabet (A-Z a-z 0-9 _ - =) plus <c>*</c>, which matches any
/// run of characters, including none. A pattern without <c>*</c> is an exact code.
/// </summary>
public static class PatternRules
{
    public const int MaxLength = RefValidator.MaxLength;

    /// <summary>Returns null when <paramref name="pattern"/> is valid, else a short reason for a human.</summary>
    /// <remarks>Positions are 1-based. The first problem from the left is the one reported.</remarks>
    public static string? Validate(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return "pattern is required";
        }

        if (pattern.Length > MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"pattern is {pattern.Length} characters; the limit is {MaxLength}");
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                {
                    return string.Create(CultureInfo.InvariantCulture, $"'**' at position {i + 1}: one * already matches any run of characters");
                }

                continue;
            }

            if (!RefValidator.IsRefChar(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"pattern contains {Describe(pattern, i)} at position {i + 1}; allowed: A-Z a-z 0-9 _ - = and *");
            }
        }

        return null;
    }

    public static bool IsPattern(string pattern) => pattern.Contains('*');

    /// <summary>How many characters are not <c>*</c>; more literals means a more specific pattern.</summary>
    public static int LiteralCount(string pattern) => pattern.Length - pattern.AsSpan().Count('*');

    // Same wording as RefValidator: invisible or unprintable characters are named by code point.
    private static string Describe(string value, int index) => RefValidator.Describe(value, index);
}
