using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Security;
using ReferralStudio.Webhooks.Inbox;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Webhooks;

public static partial class WebhookEndpoints
{
    public const string Path = "/webhooks/meta";
    public const string SignatureHeader = "X-Hub-Signature-256";

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("Webhooks").RequireRateLimiting(RateLimitingExtensions.Webhooks);
        group.MapGet("", VerifySubscription).WithName("VerifyMetaSubscription");
        group.MapPost("", ReceiveAsync).WithName("ReceiveMetaWebhook").DisableAntiforgery();
        return app;
    }

    /// <summary>Meta's subscription handshake: echo the challenge when the verify token matches.</summary>
    internal static Results<ContentHttpResult, ProblemHttpResult> VerifySubscription(
        HttpRequest request, IOptions<MetaOptions> options)
    {
        var mode = request.Query["hub.mode"].ToString();
        var token = request.Query["hub.verify_token"].ToString();
        var challenge = request.Query["hub.challenge"].ToString();
        var expected = options.Value.VerifyToken;
        var tokenMatches = expected.Length > 0 && Secrets.FixedTimeEquals(token, expected);
        if (mode != "subscribe" || !tokenMatches || challenge.Length == 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Subscription refused",
                detail: "hub.mode must be 'subscribe' and hub.verify_token must match Meta:VerifyToken.");
        }

        return TypedResults.Text(challenge, "text/plain");
    }

    internal static async Task<IResult> ReceiveAsync(
        HttpContext context,
        IOptions<MetaOptions> options,
        MetaSigningKey signingKey,
        InboxWriter inbox,
        TimeProvider time,
        ILogger<InboxWriter> logger)
    {
        var settings = options.Value;
        var request = context.Request;
        if (request.ContentLength > settings.MaxBodyBytes)
        {
            return TooLarge(settings.MaxBodyBytes);
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = settings.MaxBodyBytes;
        }

        var body = await ReadBodyAsync(request, settings.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return TooLarge(settings.MaxBodyBytes);
        }

        var signature = MetaSignature.Verify(body, request.Headers[SignatureHeader], signingKey.Bytes);
        if (signature != SignatureCheck.Valid)
        {
            LogSignatureRefused(logger, signature);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Signature refused",
                detail: signature switch
                {
                    SignatureCheck.Missing => $"The {SignatureHeader} header is missing.",
                    SignatureCheck.Malformed => $"The {SignatureHeader} header must be 'sha256=' followed by 64 hex digits.",
                    _ => $"The {SignatureHeader} header does not match the body signed with Meta:AppSecret.",
                },
                extensions: new Dictionary<string, object?> { ["field"] = SignatureHeader });
        }

        var envelope = JsonEnvelope.Inspect(body, settings.MaxJsonDepth);
        var receivedAt = time.GetUtcNow();
        var item = envelope switch
        {
            { IsValid: false } => new InboxItem(body, DeliveryStatus.Rejected, null, envelope.Error, receivedAt),
            _ when MetaPayloadParser.PlatformOf(envelope.ObjectType) is null =>
                new InboxItem(body, DeliveryStatus.Ignored, envelope.ObjectType, $"object '{envelope.ObjectType}' is not handled", receivedAt),
            _ => new InboxItem(body, DeliveryStatus.Pending, envelope.ObjectType, null, receivedAt, envelope.Simulated),
        };

        try
        {
            await inbox.StoreAsync(item, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Delivery not stored",
                detail: "The delivery could not be committed; it was not accepted, retry later.");
        }

        if (!envelope.IsValid)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed webhook body",
                detail: envelope.Error,
                extensions: new Dictionary<string, object?> { ["field"] = "body" });
        }

        return TypedResults.Ok();
    }

    private static ProblemHttpResult TooLarge(int limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Body too large",
        detail: $"Webhook bodies are limited to {limit} bytes (Meta:MaxBodyBytes).",
        extensions: new Dictionary<string, object?> { ["field"] = "body" });

    /// <summary>Reads the whole body into one exact-size array; null when it exceeds <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        try
        {
            if (request.ContentLength is { } length)
            {
                var exact = new byte[length];
                await request.Body.ReadExactlyAsync(exact, cancellationToken);
                return exact;
            }

            // Chunked: grow a pooled buffer, refusing as soon as the limit is crossed.
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            var total = 0;
            try
            {
                while (true)
                {
                    if (total == buffer.Length)
                    {
                        if (buffer.Length > limit)
                        {
                            return null;
                        }

                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                        buffer.AsSpan(0, total).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    var read = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                    if (total > limit)
                    {
                        return null;
                    }
                }

                return buffer.AsSpan(0, total).ToArray();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a webhook delivery: signature {Result}")]
    private static partial void LogSignatureRefused(ILogger logger, SignatureCheck result);
}
