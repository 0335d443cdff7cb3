using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Security;

namespace ReferralStudio.Messaging;

/// <summary>The token to send from an account: the settings UI's first (stored encrypted), then configuration.</summary>
public sealed class AccessTokens(IOptions<SendApiOptions> options, StoredSecrets secrets)
{
    public async Task<string?> FindAsync(AppDbContext db, string platform, string accountId, CancellationToken cancellationToken)
    {
        var stored = await db.BusinessAccounts.AsNoTracking()
            .Where(a => a.Platform == platform && a.AccountId == accountId)
            .Select(a => a.AccessToken)
            .FirstOrDefaultAsync(cancellationToken);
        // A token stored under keys this app no longer has reads as none: the accounts page says to enter it again.
        if (secrets.TryUnprotect(stored, out var token) && !string.IsNullOrWhiteSpace(token))
        {
            return token;
        }

        return options.Value.AccessTokens.TryGetValue(accountId, out var configured) && !string.IsNullOrWhiteSpace(configured)
            ? configured
            : null;
    }
}
