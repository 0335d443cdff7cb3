using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ReferralStudio.Api.OpenApi;

/// <summary>
/// Problem details as IProblemDetailsService writes them: title and status always (type only for statuses it
/// has a default for, so not for 413 or 429), the request's traceId always (an extension, so the generator
/// cannot see it), and <c>field</c> where one header or field alone is at fault (401, 409, 413).
/// </summary>
internal sealed class ProblemDetailsSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is not null || !typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type))
        {
            return Task.CompletedTask;
        }

        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Required ??= new HashSet<string>();
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Identifies the request in the server's logs." };
        if (context.JsonTypeInfo.Type == typeof(ProblemDetails))
        {
            schema.Properties["field"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The header or field at fault." };
        }

        foreach (var name in new[] { "title", "status", "traceId" })
        {
            schema.Required.Add(name);
            if (schema.Properties[name] is OpenApiSchema property)
            {
                property.Type &= ~JsonSchemaType.Null;
            }
        }

        return Task.CompletedTask;
    }
}
