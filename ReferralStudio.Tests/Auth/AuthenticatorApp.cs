using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ReferralStudio.Tests.Auth;

/// <summary>
/// What a phone's authenticator app does with the key it was given, written here from RFC 6238 and RFC 4648 rather than
/// taken from the app, so the tests check the app against the standard and not against itself.
/// </summary>
public static partial class AuthenticatorApp
{
    /// <summary>The six-digit code for <paramref name="at"/> from a base32 key as the setup page shows it (groups, any case).</summary>
    public static string CodeAt(string base32Key, DateTimeOffset at)
    {
        var key = FromBase32(base32Key);
        var counter = at.ToUnixTimeSeconds() / 30;
        var message = new byte[8];
        for (var i = 7; i >= 0; i--)
        {
            message[i] = (byte)(counter & 0xFF);
            counter >>= 8;
        }

        var hash = HMACSHA1.HashData(key, message);
        var offset = hash[19] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static byte[] FromBase32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(text.ToUpperInvariant().Where(c => c != ' ' && c != '=')
            .Select(c => Convert.ToString(Alphabet.IndexOf(c), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }

    /// <summary>The key the setup page shows for typing by hand.</summary>
    public static string KeyOnPage(string html) => KeyPattern().Match(html) is { Success: true } m
        ? m.Groups["key"].Value
        : throw new InvalidOperationException("The page shows no two-step key.");

    /// <summary>The recovery codes the page shows once.</summary>
    public static IReadOnlyList<string> RecoveryCodesOnPage(string html) =>
        RecoveryPattern().Matches(html).Select(m => m.Value).ToList();

    [GeneratedRegex("data-testid=\"two-step-key\">(?<key>[a-z2-7 ]+)<")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("(?<=<li>)[A-Z2-9]{5}-[A-Z2-9]{5}(?=</li>)")]
    private static partial Regex RecoveryPattern();
}
