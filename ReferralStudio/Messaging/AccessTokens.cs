using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;

namespace ReferralStudio.Messaging;

/// <summary>The token to send from an account: the settings UI's first, then configuration.</summary>
public sealed class AccessTokens(IOptions<SendApiOptions> options)
{
    public async Task<string?> FindAsync(AppDbContext db, string platform, string accountId, CancellationToken cancellationToken)
    {
        var stored = await db.BusinessAccounts.AsNoTracking()
            .Where(a => a.Platform == platform && a.AccountId == accountId)
            .Select(a => a.AccessToken)
            .FirstOrDefaultAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(stored))
        {
            return stored;
        }

        return options.Value.AccessTokens.TryGetValue(accountId, out var configured) && !string.IsNullOrWhiteSpace(configured)
            ? configured
            : null;
    }
}
