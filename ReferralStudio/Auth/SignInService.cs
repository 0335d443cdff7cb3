using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;

namespace ReferralStudio.Auth;

public enum SignInOutcome
{
    Success,
    WrongCredentials,
    LockedOut,
}

/// <summary>Checks a password with lock-out after repeated failures; the caller issues the cookie.</summary>
public sealed class SignInService(
    IDbContextFactory<AppDbContext> contexts,
    IPasswordHasher<DashboardUser> hasher,
    IOptions<AdminOptions> options,
    TimeProvider time)
{
    public async Task<(SignInOutcome Outcome, DashboardUser? User, DateTimeOffset? LockedUntil)> CheckAsync(string email, string password, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.DashboardUsers.SingleOrDefaultAsync(u => u.Email == email.Trim(), cancellationToken);
        var now = time.GetUtcNow();
        if (user is null)
        {
            // Same work as a real check, so response time does not reveal which emails exist.
            hasher.VerifyHashedPassword(new DashboardUser(), DummyHash, password);
            return (SignInOutcome.WrongCredentials, null, null);
        }

        if (user.LockedUntil is { } until && until > now)
        {
            return (SignInOutcome.LockedOut, null, until);
        }

        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            if (user.FailedSignIns >= options.Value.MaxFailedSignIns)
            {
                user.LockedUntil = now + options.Value.LockoutDuration;
                user.FailedSignIns = 0;
                await db.SaveChangesAsync(cancellationToken);
                return (SignInOutcome.LockedOut, null, user.LockedUntil);
            }

            await db.SaveChangesAsync(cancellationToken);
            return (SignInOutcome.WrongCredentials, null, null);
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        user.FailedSignIns = 0;
        user.LockedUntil = null;
        user.LastSignInAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return (SignInOutcome.Success, user, null);
    }

    /// <summary>Creates the configured administrator when no such user exists yet.</summary>
    public async Task EnsureAdminAsync(CancellationToken cancellationToken = default)
    {
        var admin = options.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.DashboardUsers.AnyAsync(u => u.Email == admin.Email.Trim(), cancellationToken))
        {
            return;
        }

        var user = new DashboardUser { Email = admin.Email.Trim(), CreatedAt = time.GetUtcNow() };
        user.PasswordHash = hasher.HashPassword(user, admin.Password);
        db.DashboardUsers.Add(user);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static readonly string DummyHash = new PasswordHasher<DashboardUser>().HashPassword(new DashboardUser(), Guid.NewGuid().ToString());
}
