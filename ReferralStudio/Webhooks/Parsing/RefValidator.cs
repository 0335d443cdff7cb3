using System.Globalization;

namespace ReferralStudio.Webhooks.Parsing;

/// <summary>
/// Checks a <c>ref</c> against Meta's documented rules: 1 to 2,083 characters from A-Z a-z 0-9 _ - =.
/// It only reports; the ref is never cleaned or truncated, so what Meta sent stays inspectable.
/// </summary>
public static class RefValidator
{
    public const int MaxLength = 2083;

    private const string Allowed = "allowed: A-Z a-z 0-9 _ - =";

    /// <summary>Returns null when <paramref name="value"/> is a valid ref, else a short reason for a human.</summary>
    /// <remarks>Positions in the reason are 1-based (the first character is position 1).</remarks>
    public static string? Validate(string value)
    {
        if (value is null)
        {
            return "ref is missing";
        }

        if (value.Length == 0)
        {
            return "ref is empty";
        }

        if (value.Length > MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"ref is {value.Length} characters; the limit is {MaxLength}");
        }

        // A plain loop rather than a regex: this runs for every referral on the webhook hot path.
        for (var i = 0; i < value.Length; i++)
        {
            if (!IsRefChar(value[i]))
            {
                return string.Create(CultureInfo.InvariantCulture, $"ref contains {Describe(value, i)} at position {i + 1}; {Allowed}");
            }
        }

        return null;
    }

    public static bool IsRefChar(char c) =>
        (uint)(c - 'a') <= 'z' - 'a'
        || (uint)(c - 'A') <= 'Z' - 'A'
        || (uint)(c - '0') <= '9' - '0'
        || c is '_' or '-' or '=';

    // Spaces, control characters and surrogates are invisible or unprintable on their own, so name them by code point.
    internal static string Describe(string value, int index)
    {
        var c = value[index];
        if (char.IsHighSurrogate(c) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
        {
            var codePoint = char.ConvertToUtf32(c, value[index + 1]);
            return string.Create(CultureInfo.InvariantCulture, $"'{value.AsSpan(index, 2)}' (U+{codePoint:X4})");
        }

        if (char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c))
        {
            return string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}");
        }

        return $"'{c}'";
    }
}
