using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ReferralStudio.Auth;

/// <summary>
/// An open dashboard (a circuit) checks its user like the cookie does: a changed security stamp (signed out
/// everywhere, a new password or role), a disabled account or a newly required two-step sign-in the member lacks signs the circuit out within
/// <see cref="SessionOptions.RecheckEvery"/>, and its pages send the browser to the sign-in page.
/// </summary>
internal sealed class RevalidatingStudioAuthenticationState(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identity,
    IOptions<SessionOptions> sessions) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => sessions.Value.RecheckEvery;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        // A short-lived scope per check: the circuit's own scope would keep one DbContext for hours.
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return false;
        }

        // An Owner has just required two-step sign-in: an open dashboard of a member without it ends too (the gate
        // then sends them to set it up).
        if (!state.User.HasClaim(c => c.Type == StudioClaimsFactory.Claim)
            && await scope.ServiceProvider.GetRequiredService<TwoStepRequirement>().IsRequiredAsync(cancellationToken))
        {
            return false;
        }

        var stamp = state.User.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp is not null && stamp == await users.GetSecurityStampAsync(user);
    }
}
