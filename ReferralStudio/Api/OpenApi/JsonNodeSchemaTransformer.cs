using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ReferralStudio.Referrals;

namespace ReferralStudio.Api.OpenApi;

/// <summary>
/// Raw JSON carried through as is (Meta's nested objects, such as a referral's ads context) is a JSON object
/// with any properties; the generator would describe it as an untyped schema. So is raw JSON text written by
/// <see cref="RawJsonConverter"/>, which is written only when present.
/// </summary>
internal sealed class JsonNodeSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var underlying = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type);
        var type = underlying ?? context.JsonTypeInfo.Type;
        if (type == typeof(JsonElement) || type == typeof(JsonNode) || type == typeof(JsonObject)
            || context.JsonPropertyInfo?.CustomConverter is RawJsonConverter)
        {
            // The generator adds a nullable property's null itself (oneOf null and the component), so the component is an object only.
            schema.Type = JsonSchemaType.Object;
            schema.AdditionalPropertiesAllowed = true;
        }

        return Task.CompletedTask;
    }
}
