using System.Net;
using Microsoft.AspNetCore.Identity;

namespace ReferralStudio.Auth;

public enum SignInOutcome
{
    Success,
    WrongCredentials,
    /// <summary>Too many recent failures for this email or from this client: try again after the wait.</summary>
    Throttled,
    /// <summary>The password was right, but an Owner or Admin has disabled the account.</summary>
    Disabled,
}

public sealed record SignInCheck(SignInOutcome Outcome, StudioUser? User = null, TimeSpan RetryAfter = default);

/// <summary>
/// Checks a password under <see cref="SignInThrottle"/>; the caller issues the cookie. Known and unknown emails get the
/// same answers after the same work: a missing user still costs a password hash.
/// </summary>
public sealed class SignInService(UserManager<StudioUser> users, SignInThrottle throttle, TimeProvider time)
{
    public async Task<SignInCheck> CheckAsync(string email, string password, IPAddress? client)
    {
        var attempt = SignInThrottle.For(email, client);
        var wait = throttle.TryBegin(attempt);
        if (wait > TimeSpan.Zero)
        {
            return new(SignInOutcome.Throttled, RetryAfter: wait);
        }

        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(new StudioUser(), DummyHash, password);
            return new(SignInOutcome.WrongCredentials);
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            return new(SignInOutcome.WrongCredentials);
        }

        throttle.Succeeded(attempt);
        if (await users.IsLockedOutAsync(user))
        {
            return new(SignInOutcome.Disabled);
        }

        user.LastSignInAt = time.GetUtcNow();
        await users.UpdateAsync(user);
        return new(SignInOutcome.Success, user);
    }

    private static readonly string DummyHash = new PasswordHasher<StudioUser>().HashPassword(new StudioUser(), Guid.NewGuid().ToString());
}
