using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ReferralStudio.Api.OpenApi;

/// <summary>
/// Operations behind the API key policy require the bearer scheme; every other operation states that it needs
/// none (an empty requirement), as Meta's webhook is authenticated by its signature header instead.
/// </summary>
internal sealed class SecurityRequirementTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var requirement = new OpenApiSecurityRequirement();
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any(a => a.Policy == ApiKeyAuthenticationHandler.PolicyName))
        {
            requirement[new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [];
        }

        operation.Security = [requirement];
        return Task.CompletedTask;
    }
}
