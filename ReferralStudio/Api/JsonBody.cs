using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ReferralStudio.Api;

/// <summary>
/// A JSON request body whose parse errors name the field (from the JSON path), so a bad body gets the
/// same field-and-reason 400 as any other invalid input instead of a bare "bad request".
/// A body over <see cref="BodyLimit.MaxBytes"/> is not read past the limit: it binds as <see cref="TooLarge"/>, which
/// <see cref="BodyLimit.FilterAsync"/> answers with 413 before the handler runs.
/// </summary>
public sealed class JsonBody<T> : IJsonBody
    where T : class
{
    private static readonly JsonBody<T> Oversized = new(null, "body", null) { TooLarge = true };

    private JsonBody(T? value, string? field, string? error)
    {
        Value = value;
        Field = field;
        Error = error;
    }

    public bool TooLarge { get; private init; }

    public T? Value { get; }

    public string? Field { get; }

    public string? Error { get; }

    public static async ValueTask<JsonBody<T>> BindAsync(HttpContext context)
    {
        if (context.Request.ContentLength > BodyLimit.MaxBytes)
        {
            return Oversized;
        }

        BodyLimit.Apply(context);
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, options, context.RequestAborted);
            return value is null ? new(null, "body", "A JSON object is required.") : new(value, null, null);
        }
        catch (BadHttpRequestException ex) when (BodyLimit.IsTooLarge(ex))
        {
            return Oversized;
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

/// <summary>What <see cref="BodyLimit.FilterAsync"/> needs to know of a bound body, whatever its type.</summary>
public interface IJsonBody
{
    bool TooLarge { get; }
}
