using System.Security.Cryptography;

namespace ReferralStudio.Links.Trackable;

/// <summary>The slug after <c>/go/</c>: generated short and unambiguous, or chosen within the same alphabet plus '-'.</summary>
public static class LinkSlugs
{
    public const int GeneratedLength = 7;
    public const int MinLength = 3;
    public const int MaxLength = 40;

    // No 0/o, 1/l/i: a slug is read off packaging and typed by hand when a camera fails.
    public const string GeneratedAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";

    /// <summary>31^7 (about 27 billion) slugs: a collision is retried, guessing one is pointless.</summary>
    public static string Generate() => RandomNumberGenerator.GetString(GeneratedAlphabet, GeneratedLength);

    /// <summary>Null when <paramref name="slug"/> can be chosen, else why not, for a person.</summary>
    public static string? Validate(string? slug)
    {
        if (string.IsNullOrEmpty(slug))
        {
            return "Enter a slug, or leave it empty to have one made.";
        }

        if (slug.Length is < MinLength or > MaxLength)
        {
            return $"A slug is {MinLength} to {MaxLength} characters; this one has {slug.Length}.";
        }

        foreach (var c in slug)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return char.IsAsciiLetterUpper(c)
                    ? $"Use lower-case letters: {slug.ToLowerInvariant()}."
                    : $"A slug has only lower-case letters a-z, digits and '-'; '{c}' is not allowed.";
            }
        }

        return slug.StartsWith('-') || slug.EndsWith('-') || slug.Contains("--", StringComparison.Ordinal)
            ? "A slug cannot start or end with '-', or have two in a row."
            : null;
    }
}
