using System.Security.Cryptography;

namespace ReferralStudio.Webhooks;

public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Mismatch,
}

/// <summary>
/// Checks <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c> over the raw body bytes exactly as received
/// (Meta signs an escaped-unicode form, so re-serialised JSON would never match).
/// </summary>
public static class MetaSignature
{
    private const string Prefix = "sha256=";

    // One keyed HMAC per thread: OpenSSL sets up (looks up the algorithms, keys) a one-shot HMAC for every
    // call, which costs more than hashing a typical body. Re-keyed only when the secret differs.
    [ThreadStatic]
    private static KeyedHmac? t_hmac;

    public static SignatureCheck Verify(ReadOnlySpan<byte> body, string? header, ReadOnlySpan<byte> secret)
    {
        if (string.IsNullOrEmpty(header))
        {
            return SignatureCheck.Missing;
        }

        var value = header.AsSpan().Trim();
        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || value.Length != Prefix.Length + 64)
        {
            return SignatureCheck.Malformed;
        }

        Span<byte> claimed = stackalloc byte[32];
        var status = Convert.FromHexString(value[Prefix.Length..], claimed, out _, out var written);
        if (status != System.Buffers.OperationStatus.Done || written != 32)
        {
            return SignatureCheck.Malformed;
        }

        Span<byte> actual = stackalloc byte[32];
        Hmac(secret, body, actual);
        return CryptographicOperations.FixedTimeEquals(actual, claimed) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    private static void Hmac(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var hmac = t_hmac;
        if (hmac is null || !secret.SequenceEqual(hmac.Key))
        {
            hmac?.Hash.Dispose();
            t_hmac = hmac = new KeyedHmac(secret.ToArray(), IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret));
        }

        hmac.Hash.AppendData(body);
        hmac.Hash.GetHashAndReset(destination);
    }

    private sealed record KeyedHmac(byte[] Key, IncrementalHash Hash);

    /// <summary>The header value Meta would send for <paramref name="body"/>; used by the simulator and tests.</summary>
    public static string Sign(ReadOnlySpan<byte> body, ReadOnlySpan<byte> secret)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(secret, body, hash);
        return Prefix + Convert.ToHexStringLower(hash);
    }
}
