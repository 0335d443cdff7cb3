using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using ReferralStudio.Api;

namespace ReferralStudio.Audit;

/// <summary>Who made a change: a signed-in user (email and id), an API key (its name), or the app itself.</summary>
public sealed record AuditActor(string Kind, string? Id, string Name)
{
    public const string UserKind = "user";
    public const string ApiKeyKind = "api key";
    public const string SystemKind = "system";

    public static AuditActor System { get; } = new(SystemKind, null, "system");

    /// <summary>A key by its name; <paramref name="id"/> is the dashboard-made key's (none for the configured key).</summary>
    public static AuditActor ApiKey(string name, string? id = null) => new(ApiKeyKind, id, name);

    public static AuditActor User(string email, string? id) => new(UserKind, id, email);

    /// <summary>
    /// The cookie's principal (email in Name, id in NameIdentifier) or the API key's (its name in Name). Nobody signed
    /// in is the app itself: every route that changes something requires a principal, so only the app's own work is left.
    /// </summary>
    public static AuditActor From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not { IsAuthenticated: true } identity)
        {
            return System;
        }

        var name = principal.FindFirstValue(ClaimTypes.Name) ?? "(unnamed)";
        return identity.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName
            ? ApiKey(name, principal.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim))
            : User(name, principal.FindFirstValue(ClaimTypes.NameIdentifier));
    }
}

/// <summary>The actor of the current request or circuit, for services that record changes.</summary>
public interface IAuditActor
{
    Task<AuditActor> CurrentAsync();
}

/// <summary>
/// Scoped: an HTTP request's scope reads <see cref="HttpContext.User"/>; a Blazor circuit's scope (which lives as long
/// as the circuit, and has no HttpContext once it is interactive) reads the <see cref="AuthenticationStateProvider"/>.
/// </summary>
internal sealed class CurrentAuditActor(IServiceProvider services) : IAuditActor
{
    /// <summary>Set by <see cref="AuditCircuitHandler"/> when this scope is a circuit's.</summary>
    public bool InCircuit { get; set; }

    public async Task<AuditActor> CurrentAsync()
    {
        if (!InCircuit && services.GetService<IHttpContextAccessor>()?.HttpContext is { } http)
        {
            return AuditActor.From(http.User);
        }

        if (services.GetService<AuthenticationStateProvider>() is not { } authentication)
        {
            return AuditActor.System;
        }

        try
        {
            return AuditActor.From((await authentication.GetAuthenticationStateAsync()).User);
        }
        catch (InvalidOperationException)
        {
            // The server's provider was never given a state: a scope that is neither a request nor a circuit, the app's own.
            return AuditActor.System;
        }
    }
}

/// <summary>Marks a circuit's scope, so its actor comes from the authentication state even where an HttpContext lingers.</summary>
internal sealed class AuditCircuitHandler(CurrentAuditActor actor) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        actor.InCircuit = true;
        return Task.CompletedTask;
    }
}
