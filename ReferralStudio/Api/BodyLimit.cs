using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace ReferralStudio.Api;

/// <summary>
/// The size limit of every <c>/api</c> request body, enforced before the body is read (Kestrel stops reading at the
/// limit, with or without Content-Length) and answered with a 413 ProblemDetails that says the limit.
/// </summary>
public static class BodyLimit
{
    /// <summary>The most an <c>/api</c> JSON body may be; the largest valid one (a trigger with every list full) is far smaller.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Endpoint metadata: routing sets the limit for the whole request, so even a 401 or 415 stops reading there.</summary>
    public static readonly IRequestSizeLimitMetadata Metadata = new Limit();

    /// <summary>
    /// Refuses a declared length over the limit, a JSON body that crossed it while being read, and, on endpoints that
    /// take no body, a chunked one that crosses it (read and dropped, so it cannot run past the limit either).
    /// </summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.ContentLength > MaxBytes)
        {
            return TooLarge();
        }

        var json = context.Arguments.OfType<IJsonBody>().FirstOrDefault();
        if (json is { TooLarge: true } || (json is null && !await DrainAsync(http)))
        {
            return TooLarge();
        }

        return await next(context);
    }

    /// <summary>Lowers Kestrel's limit for this request to <see cref="MaxBytes"/> (unless reading has begun, when it is fixed).</summary>
    public static void Apply(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = MaxBytes;
        }
    }

    public static bool IsTooLarge(BadHttpRequestException ex) => ex.StatusCode == StatusCodes.Status413PayloadTooLarge;

    public static ProblemHttpResult TooLarge() => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Body too large",
        detail: $"API request bodies are limited to {MaxBytes} bytes ({MaxBytes / 1024} KB).",
        extensions: new Dictionary<string, object?> { ["field"] = "body" });

    private static async Task<bool> DrainAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return true;
        }

        Apply(context);
        try
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            return true;
        }
        catch (BadHttpRequestException ex) when (IsTooLarge(ex))
        {
            return false;
        }
    }

    private sealed class Limit : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => MaxBytes;
    }
}
