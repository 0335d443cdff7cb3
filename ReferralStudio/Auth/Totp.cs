using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ReferralStudio.Auth;

/// <summary>
/// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1 of the 30-second step since the Unix epoch,
/// truncated to six digits, as every authenticator app computes them. Pure functions over the time they are given,
/// so the app's <see cref="TimeProvider"/> decides "now" (Identity's own provider reads the system clock).
/// </summary>
public static class Totp
{
    public const int Digits = 6;
    public const int StepSeconds = 30;

    /// <summary>Steps either side of now that still count: a phone's clock a little off, a code typed as it turned.</summary>
    public const int Tolerance = 1;

    /// <summary>Twenty bytes, the length of an HMAC-SHA1 key (RFC 4226 recommends 160 bits).</summary>
    public const int KeyBytes = 20;

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code for <paramref name="step"/> as a number (0 to 999999).</summary>
    public static int Code(ReadOnlySpan<byte> key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7FFF_FFFF;
        return binary % 1_000_000;
    }

    /// <summary>
    /// The step whose code <paramref name="typed"/> is, within <see cref="Tolerance"/> of <paramref name="now"/> and
    /// later than <paramref name="lastUsedStep"/> (a code already used, or one older than it, is refused: a code seen
    /// over a shoulder or in a proxy's log cannot be replayed); null otherwise. Spaces and dashes are ignored. Every
    /// candidate is computed and compared in constant time, whichever matches.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> key, string? typed, DateTimeOffset now, long? lastUsedStep)
    {
        Span<byte> presented = stackalloc byte[Digits];
        if (!TryDigits(typed, presented))
        {
            return null;
        }

        var current = StepAt(now);
        Span<byte> expected = stackalloc byte[Digits];
        long? matched = null;
        for (var step = current - Tolerance; step <= current + Tolerance; step++)
        {
            WriteDigits(Code(key, step), expected);
            var same = CryptographicOperations.FixedTimeEquals(expected, presented);
            if (same && matched is null && (lastUsedStep is not { } last || step > last))
            {
                matched = step;
            }
        }

        return matched;
    }

    /// <summary>Whether <paramref name="typed"/> looks like a code (six digits, perhaps with spaces or a dash).</summary>
    public static bool LooksLikeCode(string? typed) => TryDigits(typed, stackalloc byte[Digits]);

    private static bool TryDigits(string? typed, Span<byte> digits)
    {
        if (typed is null || typed.Length > 16)
        {
            return false;
        }

        var count = 0;
        foreach (var c in typed)
        {
            if (c is ' ' or '-')
            {
                continue;
            }

            if (!char.IsAsciiDigit(c) || count == Digits)
            {
                return false;
            }

            digits[count++] = (byte)c;
        }

        return count == Digits;
    }

    private static void WriteDigits(int code, Span<byte> digits)
    {
        for (var i = Digits - 1; i >= 0; i--)
        {
            digits[i] = (byte)('0' + (code % 10));
            code /= 10;
        }
    }
}

/// <summary>RFC 4648 base32 without padding, the alphabet authenticator apps take keys in.</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in data)
        {
            buffer = ((buffer << 8) | b) & 0xFFFF;
            bits += 8;
            while (bits >= 5)
            {
                chars[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, index);
    }

    /// <summary>Null when <paramref name="text"/> is not base32 (case, spaces and padding are forgiven).</summary>
    public static byte[]? Decode(string text)
    {
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '=')
            {
                continue;
            }

            var value = Alphabet.IndexOf(char.ToUpperInvariant(c));
            if (value < 0)
            {
                return null;
            }

            buffer = ((buffer << 5) | value) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }
}
