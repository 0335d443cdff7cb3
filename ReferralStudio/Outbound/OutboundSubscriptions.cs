using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Api;
using ReferralStudio.Audit;
using ReferralStudio.Data;
using ReferralStudio.Outbound.Safety;
using ReferralStudio.Outbound.Signing;
using ReferralStudio.Security;

namespace ReferralStudio.Outbound;

/// <summary>The outcome of a create: the new subscription (its secret in full, shown once), or the reasons per field.</summary>
public sealed record SubscriptionCreated(SubscriptionDto? Subscription, FieldErrors Errors);

/// <summary>
/// The rules for managing integrators' endpoints, used by the REST API and the dashboard alike: URL safety,
/// event names, secret generation and rotation, and keeping <see cref="SubscriptionCatalog"/> in step.
/// Each call saves on its own short-lived context. Secrets leave only masked, except in the answers to
/// create and rotate: the one time they are shown. Each change is audited with it, naming <c>by</c>.
/// </summary>
public sealed class OutboundSubscriptions(
    IDbContextFactory<AppDbContext> contexts,
    OutboundUrlPolicy urlPolicy,
    SubscriptionCatalog catalog,
    OutboundDeliveryStore deliveries,
    OutboundQueue queue,
    IOptions<OutboundOptions> options,
    StoredSecrets secrets,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<List<SubscriptionDto>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var all = await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.Id).ToListAsync(cancellationToken);
        return all.ConvertAll(s => Masked(s));
    }

    /// <summary>The reason <paramref name="url"/> cannot be registered, or null: the same check create runs, for a field's message.</summary>
    public Task<string?> CheckUrlAsync(string? url, CancellationToken cancellationToken = default) =>
        urlPolicy.ValidateAsync(url, options.Value.AllowPrivateNetworks, options.Value.Ports, cancellationToken);

    /// <summary>Subscribes <paramref name="url"/> to <paramref name="events"/> (duplicates dropped) with a newly generated secret.</summary>
    public async Task<SubscriptionCreated> CreateAsync(AuditActor by, string? url, IReadOnlyList<string>? events, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        errors.Check("url", await CheckUrlAsync(url, cancellationToken));
        var chosen = new List<string>();
        if (events is null || events.Count == 0)
        {
            errors.Add("events", $"Choose at least one event type: {string.Join(", ", EventTypes.All)}.");
        }
        else if (events.Count > EventTypes.All.Length)
        {
            // Refused whole, before any item is looked at: a longer list can only repeat a type.
            errors.Add("events", $"At most {EventTypes.All.Length} events, one of each type: {string.Join(", ", EventTypes.All)}.");
        }
        else
        {
            foreach (var type in events)
            {
                if (!EventTypes.All.Contains(type))
                {
                    errors.Add("events", $"'{FieldErrors.Quote(type)}' is not an event type; use {string.Join(", ", EventTypes.All)}.");
                }
                else if (!chosen.Contains(type))
                {
                    chosen.Add(type);
                }
            }
        }

        if (errors.Any)
        {
            return new(null, errors);
        }

        var secret = WebhookSecret.Generate();
        var subscription = new WebhookSubscription
        {
            Url = url!.Trim(),
            Events = chosen,
            Secret = secrets.Protect(secret),
            Enabled = true,
            CreatedAt = time.GetUtcNow(),
        };
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await audit.SaveCreatedAsync(db, by, AuditActions.SubscriptionCreated, subscription, AuditSnapshot.Of, cancellationToken);
        }

        await catalog.ChangedAsync(cancellationToken);
        return new(WebhooksApi.ToDto(subscription, secret), errors);
    }

    /// <summary>A new secret (in the answer, shown once); the old one keeps signing alongside it for the grace period. Null: no such subscription.</summary>
    public async Task<SubscriptionDto?> RotateSecretAsync(AuditActor by, long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return null;
        }

        var before = AuditSnapshot.Of(subscription);
        var secret = WebhookSecret.Generate();
        subscription.PreviousSecret = subscription.Secret;
        subscription.PreviousSecretExpiresAt = time.GetUtcNow() + options.Value.PreviousSecretGrace;
        subscription.Secret = secrets.Protect(secret);
        audit.Add(db, by, AuditActions.SubscriptionSecretRotated, before, AuditSnapshot.Of(subscription), $"Rotated the signing secret of subscription '{subscription.Url}'");
        await db.SaveChangesAsync(cancellationToken);
        return WebhooksApi.ToDto(subscription, secret);
    }

    /// <summary>Enables an endpoint again and resets its failure count. Null: no such subscription.</summary>
    public async Task<SubscriptionDto?> EnableAsync(AuditActor by, long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return null;
        }

        var before = AuditSnapshot.Of(subscription);
        subscription.Enabled = true;
        subscription.DisabledAt = null;
        subscription.DisabledReason = null;
        subscription.ConsecutiveFailures = 0;
        subscription.FailingSince = null;
        audit.Add(db, by, AuditActions.SubscriptionEnabled, before, AuditSnapshot.Of(subscription));
        await db.SaveChangesAsync(cancellationToken);
        await catalog.ChangedAsync(cancellationToken);
        return Masked(subscription);
    }

    /// <summary>
    /// Stops sending to an endpoint, as the dispatcher does after too many failures: what is still pending
    /// fails with <paramref name="reason"/> and can be replayed once it is enabled again. Null: no such subscription.
    /// </summary>
    public async Task<SubscriptionDto?> DisableAsync(AuditActor by, long id, string reason, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return null;
        }

        var before = AuditSnapshot.Of(subscription);
        subscription.Enabled = false;
        subscription.DisabledAt = time.GetUtcNow();
        subscription.DisabledReason = reason;
        audit.Add(db, by, AuditActions.SubscriptionDisabled, before, AuditSnapshot.Of(subscription));
        await db.SaveChangesAsync(cancellationToken);
        await deliveries.FailPendingAsync(db, id, "The endpoint was disabled: " + reason, cancellationToken);
        await catalog.ChangedAsync(cancellationToken);
        return Masked(subscription);
    }

    /// <summary>Deletes a subscription with its deliveries and their attempt logs; false when there is none.</summary>
    public async Task<bool> DeleteAsync(AuditActor by, long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return false;
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await deliveries.DeleteForSubscriptionAsync(db, id, cancellationToken);
            db.WebhookSubscriptions.Remove(subscription);
            audit.Add(db, by, AuditActions.SubscriptionDeleted, AuditSnapshot.Of(subscription), null);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await catalog.ChangedAsync(cancellationToken);
        return true;
    }

    /// <summary>One page of the delivery log, newest first, each delivery with its attempts (oldest first) but without its payload.</summary>
    public async Task<PageDto<OutboundDeliveryDto>> DeliveriesAsync(
        long? subscriptionId, OutboundStatus? status, string? eventType, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.OutboundDeliveries.AsNoTracking();
        if (subscriptionId is { } sid)
        {
            query = query.Where(d => d.SubscriptionId == sid);
        }

        if (status is { } st)
        {
            query = query.Where(d => d.Status == st);
        }

        if (!string.IsNullOrEmpty(eventType))
        {
            query = query.Where(d => d.EventType == eventType);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(d => d.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var urls = await WebhooksApi.SubscriptionUrlsAsync(db, rows, cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var attempts = (await db.OutboundAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliveryId);
        return new PageDto<OutboundDeliveryDto>(
            rows.Select(d => WebhooksApi.ToDto(d, urls.GetValueOrDefault(d.SubscriptionId, "(deleted)"), attempts[d.Id], includePayload: false)).ToList(),
            total, page, pageSize);
    }

    /// <summary>Sends a delivery again on a fresh retry schedule; see <see cref="OutboundDeliveryStore.ReplayAsync"/> for the refusals.</summary>
    public async Task<(OutboundDelivery? Delivery, string? Refusal)> ReplayAsync(long deliveryId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (delivery, refusal) = await deliveries.ReplayAsync(db, deliveryId, cancellationToken);
        if (delivery is not null && refusal is null)
        {
            queue.Wake();
        }

        return (delivery, refusal);
    }

    /// <summary>The subscription as listed: its secret masked (or why it cannot be read).</summary>
    private SubscriptionDto Masked(WebhookSubscription subscription) =>
        WebhooksApi.ToDto(subscription, secrets.TryUnprotect(subscription.Secret, out var secret)
            ? WebhookSecret.Mask(secret)
            : "unreadable: the data-protection keys changed; rotate the secret");
}
