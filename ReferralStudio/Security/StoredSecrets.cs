using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Security;

/// <summary>
/// Secrets the database holds (Meta access tokens, outbound signing secrets), encrypted with ASP.NET Core Data
/// Protection, so a copied database file or backup alone gives none of them away: the keys live apart from it
/// (<c>DataProtection:KeysPath</c>). A stored value is <c>dp1:</c> and the protected payload; a value without the
/// prefix is from before encryption and is read as it is until <see cref="ProtectStoredSecretsAsync"/> encrypts it.
/// </summary>
public sealed class StoredSecrets(IDataProtectionProvider provider)
{
    private const string Prefix = "dp1:";

    private readonly IDataProtector _protector = provider.CreateProtector("ReferralStudio.StoredSecrets.v1");

    public static bool IsProtected(string? stored) => stored is not null && stored.StartsWith(Prefix, StringComparison.Ordinal);

    public string Protect(string secret) => Prefix + _protector.Protect(secret);

    /// <summary>Null stays null; a value stored before encryption comes back as it is.</summary>
    /// <exception cref="CryptographicException">The value was protected with keys this app does not have.</exception>
    public string? Unprotect(string? stored) =>
        IsProtected(stored) ? _protector.Unprotect(stored![Prefix.Length..]) : stored;

    /// <summary>
    /// False when the value was protected with keys this app does not have (a database restored without its keys):
    /// the caller treats the secret as missing and says so, rather than failing.
    /// </summary>
    public bool TryUnprotect(string? stored, out string? secret)
    {
        try
        {
            secret = Unprotect(stored);
            return true;
        }
        catch (CryptographicException)
        {
            secret = null;
            return false;
        }
    }

    /// <summary>Encrypts what an earlier version stored in plain text (once; later starts find nothing to do).</summary>
    public async Task<int> ProtectStoredSecretsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var account in await db.BusinessAccounts.Where(a => a.AccessToken != null && !a.AccessToken.StartsWith(Prefix)).ToListAsync(cancellationToken))
        {
            account.AccessToken = Protect(account.AccessToken!);
            changed++;
        }

        foreach (var subscription in await db.WebhookSubscriptions.Where(s => !s.Secret.StartsWith(Prefix) || (s.PreviousSecret != null && !s.PreviousSecret.StartsWith(Prefix))).ToListAsync(cancellationToken))
        {
            subscription.Secret = IsProtected(subscription.Secret) ? subscription.Secret : Protect(subscription.Secret);
            subscription.PreviousSecret = subscription.PreviousSecret is null || IsProtected(subscription.PreviousSecret) ? subscription.PreviousSecret : Protect(subscription.PreviousSecret);
            changed++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return changed;
    }
}
