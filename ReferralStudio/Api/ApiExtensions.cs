using ReferralStudio.Conversions;
using ReferralStudio.Hosting;
using ReferralStudio.Links;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;

namespace ReferralStudio.Api;

public static class ApiExtensions
{
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.Section)
            .Validate(
                o => builder.Environment.IsDevelopment() || !string.IsNullOrWhiteSpace(o.Key),
                "Api:Key is required outside Development (set it in configuration or the Api__Key environment variable).")
            .ValidateOnStart();
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthenticationHandler.PolicyName, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        builder.Services.AddOpenApi();
        // Campaign analytics (the API and the dashboard) keep the campaign keys in memory.
        builder.Services.AddSingleton<CampaignKeyCache>();
        return builder;
    }

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .RequireAuthorization(ApiKeyAuthenticationHandler.PolicyName)
            .RequireRateLimiting(RateLimitingExtensions.Api);
        api.MapConversationsApi();
        api.MapTriggersApi();
        api.MapConversionsApi();
        api.MapCampaignsApi();
        api.MapOutboundWebhooksApi();
        api.MapOutboxApi();
        api.MapLinksApi();
        app.MapOpenApi();
        return app;
    }
}
