using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ReferralStudio.Api.OpenApi;

/// <summary>
/// A request property marked [Required] must be sent with a value: it is not nullable and has no default. Its
/// C# type stays nullable because the server reads whatever arrives and names a missing field in its 400.
/// </summary>
internal sealed class RequiredPropertySchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo?.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: false) == true)
        {
            schema.Type &= ~JsonSchemaType.Null;
            schema.Default = null;
        }

        return Task.CompletedTask;
    }
}
