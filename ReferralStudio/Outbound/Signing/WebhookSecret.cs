using System.Security.Cryptography;

namespace ReferralStudio.Outbound.Signing;

/// <summary>
/// Standard Webhooks signing secrets: <c>whsec_</c> followed by the base64 of the HMAC key.
/// </summary>
public static class WebhookSecret
{
    public const string Prefix = "whsec_";

    /// <summary>The spec's bounds on the decoded key (its own reference vector uses 24 bytes).</summary>
    public const int MinKeyBytes = 24;
    public const int MaxKeyBytes = 64;

    private const int GeneratedKeyBytes = 32;

    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(GeneratedKeyBytes));

    /// <summary>
    /// The HMAC key inside <paramref name="secret"/>. The prefix is required: a bare base64 string is
    /// more likely a pasted mistake than a secret we issued.
    /// </summary>
    public static bool TryDecode(string? secret, out byte[] key)
    {
        key = [];
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = secret.AsSpan(Prefix.Length);
        Span<byte> buffer = stackalloc byte[MaxKeyBytes + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written) || written < MinKeyBytes || written > MaxKeyBytes)
        {
            return false;
        }

        key = buffer[..written].ToArray();
        CryptographicOperations.ZeroMemory(buffer);
        return true;
    }

    /// <summary>
    /// A form safe to show in the UI and logs, e.g. <c>whsec_Mf…Sw</c>: enough to tell two secrets apart,
    /// too little to help guess one.
    /// </summary>
    public static string Mask(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return "";
        }

        var hasPrefix = secret.StartsWith(Prefix, StringComparison.Ordinal);
        var body = hasPrefix ? secret[Prefix.Length..] : secret;
        var shown = hasPrefix ? Prefix : "";

        // Four characters of a short string would be a large share of it; show none.
        return body.Length < 16 ? shown + "…" : $"{shown}{body[..2]}…{body[^2..]}";
    }
}
