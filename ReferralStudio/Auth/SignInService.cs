using System.Net;
using Microsoft.AspNetCore.Identity;
using ReferralStudio.Security;

namespace ReferralStudio.Auth;

public enum SignInOutcome
{
    Success,
    WrongCredentials,
    /// <summary>Too many recent failures for this email or from this client: try again after the wait.</summary>
    Throttled,
    /// <summary>The password was right, but an Owner or Admin has disabled the account.</summary>
    Disabled,
    /// <summary>The password was right and the user has two-step sign-in: no session until a code (<see cref="SignInService.CheckSecondStepAsync"/>).</summary>
    SecondStepNeeded,
    /// <summary>The second step's ticket no longer fits the user (their two-step sign-in was reset, they were removed): sign in again.</summary>
    StartAgain,
}

public sealed record SignInCheck(SignInOutcome Outcome, StudioUser? User = null, TimeSpan RetryAfter = default);

/// <summary>
/// Checks a password under <see cref="SignInThrottle"/>; the caller issues the cookie. Known and unknown emails get the
/// same answers after the same work: a missing user still costs a password hash.
/// </summary>
/// <remarks>
/// With two-step sign-in the password alone forgives nothing: failures are forgiven only once the code is right too,
/// so a stolen password does not reset the count of guessed codes. Wrong codes count like wrong passwords, under the
/// same client-and-email, client and email counters.
/// </remarks>
public sealed class SignInService(UserManager<StudioUser> users, SignInThrottle throttle, TwoStep twoStep, TimeProvider time)
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

        if (user.TwoFactorEnabled)
        {
            return await users.IsLockedOutAsync(user) ? new(SignInOutcome.Disabled) : new(SignInOutcome.SecondStepNeeded, user);
        }

        return await SucceededAsync(user, attempt);
    }

    /// <summary>
    /// The second step: <paramref name="code"/> (an authenticator code or a recovery code) for the user who passed the
    /// password with security stamp <paramref name="stamp"/>. Counted under the throttle before it is checked.
    /// </summary>
    public async Task<SignInCheck> CheckSecondStepAsync(long userId, string stamp, string? code, IPAddress? client)
    {
        var user = await users.FindByIdAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (user is null || !user.TwoFactorEnabled || !Secrets.FixedTimeEquals(stamp, user.SecurityStamp ?? ""))
        {
            return new(SignInOutcome.StartAgain);
        }

        var attempt = SignInThrottle.For(user.Email ?? "", client);
        var wait = throttle.TryBegin(attempt);
        if (wait > TimeSpan.Zero)
        {
            return new(SignInOutcome.Throttled, RetryAfter: wait);
        }

        if (await twoStep.VerifyAsync(users, user, code) == SecondStepMatch.Wrong)
        {
            return new(SignInOutcome.WrongCredentials);
        }

        return await SucceededAsync(user, attempt);
    }

    /// <summary>The last step passed: the failures are forgiven, and a disabled account is still refused.</summary>
    private async Task<SignInCheck> SucceededAsync(StudioUser user, SignInThrottle.Attempt attempt)
    {
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
