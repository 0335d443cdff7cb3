using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi.Models;

namespace ReferralStudio.Api.OpenApi;

/// <summary>
/// Works around Microsoft.AspNetCore.OpenApi 9: when a type appears twice in one schema (a report's
/// <c>byTrigger</c> and <c>byRef</c>), System.Text.Json writes the second as a pointer to the first
/// (<c>#/properties/byTrigger/items</c>) and the generator drops the pointer, leaving an empty schema. This
/// puts the schema pointed at in its place, before repeated schemas become components. Version 10 resolves
/// these pointers itself: delete this transformer with the move.
/// </summary>
internal sealed class RelativeSchemaReferenceTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations.Values))
        {
            var bodies = (operation.RequestBody?.Content.Values ?? []).Concat(operation.Responses.Values.SelectMany(r => r.Content.Values));
            foreach (var body in bodies.Where(b => b.Schema is not null))
            {
                ResolveChildren(body.Schema, body.Schema, "#");
            }
        }

        return Task.CompletedTask;
    }

    private static void ResolveChildren(OpenApiSchema root, OpenApiSchema schema, string path)
    {
        if (schema.Items is { } items)
        {
            schema.Items = Resolve(root, items, path + "/items");
        }

        if (schema.AdditionalProperties is { } additional)
        {
            schema.AdditionalProperties = Resolve(root, additional, path + "/additionalProperties");
        }

        foreach (var (name, property) in schema.Properties.ToList())
        {
            schema.Properties[name] = Resolve(root, property, $"{path}/properties/{name}");
        }
    }

    private static OpenApiSchema Resolve(OpenApiSchema root, OpenApiSchema schema, string path)
    {
        // A pointer to an ancestor is a recursive type, which the generator handles; copying it would never end.
        if (schema.Reference?.Id is { } pointer && pointer.StartsWith("#/", StringComparison.Ordinal)
            && !path.StartsWith(pointer + "/", StringComparison.Ordinal) && Find(root, pointer) is { } target)
        {
            return new OpenApiSchema(target) { Nullable = schema.Nullable };
        }

        ResolveChildren(root, schema, path);
        return schema;
    }

    private static OpenApiSchema? Find(OpenApiSchema root, string pointer)
    {
        var segments = new Queue<string>(pointer[2..].Split('/'));
        OpenApiSchema? current = root;
        while (current is not null && segments.TryDequeue(out var segment))
        {
            current = segment switch
            {
                "items" => current.Items,
                "additionalProperties" => current.AdditionalProperties,
                "properties" when segments.TryDequeue(out var name) => current.Properties.TryGetValue(name, out var property) ? property : null,
                _ => null,
            };
        }

        return current;
    }
}
