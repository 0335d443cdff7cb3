using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Api;
using ReferralStudio.Data;
using ReferralStudio.Outbound.Safety;
using ReferralStudio.Outbound.Signing;

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

    internal static async Task<Ok<List<SubscriptionDto>>> ListSubscriptionsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var all = await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(all.Select(s => ToDto(s, revealSecret: false)).ToList());
    }

    /// <summary>Creates a subscription; the answer is the only time the signing secret is shown.</summary>
    internal static async Task<Results<Created<SubscriptionDto>, ValidationProblem>> CreateSubscriptionAsync(
        JsonBody<CreateSubscriptionRequest> body,
        AppDbContext db,
        OutboundUrlPolicy urlPolicy,
        SubscriptionCatalog catalog,
        IOptions<OutboundOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.Problem() is { } unreadable)
        {
            return unreadable.Problem();
        }

        var request = body.Value!;
        var errors = new FieldErrors();
        errors.Check("url", await urlPolicy.ValidateAsync(request.Url, options.Value.AllowPrivateNetworks, cancellationToken));
        var events = new List<string>();
        if (request.Events is null || request.Events.Count == 0)
        {
            errors.Add("events", $"Choose at least one event type: {string.Join(", ", EventTypes.All)}.");
        }
        else
        {
            foreach (var type in request.Events)
            {
                if (!EventTypes.All.Contains(type))
                {
                    errors.Add("events", $"'{type}' is not an event type; use {string.Join(", ", EventTypes.All)}.");
                }
                else if (!events.Contains(type))
                {
                    events.Add(type);
                }
            }
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var subscription = new WebhookSubscription
        {
            Url = request.Url!.Trim(),
            Events = events,
            Secret = WebhookSecret.Generate(),
            Enabled = true,
            CreatedAt = time.GetUtcNow(),
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(cancellationToken);
        await catalog.ReloadAsync(cancellationToken);
        return TypedResults.Created($"/api/webhooks/subscriptions/{subscription.Id}", ToDto(subscription, revealSecret: true));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteSubscriptionAsync(
        long id, AppDbContext db, OutboundDeliveryStore deliveries, SubscriptionCatalog catalog, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return SubscriptionNotFound(id);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await deliveries.DeleteForSubscriptionAsync(db, id, cancellationToken);
        db.WebhookSubscriptions.Remove(subscription);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await catalog.ReloadAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>A new secret, shown once; the old one keeps signing alongside it for the grace period.</summary>
    internal static async Task<Results<Ok<SubscriptionDto>, ProblemHttpResult>> RotateSecretAsync(
        long id, AppDbContext db, IOptions<OutboundOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return SubscriptionNotFound(id);
        }

        subscription.PreviousSecret = subscription.Secret;
        subscription.PreviousSecretExpiresAt = time.GetUtcNow() + options.Value.PreviousSecretGrace;
        subscription.Secret = WebhookSecret.Generate();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToDto(subscription, revealSecret: true));
    }

    internal static async Task<Results<Ok<SubscriptionDto>, ProblemHttpResult>> EnableAsync(
        long id, AppDbContext db, SubscriptionCatalog catalog, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return SubscriptionNotFound(id);
        }

        subscription.Enabled = true;
        subscription.DisabledAt = null;
        subscription.DisabledReason = null;
        subscription.ConsecutiveFailures = 0;
        subscription.FailingSince = null;
        await db.SaveChangesAsync(cancellationToken);
        await catalog.ReloadAsync(cancellationToken);
        return TypedResults.Ok(ToDto(subscription, revealSecret: false));
    }

    internal static async Task<Results<Ok<PageDto<OutboundDeliveryDto>>, ValidationProblem>> ListDeliveriesAsync(
        AppDbContext db, long? subscriptionId, string? status, string? eventType, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var pageNumber = errors.Int("page", page, 1, 1, 100_000);
        var size = errors.Int("pageSize", pageSize, 50, 1, 200);
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

        var query = db.OutboundDeliveries.AsNoTracking();
        if (subscriptionId is { } sid)
        {
            query = query.Where(d => d.SubscriptionId == sid);
        }

        if (statusFilter is { } st)
        {
            query = query.Where(d => d.Status == st);
        }

        if (!string.IsNullOrEmpty(eventType))
        {
            query = query.Where(d => d.EventType == eventType);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(d => d.Id).Skip((pageNumber - 1) * size).Take(size).ToListAsync(cancellationToken);
        var urls = await SubscriptionUrlsAsync(db, rows, cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var attempts = (await db.OutboundAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliveryId);
        return TypedResults.Ok(new PageDto<OutboundDeliveryDto>(
            rows.Select(d => ToDto(d, urls.GetValueOrDefault(d.SubscriptionId, "(deleted)"), attempts[d.Id], includePayload: false)).ToList(),
            total, pageNumber, size));
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
        long id, AppDbContext db, OutboundDeliveryStore deliveries, OutboundQueue queue, CancellationToken cancellationToken)
    {
        var (delivery, refusal) = await deliveries.ReplayAsync(db, id, cancellationToken);
        if (delivery is null)
        {
            return DeliveryNotFound(id);
        }

        if (refusal is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Endpoint disabled", detail: refusal,
                extensions: new Dictionary<string, object?> { ["field"] = "subscriptionId" });
        }

        queue.Wake();
        var urls = await SubscriptionUrlsAsync(db, [delivery], cancellationToken);
        return TypedResults.Accepted($"/api/webhooks/deliveries/{id}", ToDto(delivery, urls.GetValueOrDefault(delivery.SubscriptionId, "(deleted)"), [], includePayload: false));
    }

    private static async Task<Dictionary<long, string>> SubscriptionUrlsAsync(AppDbContext db, IEnumerable<OutboundDelivery> rows, CancellationToken cancellationToken)
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

    private static SubscriptionDto ToDto(WebhookSubscription s, bool revealSecret) => new(
        s.Id, s.Url, s.Events, revealSecret ? s.Secret : WebhookSecret.Mask(s.Secret), s.Enabled, s.CreatedAt, s.DisabledAt, s.DisabledReason,
        s.ConsecutiveFailures, s.PreviousSecretExpiresAt);

    private static OutboundDeliveryDto ToDto(OutboundDelivery d, string url, IEnumerable<OutboundAttempt> attempts, bool includePayload) => new(
        d.Id, d.SubscriptionId, url, d.MessageId, d.EventType, StatusName(d.Status), d.Attempts, d.CreatedAt,
        d.Status == OutboundStatus.Pending ? d.NextAttemptAt : null, d.DeliveredAt, d.LastStatusCode, d.LastError,
        attempts.Select(a => new AttemptDto(a.AttemptedAt, a.StatusCode, a.LatencyMs, a.Error, a.Replay)).ToList(),
        includePayload ? d.Payload : null);

    private static ProblemHttpResult SubscriptionNotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Subscription not found", detail: $"There is no subscription {id}.");

    private static ProblemHttpResult DeliveryNotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Delivery not found", detail: $"There is no outbound delivery {id}.");
}
