using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using ReferralStudio.Security;

namespace ReferralStudio.Api;

/// <summary>Options of an API-key scheme: <c>/api</c> takes the header only; the live hub also takes the query.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>
    /// Paths on which the key may come as <c>?access_token=</c> instead of the header: browsers cannot set
    /// headers on WebSockets or Server-Sent Events. Empty (the default): the query string is never read.
    /// </summary>
    public IReadOnlyList<PathString> QueryTokenPaths { get; set; } = [];
}

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>, or <c>?access_token=&lt;key&gt;</c> on the scheme's
/// <see cref="ApiKeyAuthenticationOptions.QueryTokenPaths"/>, where the key is the configured <c>Api:Key</c> (scope
/// admin) or an active key made in the dashboard (<see cref="ApiKeys"/>); answers 401 ProblemDetails otherwise.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<ApiOptions> apiOptions,
    ApiKeys keys,
    IProblemDetailsService problems) : AuthenticationHandler<ApiKeyAuthenticationOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string PolicyName = "Api";

    /// <summary>The claim holding the id of the dashboard-made key (none for the configured key).</summary>
    public const string KeyIdClaim = "api_key_id";

    /// <summary>The configured key's name in the audit log; it has every scope, to set the first keys up.</summary>
    public const string BootstrapName = "api";

    /// <summary>The query parameter SignalR's JavaScript client puts the token in.</summary>
    public const string AccessTokenParameter = "access_token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented;
        var header = Request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            const string bearer = "Bearer ";
            presented = header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? header[bearer.Length..].Trim() : null;
        }
        else if (AcceptsQueryToken && Request.Query.TryGetValue(AccessTokenParameter, out var token))
        {
            // Exactly one value: "?access_token=a&access_token=b" is no key.
            presented = token.Count == 1 ? token[0] : null;
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        if (presented is null)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var bootstrap = apiOptions.Value.Key;
        if (bootstrap.Length > 0 && Secrets.FixedTimeEquals(presented, bootstrap))
        {
            return Success(new Claim(ClaimTypes.Name, BootstrapName), new Claim(ApiScopes.ClaimType, ApiScopes.Admin));
        }

        // The lookup is by SHA-256 of what was presented: timing tells an attacker about hashes, not about keys.
        if (!presented.StartsWith(ApiKeys.KeyPrefix, StringComparison.Ordinal) || await keys.FindAsync(presented, Context.RequestAborted) is not { } key)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        await keys.TouchAsync(key.Id, Context.RequestAborted);
        return Success(
            new Claim(ClaimTypes.Name, key.Name),
            new Claim(ApiScopes.ClaimType, key.Scope),
            new Claim(KeyIdClaim, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private AuthenticateResult Success(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));

    private bool AcceptsQueryToken => Options.QueryTokenPaths.Contains(Request.Path);

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        // Try: a client accepting only something else (an EventSource asks for text/event-stream) gets the bare 401.
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "API key required",
                Detail = AcceptsQueryToken
                    ? $"Send 'Authorization: Bearer <API key>' or '?{AccessTokenParameter}=<API key>'."
                    : "Send 'Authorization: Bearer <API key>'.",
                Extensions = { ["field"] = "Authorization" },
            },
        });
    }

    /// <summary>A valid key whose scope does not cover the call (<see cref="ApiScopeRequirement"/>): which scope it needs.</summary>
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var needed = ApiScopes.Required(Request.Method, Request.Path);
        var granted = Context.User.FindFirstValue(ApiScopes.ClaimType) ?? "none";
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "API key scope too narrow",
                Detail = $"This call needs an API key with scope '{needed}'; this key's scope is '{granted}'.",
                Extensions = { ["requiredScope"] = needed },
            },
        });
    }
}

/// <summary>The key's scope covers the request (<see cref="ApiScopes.Required"/>); the policy of <c>/api</c> requires it.</summary>
public sealed class ApiScopeRequirement : AuthorizationHandler<ApiScopeRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiScopeRequirement requirement)
    {
        if (context.Resource is HttpContext http
            && ApiScopes.Allows(context.User.FindFirstValue(ApiScopes.ClaimType), ApiScopes.Required(http.Request.Method, http.Request.Path)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
