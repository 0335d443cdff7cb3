using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Api;
using ReferralStudio.Audit;
using ReferralStudio.Data;

namespace ReferralStudio.Outbound;

public sealed record CreateSubscriptionRequest(
    [property: Required] string? Url,
    [property: Required, Description(EventTypes.Description)] IReadOnlyList<string>? Events);

/// <summary>A subscription; <c>Secret</c> is the full secret only in the answer to create and rotate, masked elsewhere.</summary>
public sealed record SubscriptionDto(
    long Id,
    string Url,
    IReadOnlyList<string> Events,
    string Secret,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt,
    string? DisabledReason,
    int ConsecutiveFailures,
    DateTimeOffset? PreviousSecretExpiresAt);

public sealed record AttemptDto(DateTimeOffset AttemptedAt, int? StatusCode, int LatencyMs, string? Error, bool Replay);

public sealed record OutboundDeliveryDto(
    long Id,
    long SubscriptionId,
    string Url,
    string MessageId,
    string EventType,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    int? LastStatusCode,
    string? LastError,
    IReadOnlyList<AttemptDto>? AttemptLog,
    string? Payload);

public static class WebhooksApi
{
    /// <summary>Longer than any event type, so a longer filter can only be a mistake.</summary>
    public const int MaxEventTypeLength = 64;

    public static RouteGroupBuilder MapOutboundWebhooksApi(this RouteGroupBuilder api)
    {
        var subscriptions = api.MapGroup("/webhooks/subscriptions").WithTags("Outbound webhooks");
        subscriptions.MapGet("", ListSubscriptionsAsync).WithName("ListSubscriptions")
            .WithSummary("List subscriptions (secrets masked)");
        subscriptions.MapPost("", CreateSubscriptionAsync).WithName("CreateSubscription")
            .WithSummary("Subscribe a URL to events; the answer shows the signing secret once")
            .AcceptsJson<CreateSubscriptionRequest>();
        subscriptions.MapDelete("/{id:long}", DeleteSubscriptionAsync).WithName("DeleteSubscription")
            .WithSummary("Delete a subscription and its deliveries")
            .ProducesProblem(StatusCodes.Status404NotFound);
        subscriptions.MapPost("/{id:long}/rotate-secret", RotateSecretAsync).WithName("RotateSubscriptionSecret")
            .WithSummary("Rotate the signing secret; the old one keeps signing during the grace period")
            .ProducesProblem(StatusCodes.Status404NotFound);
        subscriptions.MapPost("/{id:long}/enable", EnableAsync).WithName("EnableSubscription")
            .WithSummary("Enable a subscription again and reset its failure count")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var deliveries = api.MapGroup("/webhooks/deliveries").WithTags("Outbound webhooks");
        deliveries.MapGet("", ListDeliveriesAsync).WithName("ListOutboundDeliveries")
            .WithSummary("List outbound deliveries, newest first");
        deliveries.MapGet("/{id:long}", GetDeliveryAsync).WithName("GetOutboundDelivery")
            .WithSummary("Get an outbound delivery with its attempt log and payload")
            .ProducesProblem(StatusCodes.Status404NotFound);
        deliveries.MapPost("/{id:long}/replay", ReplayAsync).WithName("ReplayOutboundDelivery")
            .WithSummary("Send a delivery again on a fresh retry schedule")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    internal static async Task<Ok<List<SubscriptionDto>>> ListSubscriptionsAsync(OutboundSubscriptions subscriptions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await subscriptions.ListAsync(cancellationToken));

    /// <summary>Creates a subscription; the answer is the only time the signing secret is shown.</summary>
    internal static async Task<Results<Created<SubscriptionDto>, ValidationProblem>> CreateSubscriptionAsync(
        JsonBody<CreateSubscriptionRequest> body,
        OutboundSubscriptions subscriptions,
        IAuditActor actor,
        CancellationToken cancellationToken)
    {
        if (body.Problem() is { } unreadable)
        {
            return unreadable.Problem();
        }

        var (subscription, errors) = await subscriptions.CreateAsync(await actor.CurrentAsync(), body.Value!.Url, body.Value.Events, cancellationToken);
        if (subscription is null)
        {
            return errors.Problem();
        }

        return TypedResults.Created($"/api/webhooks/subscriptions/{subscription.Id}", subscription);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteSubscriptionAsync(
        long id, OutboundSubscriptions subscriptions, IAuditActor actor, CancellationToken cancellationToken) =>
        await subscriptions.DeleteAsync(await actor.CurrentAsync(), id, cancellationToken) ? TypedResults.NoContent() : SubscriptionNotFound(id);

    /// <summary>A new secret, shown once; the old one keeps signing alongside it for the grace period.</summary>
    internal static async Task<Results<Ok<SubscriptionDto>, ProblemHttpResult>> RotateSecretAsync(
        long id, OutboundSubscriptions subscriptions, IAuditActor actor, CancellationToken cancellationToken) =>
        await subscriptions.RotateSecretAsync(await actor.CurrentAsync(), id, cancellationToken) is { } subscription
            ? TypedResults.Ok(subscription)
            : SubscriptionNotFound(id);

    internal static async Task<Results<Ok<SubscriptionDto>, ProblemHttpResult>> EnableAsync(
        long id, OutboundSubscriptions subscriptions, IAuditActor actor, CancellationToken cancellationToken) =>
        await subscriptions.EnableAsync(await actor.CurrentAsync(), id, cancellationToken) is { } subscription
            ? TypedResults.Ok(subscription)
            : SubscriptionNotFound(id);

    internal static async Task<Results<Ok<PageDto<OutboundDeliveryDto>>, ValidationProblem>> ListDeliveriesAsync(
        OutboundSubscriptions subscriptions, long? subscriptionId, string? status, string? eventType, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var pageNumber = errors.Int("page", page, 1, 1, 100_000);
        var size = errors.Int("pageSize", pageSize, 50, 1, 200);
        var eventFilter = errors.Text("eventType", eventType, MaxEventTypeLength);
        OutboundStatus? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            statusFilter = ParseStatus(status);
            if (statusFilter is null)
            {
                errors.Add("status", "status must be pending, delivered or failed.");
            }
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        return TypedResults.Ok(await subscriptions.DeliveriesAsync(subscriptionId, statusFilter, eventFilter, pageNumber, size, cancellationToken));
    }

    internal static async Task<Results<Ok<OutboundDeliveryDto>, ProblemHttpResult>> GetDeliveryAsync(long id, AppDbContext db, CancellationToken cancellationToken)
    {
        var delivery = await db.OutboundDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (delivery is null)
        {
            return DeliveryNotFound(id);
        }

        var urls = await SubscriptionUrlsAsync(db, [delivery], cancellationToken);
        var attempts = await db.OutboundAttempts.AsNoTracking().Where(a => a.DeliveryId == id).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(ToDto(delivery, urls.GetValueOrDefault(delivery.SubscriptionId, "(deleted)"), attempts, includePayload: true));
    }

    /// <summary>Sends a delivery again (a fresh retry schedule), e.g. after fixing the receiving end.</summary>
    internal static async Task<Results<Accepted<OutboundDeliveryDto>, ProblemHttpResult>> ReplayAsync(
        long id, AppDbContext db, OutboundSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        var (delivery, refusal) = await subscriptions.ReplayAsync(id, cancellationToken);
        if (delivery is null)
        {
            return DeliveryNotFound(id);
        }

        if (refusal is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Endpoint disabled", detail: refusal,
                extensions: new Dictionary<string, object?> { ["field"] = "subscriptionId" });
        }

        var urls = await SubscriptionUrlsAsync(db, [delivery], cancellationToken);
        return TypedResults.Accepted($"/api/webhooks/deliveries/{id}", ToDto(delivery, urls.GetValueOrDefault(delivery.SubscriptionId, "(deleted)"), [], includePayload: false));
    }

    internal static async Task<Dictionary<long, string>> SubscriptionUrlsAsync(AppDbContext db, IEnumerable<OutboundDelivery> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.SubscriptionId).Distinct().ToList();
        return await db.WebhookSubscriptions.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Url, cancellationToken);
    }

    public static OutboundStatus? ParseStatus(string value) => value.ToLowerInvariant() switch
    {
        "pending" => OutboundStatus.Pending,
        "delivered" => OutboundStatus.Delivered,
        "failed" => OutboundStatus.Failed,
        _ => null,
    };

    public static string StatusName(OutboundStatus status) => status.ToString().ToLowerInvariant();

    /// <summary><paramref name="shownSecret"/>: the secret in full (the one time it is shown) or masked.</summary>
    internal static SubscriptionDto ToDto(WebhookSubscription s, string shownSecret) => new(
        s.Id, s.Url, s.Events, shownSecret, s.Enabled, s.CreatedAt, s.DisabledAt, s.DisabledReason,
        s.ConsecutiveFailures, s.PreviousSecretExpiresAt);

    internal static OutboundDeliveryDto ToDto(OutboundDelivery d, string url, IEnumerable<OutboundAttempt> attempts, bool includePayload) => new(
        d.Id, d.SubscriptionId, url, d.MessageId, d.EventType, StatusName(d.Status), d.Attempts, d.CreatedAt,
        d.Status == OutboundStatus.Pending ? d.NextAttemptAt : null, d.DeliveredAt, d.LastStatusCode, d.LastError,
        attempts.Select(a => new AttemptDto(a.AttemptedAt, a.StatusCode, a.LatencyMs, a.Error, a.Replay)).ToList(),
        includePayload ? d.Payload : null);

    private static ProblemHttpResult SubscriptionNotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Subscription not found", detail: $"There is no subscription {id}.");

    private static ProblemHttpResult DeliveryNotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Delivery not found", detail: $"There is no outbound delivery {id}.");
}
