using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
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
/// Authenticates <c>Authorization: Bearer &lt;Api:Key&gt;</c>, or <c>?access_token=&lt;Api:Key&gt;</c> on the
/// scheme's <see cref="ApiKeyAuthenticationOptions.QueryTokenPaths"/>; answers 401 ProblemDetails otherwise.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<ApiOptions> apiOptions,
    IProblemDetailsService problems) : AuthenticationHandler<ApiKeyAuthenticationOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string PolicyName = "Api";

    /// <summary>The query parameter SignalR's JavaScript client puts the token in.</summary>
    public const string AccessTokenParameter = "access_token";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
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
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var key = apiOptions.Value.Key;
        if (presented is null || key.Length == 0 || !Secrets.FixedTimeEquals(presented, key))
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api")], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

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
                    ? $"Send 'Authorization: Bearer <Api:Key>' or '?{AccessTokenParameter}=<Api:Key>'."
                    : "Send 'Authorization: Bearer <Api:Key>'.",
                Extensions = { ["field"] = "Authorization" },
            },
        });
    }
}
