using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ReferralStudio.Api.OpenApi;

/// <summary>
/// What the document says about itself: its description, the API key's bearer scheme, a description per
/// tag, and servers without the trailing slash the generator writes (clients would join it into "//api").
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Webhooks"] = "Meta's webhook: the subscription handshake and signed deliveries (Instagram, Messenger, WhatsApp).",
        ["Conversations"] = "Conversations with their first and latest referral touch, history and tags.",
        ["Privacy"] = "One participant's data: everything stored about them exported (GDPR Art. 15), or erased (Art. 17).",
        ["Triggers"] = "Ref codes and wildcard patterns with their automations (tags, greeting, outbound events).",
        ["Conversions"] = "Conversions posted back, credited to the first and the last campaign touch.",
        ["Campaigns"] = "Campaign analytics per trigger and per ref code under first-touch or last-touch attribution.",
        ["Greetings"] = "The outbox of greeting messages sent through Meta's Send API.",
        ["Outbound webhooks"] = "Subscriptions to signed Standard Webhooks events and the log of their deliveries.",
        ["Inbound webhooks"] = "The deliveries Meta made to this app, and the replay of one whose processing failed.",
        ["Links"] = "ig.me, m.me and wa.me links for a ref code, and print-ready QR codes.",
        ["Trackable links"] = "Short /go/ links on this app's public address that redirect to a code's link, can be re-pointed after printing, and count scans.",
        ["Alerts"] = "Silence alerts: accounts that usually hear from Meta and went quiet, with the likely causes (also sent as system.alert).",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info ??= new OpenApiInfo();
        document.Info.Title = "ReferralStudio";
        document.Info.Description =
            "Referral attribution for Instagram, Messenger and WhatsApp conversations. Every /api operation needs the API key as "
            + "'Authorization: Bearer <Api:Key>'; errors are RFC 9457 problem details, and invalid input names each field in 'errors'.";
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The API key (configuration Api:Key) as a bearer token.",
        };
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description = tag.Name is null ? null : TagDescriptions.GetValueOrDefault(tag.Name);
        }

        return Task.CompletedTask;
    }
}
