using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Operations;
using ReferralStudio.Outbound.Retry;
using ReferralStudio.Outbound.Safety;
using ReferralStudio.Outbound.Signing;

namespace ReferralStudio.Outbound;

/// <summary>
/// Delivers the persisted outbox: signs each event (Standard Webhooks), logs every attempt, retries
/// failures with exponential backoff and jitter, honours Retry-After, and disables an endpoint that
/// answers 410 Gone or keeps failing. Work survives restarts because it lives in the database.
/// </summary>
public sealed partial class OutboundDispatcher(
    IDbContextFactory<AppDbContext> contexts,
    IHttpClientFactory httpClients,
    OutboundQueue queue,
    OutboundDeliveryStore deliveries,
    SubscriptionCatalog catalog,
    IOptions<OutboundOptions> options,
    SigningSecrets signingSecrets,
    StudioMetrics metrics,
    TimeProvider time,
    ILogger<OutboundDispatcher> logger) : ScheduledWorker(queue.Signal, time, logger)
{
    public const string HttpClientName = "outbound-webhooks";
    private const int BatchSize = 64;

    /// <summary>Signals each delivery once it is delivered or has failed for good.</summary>
    public Settlements Settled { get; } = new();

    /// <summary>Sends everything due; returns the time until the next scheduled retry (null: nothing pending).</summary>
    protected override async Task<TimeSpan?> RunDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var now = Time.GetUtcNow();
            var due = await db.OutboundDeliveries
                .Where(d => d.Status == OutboundStatus.Pending && d.NextAttemptAt <= now)
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                var next = await db.OutboundDeliveries.Where(d => d.Status == OutboundStatus.Pending)
                    .OrderBy(d => d.NextAttemptAt).Select(d => (DateTimeOffset?)d.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
                return next is { } at ? at - now : null;
            }

            var subscriptionIds = due.Select(d => d.SubscriptionId).Distinct().ToList();
            var subscriptions = await db.WebhookSubscriptions.Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
            var settings = options.Value;
            using var limit = new SemaphoreSlim(settings.MaxConcurrency);
            var sends = due.Select(async delivery =>
            {
                if (!subscriptions.TryGetValue(delivery.SubscriptionId, out var subscription) || !subscription.Enabled)
                {
                    return (delivery, (AttemptResult?)null);
                }

                await limit.WaitAsync(cancellationToken);
                try
                {
                    return (delivery, await SendAsync(delivery, subscription, cancellationToken));
                }
                finally
                {
                    limit.Release();
                }
            }).ToList();

            var disabled = new List<WebhookSubscription>();
            foreach (var (delivery, result) in await Task.WhenAll(sends))
            {
                subscriptions.TryGetValue(delivery.SubscriptionId, out var subscription);
                if (result is null)
                {
                    deliveries.MarkFailed(delivery, "The endpoint is disabled; replay once it is enabled again.");
                    continue;
                }

                if (logger.IsEnabled(LogLevel.Debug))
                {
                    LogAttempt(logger, delivery.Id, delivery.EventType, UrlRedaction.ForLog(subscription!.Url),
                        result.StatusCode is { } code ? $"HTTP {code}" : result.Error ?? "no answer", (long)result.Latency.TotalMilliseconds);
                }

                if (Record(db, delivery, subscription!, result, settings))
                {
                    disabled.Add(subscription!);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            foreach (var subscription in disabled)
            {
                // Its queue stops here; everything still pending can be replayed by hand once it is fixed.
                await deliveries.FailPendingAsync(db, subscription.Id, "The endpoint was disabled: " + subscription.DisabledReason, cancellationToken);
            }

            if (disabled.Count > 0)
            {
                await catalog.ReloadAsync(cancellationToken);
            }

            foreach (var delivery in due.Where(d => d.Status != OutboundStatus.Pending))
            {
                Settled.Settled(delivery.Id);
            }
        }
    }

    private async Task<AttemptResult> SendAsync(OutboundDelivery delivery, WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        var timestamp = now.ToUnixTimeSeconds();
        if (!signingSecrets.TryGet(subscription, now, out var secrets))
        {
            return new AttemptResult(now, null, TimeSpan.Zero, "Not sent: the signing secret cannot be read (the data-protection keys changed); rotate the secret.", null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("webhook-id", delivery.MessageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookSigner.Sign(delivery.MessageId, timestamp, body, secrets));

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var retryAfter = RetrySchedule.ParseRetryAfter(response.Headers.RetryAfter?.ToString(), Time.GetUtcNow());
            return new AttemptResult(now, (int)response.StatusCode, Elapsed(started), null, retryAfter);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var error = ex is OperationCanceledException ? $"Timed out after {options.Value.Timeout.TotalSeconds:0.#} s." : ex.Message;
            return new AttemptResult(now, null, Elapsed(started), error, null);
        }
    }

    /// <summary>Applies one attempt's outcome; returns true when it disabled the endpoint.</summary>
    private bool Record(AppDbContext db, OutboundDelivery delivery, WebhookSubscription subscription, AttemptResult result, OutboundOptions settings)
    {
        deliveries.RecordAttempt(db, delivery, result.At, result.StatusCode, result.Latency, result.Error);
        metrics.OutboundAttempt(result.StatusCode);
        if (RetrySchedule.IsSuccess(result.StatusCode))
        {
            deliveries.MarkDelivered(delivery, result.At);
            subscription.ConsecutiveFailures = 0;
            subscription.FailingSince = null;
            return false;
        }

        subscription.ConsecutiveFailures++;
        subscription.FailingSince ??= result.At;
        if (RetrySchedule.ShouldDisableEndpoint(result.StatusCode))
        {
            deliveries.MarkFailed(delivery);
            Disable(subscription, result.At, "The endpoint answered 410 Gone.");
            return true;
        }

        var delay = RetrySchedule.NextDelay(settings.Retry, delivery.Attempts, result.RetryAfter, Random.Shared.NextDouble());
        if (delay is null)
        {
            deliveries.MarkFailed(delivery, $"Gave up after {delivery.Attempts} attempts: {delivery.LastError}");
        }
        else
        {
            deliveries.ScheduleRetry(delivery, result.At + delay.Value);
        }

        if (subscription.ConsecutiveFailures >= settings.DisableAfterFailures && result.At - subscription.FailingSince >= settings.DisableAfter)
        {
            Disable(subscription, result.At,
                $"No successful delivery for {(result.At - subscription.FailingSince.Value).TotalHours:0} hours ({subscription.ConsecutiveFailures} failed attempts).");
            return true;
        }

        return false;
    }

    private void Disable(WebhookSubscription subscription, DateTimeOffset at, string reason)
    {
        subscription.Enabled = false;
        subscription.DisabledAt = at;
        subscription.DisabledReason = reason;
        LogDisabled(logger, subscription.Id, UrlRedaction.ForLog(subscription.Url), reason);
    }

    private static TimeSpan Elapsed(long started) => Stopwatch.GetElapsedTime(started);

    private sealed record AttemptResult(DateTimeOffset At, int? StatusCode, TimeSpan Latency, string? Error, TimeSpan? RetryAfter);

    // Endpoints are logged as scheme://host:port (UrlRedaction): an integrator's path and query may hold its secret.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Disabled webhook endpoint {SubscriptionId} ({Endpoint}): {Reason}")]
    private static partial void LogDisabled(ILogger logger, long subscriptionId, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivery {DeliveryId} ({EventType}) to {Endpoint}: {Outcome} after {LatencyMs} ms")]
    private static partial void LogAttempt(ILogger logger, long deliveryId, string eventType, string endpoint, string outcome, long latencyMs);
}
