using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ReferralStudio.Api;

/// <summary>
/// A JSON request body whose parse errors name the field (from the JSON path), so a bad body gets the
/// same field-and-reason 400 as any other invalid input instead of a bare "bad request".
/// </summary>
public sealed class JsonBody<T>
    where T : class
{
    private JsonBody(T? value, string? field, string? error)
    {
        Value = value;
        Field = field;
        Error = error;
    }

    public T? Value { get; }

    public string? Field { get; }

    public string? Error { get; }

    public static async ValueTask<JsonBody<T>> BindAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, options, context.RequestAborted);
            return value is null ? new(null, "body", "A JSON object is required.") : new(value, null, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return new(null, field, $"Not valid here: {FirstSentence(ex.Message)}");
        }
    }

    /// <summary>The 400 for an unreadable body, or null when there is a value to validate.</summary>
    public FieldErrors? Problem()
    {
        if (Value is not null)
        {
            return null;
        }

        var errors = new FieldErrors();
        errors.Add(Field ?? "body", Error ?? "A JSON object is required.");
        return errors;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
