using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Inbox;
using ReferralStudio.Operations;
using ReferralStudio.Security;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Webhooks;

public static partial class WebhookEndpoints
{
    public const string Path = "/webhooks/meta";
    public const string SignatureHeader = "X-Hub-Signature-256";
    public const string ReceiveEndpointName = "ReceiveMetaWebhook";

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("Webhooks").RequireRateLimiting(RateLimitingExtensions.Webhooks);
        group.MapGet("", VerifySubscription).WithName("VerifyMetaSubscription")
            .WithSummary("Meta's subscription handshake: echoes hub.challenge when the verify token matches")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        // No Accepts<T>(): routing would then refuse bodies without a JSON content type (415), and the
        // signature, not the content type, decides. The body is described in MetaWebhookBodyTransformer.
        group.MapPost("", ReceiveAsync).WithName(ReceiveEndpointName).DisableAntiforgery()
            .WithSummary("Receive a signed delivery from Meta; 200 once it is stored durably")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>Meta's subscription handshake: echo the challenge when the verify token matches.</summary>
    /// <remarks>[Required] here only documents the parameters: the checks themselves answer 403 (or 401) without them.</remarks>
    internal static Results<ContentHttpResult, ProblemHttpResult> VerifySubscription(
        [FromQuery(Name = "hub.mode"), Required, Description("Always 'subscribe'.")] string? mode,
        [FromQuery(Name = "hub.verify_token"), Required, Description("The verify token typed into Meta's webhook settings (Meta:VerifyToken).")] string? token,
        [FromQuery(Name = "hub.challenge"), Required, Description("Echoed back as the body when the token matches.")] string? challenge,
        IOptions<MetaOptions> options)
    {
        var expected = options.Value.VerifyToken;
        var tokenMatches = expected.Length > 0 && Secrets.FixedTimeEquals(token, expected);
        if (mode != "subscribe" || !tokenMatches || string.IsNullOrEmpty(challenge))
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
        [FromHeader(Name = SignatureHeader), Required, Description("'sha256=' and the hex HMAC-SHA256 of the raw body, keyed with the app secret (Meta:AppSecret).")] string? signature,
        IOptions<MetaOptions> options,
        MetaSigningKey signingKey,
        InboxWriter inbox,
        TimeProvider time,
        StudioMetrics metrics,
        ILogger<InboxWriter> logger)
    {
        // A latency, not a date: the monotonic clock, whatever TimeProvider the app runs on.
        var started = Stopwatch.GetTimestamp();
        var settings = options.Value;
        var request = context.Request;
        if (request.ContentLength > settings.MaxBodyBytes)
        {
            metrics.Refused(StudioMetrics.RefusalReason.TooLarge);
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
            metrics.Refused(StudioMetrics.RefusalReason.TooLarge);
            return TooLarge(settings.MaxBodyBytes);
        }

        var check = MetaSignature.Verify(body, signature, signingKey.Bytes);
        if (check != SignatureCheck.Valid)
        {
            LogSignatureRefused(logger, check);
            metrics.Refused(check switch
            {
                SignatureCheck.Missing => StudioMetrics.RefusalReason.SignatureMissing,
                SignatureCheck.Malformed => StudioMetrics.RefusalReason.SignatureMalformed,
                _ => StudioMetrics.RefusalReason.SignatureMismatch,
            });
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Signature refused",
                detail: check switch
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
            metrics.Refused(StudioMetrics.RefusalReason.NotStored);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Delivery not stored",
                detail: "The delivery could not be committed; it was not accepted, retry later.");
        }

        if (!envelope.IsValid)
        {
            metrics.Refused(StudioMetrics.RefusalReason.MalformedBody);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed webhook body",
                detail: envelope.Error,
                extensions: new Dictionary<string, object?> { ["field"] = "body" });
        }

        metrics.Received();
        metrics.Acknowledged(started);
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
