using Microsoft.AspNetCore.Authentication.Cookies;
using ReferralStudio.Api;

namespace ReferralStudio.Live;

public static class LiveExtensions
{
    public const string PolicyName = "Live";
    private const string SchemeName = "LiveCookieOrApiKey";

    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<AttributionFeed>();
        builder.Services.AddHostedService<AttributionBroadcaster>();
        // The board signs in with the dashboard cookie; other subscribers may send the API key instead.
        builder.Services.AddAuthentication().AddPolicyScheme(SchemeName, "Cookie or API key", o =>
            o.ForwardDefaultSelector = context => context.Request.Headers.Authorization.Count > 0
                ? ApiKeyAuthenticationHandler.SchemeName
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
}
