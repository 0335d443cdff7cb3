using Microsoft.AspNetCore.Authentication.Cookies;
using ReferralStudio.Api;

namespace ReferralStudio.Live;

public static class LiveExtensions
{
    public const string PolicyName = "Live";
    private const string SchemeName = "LiveCookieOrApiKey";

    /// <summary>The hub's own API-key scheme: the header, or <c>?access_token=</c> on the hub's paths only.</summary>
    public const string ApiKeySchemeName = "LiveApiKey";

    /// <summary>The paths SignalR maps for the hub (negotiate, then the transports' own requests).</summary>
    private static readonly PathString[] HubPaths = [AttributionHub.Path, AttributionHub.Path + "/negotiate"];

    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<AttributionFeed>();
        builder.Services.AddHostedService<AttributionBroadcaster>();
        // The board signs in with the dashboard cookie; other subscribers send the API key instead, as a header
        // or, from a browser (no headers on WebSockets or EventSource), as SignalR's ?access_token=.
        builder.Services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeySchemeName, o => o.QueryTokenPaths = HubPaths)
            .AddPolicyScheme(SchemeName, "Cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 || HasQueryToken(context.Request)
                    ? ApiKeySchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme);
        builder.Services.AddAuthorizationBuilder().AddPolicy(PolicyName, p => p
            .AddAuthenticationSchemes(SchemeName)
            .RequireAuthenticatedUser());
        return builder;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<AttributionHub>(AttributionHub.Path);
        return app;
    }

    private static bool HasQueryToken(HttpRequest request) =>
        HubPaths.Contains(request.Path) && request.Query.ContainsKey(ApiKeyAuthenticationHandler.AccessTokenParameter);
}
