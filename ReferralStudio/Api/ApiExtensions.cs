using Microsoft.Extensions.Options;
using ReferralStudio.Alerts;
using ReferralStudio.Api.OpenApi;
using ReferralStudio.Conversions;
using ReferralStudio.Hosting;
using ReferralStudio.Links;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound;
using ReferralStudio.Privacy;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks;

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
            .ValidateRules(o => [DevelopmentSecrets.Refuse(builder.Environment, $"{ApiOptions.Section}:Key", o.Key)]);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<ApiKeys>();
        builder.Services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthenticationHandler.PolicyName, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .AddRequirements(new ApiScopeRequirement()));
        builder.Services.AddOpenApi(options => options
            .AddDocumentTransformer<ApiDocumentTransformer>()
            .AddOperationTransformer<SecurityRequirementTransformer>()
            .AddOperationTransformer<RetryAfterHeaderTransformer>()
            .AddOperationTransformer<MetaWebhookBodyTransformer>()
            .AddSchemaTransformer<ProblemDetailsSchemaTransformer>()
            .AddSchemaTransformer<RequiredPropertySchemaTransformer>()
            .AddSchemaTransformer<JsonNodeSchemaTransformer>());
        // Campaign analytics (the API and the dashboard) keep the campaign keys in memory, and count scans into their funnel.
        builder.Services.AddSingleton<CampaignCaches>();
        builder.Services.AddSingleton<CampaignScans>();
        return builder;
    }

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .RequireAuthorization(ApiKeyAuthenticationHandler.PolicyName)
            .RequireRateLimiting(RateLimitingExtensions.Api)
            .WithMetadata(BodyLimit.Metadata)
            .AddEndpointFilter(BodyLimit.FilterAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            // A dashboard-made key whose scope does not cover the call (ApiScopes).
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapConversationsApi();
        api.MapPrivacyApi();
        api.MapTriggersApi();
        api.MapConversionsApi();
        api.MapCampaignsApi();
        api.MapOutboundWebhooksApi();
        api.MapInboundDeliveriesApi();
        api.MapOutboxApi();
        api.MapLinksApi();
        api.MapTrackableLinksApi();
        api.MapAlertsApi();
        var document = app.MapOpenApi();
        if (!app.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>().Value.PublicOpenApi)
        {
            // Limited like /api, so that it is no faster oracle for guessing the key.
            document.RequireAuthorization(ApiKeyAuthenticationHandler.PolicyName).RequireRateLimiting(RateLimitingExtensions.Api);
        }

        return app;
    }

    /// <summary>
    /// A JSON request body, read by <see cref="JsonBody{T}"/>. Routing answers 415 to any other content type; a body
    /// over <see cref="BodyLimit.MaxBytes"/> gets the 413 ProblemDetails the whole <c>/api</c> group documents, read no
    /// further than the limit.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder endpoint)
        where T : notnull => endpoint
        .Accepts<T>("application/json")
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
}
