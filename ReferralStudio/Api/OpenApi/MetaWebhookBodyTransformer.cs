using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ReferralStudio.Webhooks;

namespace ReferralStudio.Api.OpenApi;

/// <summary>
/// Describes the body of Meta's POST, which the endpoint reads as raw bytes (the signature covers them) and so
/// cannot declare with Accepts: a JSON object whose <c>object</c> names the product and whose <c>entry</c>
/// holds the events. Any other object is stored and ignored; anything that is not a JSON object gets 400.
/// </summary>
internal sealed class MetaWebhookBodyTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId != WebhookEndpoints.ReceiveEndpointName)
        {
            return Task.CompletedTask;
        }

        var anyObject = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalPropertiesAllowed = true };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        AdditionalPropertiesAllowed = true,
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["object"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "instagram, page or whatsapp_business_account." },
                            ["entry"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = anyObject, Description = "One entry per account, each with its events." },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}
