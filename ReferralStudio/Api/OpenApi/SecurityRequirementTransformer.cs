using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi.Models;

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
            var scheme = new OpenApiSecurityScheme
            {
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = ApiKeyAuthenticationHandler.SchemeName },
            };
            requirement[scheme] = [];
        }

        operation.Security = [requirement];
        return Task.CompletedTask;
    }
}
