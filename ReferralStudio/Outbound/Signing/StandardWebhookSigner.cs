using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ReferralStudio.Outbound.Signing;

/// <summary>
/// Signs and verifies deliveries per Standard Webhooks (standardwebhooks.com):
/// <c>webhook-signature: v1,&lt;base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))&gt;</c>.
/// </summary>
public static class StandardWebhookSigner
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    /// <summary>How far a receiver's clock may be from the timestamp; limits replay of captured deliveries.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string Version = "v1,";
    private const int HashBytes = 32;

    /// <summary>
    /// The <c>webhook-signature</c> value: one <c>v1,</c> entry per secret, so during a rotation receivers
    /// holding either the old or the new secret accept the delivery.
    /// </summary>
    /// <exception cref="ArgumentException">No secrets, or one that is not a valid <c>whsec_</c> secret.</exception>
    public static string Sign(string messageId, long timestamp, ReadOnlySpan<byte> body, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(secrets);

        var signed = SignedPrefix(messageId, timestamp.ToString(CultureInfo.InvariantCulture));
        var header = new StringBuilder();
        Span<byte> hash = stackalloc byte[HashBytes];
        foreach (var secret in secrets)
        {
            // The message never includes the secret: exceptions end up in logs.
            if (!WebhookSecret.TryDecode(secret, out var key))
            {
                throw new ArgumentException("A signing secret is not a valid whsec_ secret.", nameof(secrets));
            }

            Hash(key, signed, body, hash);
            CryptographicOperations.ZeroMemory(key);
            header.Append(header.Length == 0 ? "" : " ").Append(Version).Append(Convert.ToBase64String(hash));
        }

        if (header.Length == 0)
        {
            throw new ArgumentException("At least one signing secret is required.", nameof(secrets));
        }

        return header.ToString();
    }

    /// <inheritdoc cref="Verify(string?, string?, ReadOnlySpan{byte}, string?, string?, TimeProvider, TimeSpan)"/>
    public static bool Verify(string? messageId, string? timestampHeader, ReadOnlySpan<byte> body, string? signatureHeader, string? secret, TimeProvider time) =>
        Verify(messageId, timestampHeader, body, signatureHeader, secret, time, DefaultTolerance);

    /// <summary>
    /// What a receiver does: true when the timestamp is within <paramref name="tolerance"/> of now and any
    /// <c>v1,</c> entry matches. Malformed input of any kind gives false, never an exception.
    /// </summary>
    public static bool Verify(string? messageId, string? timestampHeader, ReadOnlySpan<byte> body, string? signatureHeader, string? secret, TimeProvider time, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(time);

        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(signatureHeader)
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || !WithinTolerance(timestamp, time.GetUtcNow(), tolerance)
            || !WebhookSecret.TryDecode(secret, out var key))
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HashBytes];
        // The spec signs the header text as sent, so use it rather than re-formatting the number.
        Hash(key, SignedPrefix(messageId, timestampHeader), body, expected);
        CryptographicOperations.ZeroMemory(key);

        Span<byte> claimed = stackalloc byte[HashBytes + 3];
        foreach (var range in signatureHeader.AsSpan().Split(' '))
        {
            var entry = signatureHeader.AsSpan()[range];
            if (entry.StartsWith(Version, StringComparison.Ordinal)
                && Convert.TryFromBase64Chars(entry[Version.Length..], claimed, out var written)
                && written == HashBytes
                && CryptographicOperations.FixedTimeEquals(expected, claimed[..HashBytes]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool WithinTolerance(long timestamp, DateTimeOffset now, TimeSpan tolerance)
    {
        // Whole seconds in 128 bits: an absurd timestamp can neither overflow nor throw.
        var skew = Int128.Abs((Int128)now.ToUnixTimeSeconds() - timestamp);
        return skew <= (long)tolerance.TotalSeconds;
    }

    private static byte[] SignedPrefix(string messageId, string timestamp) =>
        Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");

    private static void Hash(byte[] key, byte[] prefix, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
