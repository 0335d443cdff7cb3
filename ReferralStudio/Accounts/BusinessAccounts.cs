using Microsoft.EntityFrameworkCore;
using ReferralStudio.Audit;
using ReferralStudio.Data;
using ReferralStudio.Security;

namespace ReferralStudio.Accounts;

/// <summary>
/// An account's Conversions API settings as entered: the dataset id and, on WhatsApp, the WhatsApp Business Account id
/// (blank clears either) and the token (blank keeps the saved one). The caller has validated them.
/// </summary>
public sealed record ConversionsApiSettings(string? DatasetId, string? Token, string? WhatsAppBusinessAccountId = null);

/// <summary>What saving an account came to: the account, or why not (a duplicate Meta id).</summary>
public sealed record AccountSaveResult(BusinessAccount? Account, string? Error);

/// <summary>
/// Adding, changing and deleting business accounts and their access tokens, each change audited with it (the token
/// only as set, changed or removed). Tokens are stored encrypted (<see cref="StoredSecrets"/>).
/// </summary>
public sealed class BusinessAccounts(IDbContextFactory<AppDbContext> contexts, StoredSecrets secrets, AuditLog audit, TimeProvider time)
{
    /// <summary>
    /// Creates (<paramref name="id"/> null) or changes an account; a blank <paramref name="token"/> keeps the saved one.
    /// <paramref name="conversions"/> null leaves the Conversions API settings as they are. The caller has validated and
    /// normalized the fields.
    /// </summary>
    public async Task<AccountSaveResult> SaveAsync(
        AuditActor by, long? id, string platform, string handle, string accountId, string? token,
        ConversionsApiSettings? conversions = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.BusinessAccounts.AnyAsync(a => a.Platform == platform && a.AccountId == accountId && a.Id != id, cancellationToken))
        {
            return new(null, $"A {Platforms.PlatformNames.DisplayName(platform)} account with Meta id {accountId} already exists.");
        }

        var account = id is { } existing
            ? await db.BusinessAccounts.SingleOrDefaultAsync(a => a.Id == existing, cancellationToken)
            : new BusinessAccount { CreatedAt = time.GetUtcNow() };
        if (account is null)
        {
            return new(null, "That account was deleted meanwhile.");
        }

        var before = id is null ? null : AuditSnapshot.Of(account);
        account.Platform = platform;
        account.Handle = handle;
        account.AccountId = accountId;
        if (!string.IsNullOrWhiteSpace(token))
        {
            account.AccessToken = secrets.Protect(token.Trim());
        }

        if (conversions is not null)
        {
            account.ConversionsDatasetId = string.IsNullOrWhiteSpace(conversions.DatasetId) ? null : conversions.DatasetId.Trim();
            account.WhatsAppBusinessAccountId = string.IsNullOrWhiteSpace(conversions.WhatsAppBusinessAccountId) ? null : conversions.WhatsAppBusinessAccountId.Trim();
            if (!string.IsNullOrWhiteSpace(conversions.Token))
            {
                account.ConversionsToken = secrets.Protect(conversions.Token.Trim());
            }
        }

        if (before is null)
        {
            await audit.SaveCreatedAsync(db, by, AuditActions.AccountCreated, account, AuditSnapshot.Of, cancellationToken);
            return new(account, null);
        }

        var after = AuditSnapshot.Of(account);
        var action = AuditSnapshot.Compare(before, after)?.Fields is ["accessToken"] or ["conversionsToken"] or ["accessToken", "conversionsToken"]
            ? AuditActions.AccountTokenSet
            : AuditActions.AccountUpdated;
        audit.Add(db, by, action, before, after);
        await db.SaveChangesAsync(cancellationToken);
        return new(account, null);
    }

    /// <summary>Forgets an account's token: its greetings become dry runs. Null when there is no such account.</summary>
    public async Task<BusinessAccount?> RemoveTokenAsync(AuditActor by, long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var account = await db.BusinessAccounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is null)
        {
            return null;
        }

        var before = AuditSnapshot.Of(account);
        account.AccessToken = null;
        audit.Add(db, by, AuditActions.AccountTokenRemoved, before, AuditSnapshot.Of(account));
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    /// <summary>Forgets an account's Conversions API token: its conversions become dry runs. Null when there is no such account.</summary>
    public async Task<BusinessAccount?> RemoveConversionsTokenAsync(AuditActor by, long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var account = await db.BusinessAccounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is null)
        {
            return null;
        }

        var before = AuditSnapshot.Of(account);
        account.ConversionsToken = null;
        audit.Add(db, by, AuditActions.AccountTokenRemoved, before, AuditSnapshot.Of(account));
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    /// <summary>Deletes an account; false when there is none.</summary>
    public async Task<bool> DeleteAsync(AuditActor by, long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var account = await db.BusinessAccounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is null)
        {
            return false;
        }

        db.BusinessAccounts.Remove(account);
        audit.Add(db, by, AuditActions.AccountDeleted, AuditSnapshot.Of(account), null);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
