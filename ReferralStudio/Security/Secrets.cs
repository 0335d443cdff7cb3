using System.Security.Cryptography;
using System.Text;

namespace ReferralStudio.Security;

/// <summary>Secret comparison that takes the same time wherever the first difference is.</summary>
public static class Secrets
{
    public static bool FixedTimeEquals(string? presented, string expected)
    {
        if (presented is null)
        {
            return false;
        }

        // Hash both so lengths differ only inside the hash, never in the comparison's timing.
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
