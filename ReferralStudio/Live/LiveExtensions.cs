using Microsoft.AspNetCore.Identity;
using ReferralStudio.Api;
using ReferralStudio.Auth;
using ReferralStudio.Hosting;
using StackExchange.Redis;

namespace ReferralStudio.Live;

public static class LiveExtensions
{
    public const string PolicyName = "Live";
    private const string SchemeName = "LiveCookieOrApiKey";

    /// <summary>The hub's own API-key scheme: the header, or <c>?access_token=</c> on the hub's paths only.</summary>
    public const string ApiKeySchemeName = "LiveApiKey";

    /// <summary>The category of ASP.NET Core's "Request starting" and "Request finished" lines, which carry the query string.</summary>
    public const string RequestLineCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The paths SignalR maps for the hub (negotiate, then the transports' own requests).</summary>
    private static readonly PathString[] HubPaths = [AttributionHub.Path, AttributionHub.Path + "/negotiate"];

    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BackplaneOptions>().BindConfiguration(BackplaneOptions.Section).ValidateRules(o => o.Rules());
        var signalR = builder.Services.AddSignalR();
        // Decided here, from the configuration as the app starts; the value itself is parsed only once the rules
        // above have accepted it (a malformed one refuses to start with its key named, before the hub is built).
        var backplane = builder.Configuration.GetSection(BackplaneOptions.Section).Get<BackplaneOptions>() ?? new();
        if (backplane.Enabled)
        {
            // Through Redis, Clients.All reaches the boards of every instance: the broadcaster's sends need no change.
            // Connecting happens in the background and reconnects by itself: webhooks never wait for Redis.
            signalR.AddStackExchangeRedis(o =>
            {
                o.Configuration = backplane.Parse();
                o.Configuration.ChannelPrefix = RedisChannel.Literal(backplane.ChannelPrefix);
            });
        }

        builder.Services.AddSingleton<AttributionFeed>();
        builder.Services.AddHostedService<AttributionBroadcaster>();
        // The board signs in with the dashboard cookie; other subscribers send the API key instead, as a header
        // or, from a browser (no headers on WebSockets or EventSource), as SignalR's ?access_token=.
        builder.Services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeySchemeName, o => o.QueryTokenPaths = HubPaths)
            .AddPolicyScheme(SchemeName, "Cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 || HasQueryToken(context.Request)
                    ? ApiKeySchemeName
                    : IdentityConstants.ApplicationScheme);
        // An API key, or a dashboard user with any role (every role reads the board).
        builder.Services.AddAuthorizationBuilder().AddPolicy(PolicyName, p => p
            .AddAuthenticationSchemes(SchemeName)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.Identities.Any(i => i.AuthenticationType == ApiKeySchemeName)
                || StudioRoles.Allows(context.User, StudioRoles.Policies.Read)));
        builder.Services.PostConfigure<LoggerFilterOptions>(HoldRequestLinesAtWarning);
        return builder;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<AttributionHub>(AttributionHub.Path);
        return app;
    }

    private static bool HasQueryToken(HttpRequest request) =>
        HubPaths.Contains(request.Path) && request.Query.ContainsKey(ApiKeyAuthenticationHandler.AccessTokenParameter);

    /// <summary>
    /// Hosting logs every request's URL with its query string at Information, and a browser's hub URL carries
    /// the API key. Held at Warning for every provider, after configuration is applied, so no LogLevel setting
    /// (Default, Microsoft.AspNetCore, a provider's own section) can bring the key into the logs.
    /// </summary>
    private static void HoldRequestLinesAtWarning(LoggerFilterOptions options)
    {
        // The most specific rule wins and, among equals, the last: one per provider named in the rules, and one for all.
        var providers = options.Rules.Select(r => r.ProviderName).Where(p => p is not null).Distinct().ToList();
        options.Rules.Add(new LoggerFilterRule(null, RequestLineCategory, LogLevel.Warning, null));
        foreach (var provider in providers)
        {
            options.Rules.Add(new LoggerFilterRule(provider, RequestLineCategory, LogLevel.Warning, null));
        }
    }
}
