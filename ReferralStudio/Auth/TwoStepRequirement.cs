using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;

namespace ReferralStudio.Auth;

/// <summary>
/// Whether the team requires two-step sign-in (<see cref="TeamSettings.RequireTwoStep"/>), kept in memory: every
/// dashboard request asks. A change made here applies at once; one made by another instance sharing the database is
/// read again after <see cref="RereadAfter"/>.
/// </summary>
public sealed class TwoStepRequirement(IServiceScopeFactory scopes, TimeProvider time)
{
    public static readonly TimeSpan RereadAfter = TimeSpan.FromSeconds(30);

    private sealed record Known(bool Required, DateTimeOffset ReadAt);

    private Known? _known;

    public async ValueTask<bool> IsRequiredAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var known = Volatile.Read(ref _known);
        if (known is not null && now - known.ReadAt < RereadAfter)
        {
            return known.Required;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var required = await db.TeamSettings.AsNoTracking().Where(t => t.Id == TeamSettings.SingleId)
            .Select(t => t.RequireTwoStep).FirstOrDefaultAsync(cancellationToken);
        // A change committed here while this read ran has already replaced what was known: keep that one.
        return Interlocked.CompareExchange(ref _known, new(required, now), known) == known ? required : Volatile.Read(ref _known)!.Required;
    }

    /// <summary>After the change is committed.</summary>
    internal void Set(bool required) => Volatile.Write(ref _known, new(required, time.GetUtcNow()));
}

/// <summary>
/// The principal says whether its user has two-step sign-in on (<see cref="Claim"/>), so the requirement is checked
/// without a query per request. Turning it on or off changes the security stamp, and every session's principal is
/// rebuilt from the user at its next check, so the claim is never older than <see cref="SessionOptions.RecheckEvery"/>.
/// </summary>
public sealed class StudioClaimsFactory(UserManager<StudioUser> users, RoleManager<IdentityRole<long>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StudioUser, IdentityRole<long>>(users, roles, options)
{
    public const string Claim = "rs.two-step";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StudioUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.TwoFactorEnabled)
        {
            identity.AddClaim(new Claim(Claim, "on"));
        }

        return identity;
    }
}

public static class TwoStepGate
{
    /// <summary>Where a member without two-step sign-in sets it up.</summary>
    public const string SetupPath = "/account/password";

    /// <summary>
    /// While the team requires two-step sign-in, a signed-in member without it reaches only the account pages (setting
    /// it up, signing out): every page, download or hub that needs a role sends them to <see cref="SetupPath"/> (a hub
    /// answers 403, it cannot follow a redirect). API keys and anonymous requests pass untouched.
    /// </summary>
    public static IApplicationBuilder UseTwoStepRequirement(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.User.Identity is { IsAuthenticated: true, AuthenticationType: var type } && type == IdentityConstants.ApplicationScheme
                && !context.User.HasClaim(c => c.Type == StudioClaimsFactory.Claim)
                && !context.Request.Path.StartsWithSegments("/account")
                && context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is not null
                && await context.RequestServices.GetRequiredService<TwoStepRequirement>().IsRequiredAsync(context.RequestAborted))
            {
                if (context.Request.Path.StartsWithSegments("/hubs"))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                }
                else
                {
                    context.Response.Redirect(SetupPath);
                }

                return;
            }

            await next(context);
        });
}
