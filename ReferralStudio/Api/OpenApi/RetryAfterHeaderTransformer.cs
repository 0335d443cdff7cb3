using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ReferralStudio.Api.OpenApi;

/// <summary>Every 429 (see RateLimitingExtensions) carries Retry-After in whole seconds.</summary>
internal sealed class RetryAfterHeaderTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.Responses?.TryGetValue("429", out var response) == true && response is OpenApiResponse tooMany)
        {
            tooMany.Headers ??= new Dictionary<string, IOpenApiHeader>();
            tooMany.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before the next request.",
                Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            };
        }

        return Task.CompletedTask;
    }
}
