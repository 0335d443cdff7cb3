using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Operations;
using ReferralStudio.Outbound.Retry;
using ReferralStudio.Platforms;
using ReferralStudio.Security;

namespace ReferralStudio.MetaConversions;

/// <summary>
/// Sends the Conversions API outbox. Each row is claimed (<see cref="MetaConversionStatus.Sending"/>, only if still pending)
/// before its call, so no two senders post the same conversion; every attempt is logged; 5xx, 429 and network failures are
/// retried with backoff (with the same <c>event_id</c>), Meta's refusals are recorded as failed; an account without a token
/// or dataset makes a dry run. A send interrupted by a crash is not sent again but recorded as uncertain: Meta's guide says
/// it does not de-duplicate business messaging events, so the sender must not risk counting a purchase twice.
/// </summary>
public sealed partial class MetaConversionSender(
    IDbContextFactory<AppDbContext> contexts,
    MetaConversionQueue queue,
    ConversionsApiClient client,
    StoredSecrets secrets,
    IOptions<MetaConversionsOptions> options,
    StudioMetrics metrics,
    TimeProvider time,
    ILogger<MetaConversionSender> logger) : ScheduledWorker(queue.Signal, time, logger)
{
    private const int BatchSize = 32;

    private const string InterruptedSend =
        "The app stopped while this conversion was being sent, so whether Meta counted it is unknown. It is not sent again, so Meta never counts it twice.";

    private bool _interruptedSendsSettled;

    /// <summary>Signals a conversion's id each time an outcome of its event is saved: an attempt rescheduled, sent, failed or a dry run.</summary>
    public Settlements Recorded { get; } = new();

    /// <summary>Each time this process starts leading: what a previous leader left mid-send is settled before the first send.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _interruptedSendsSettled = false;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task<TimeSpan?> RunDueAsync(CancellationToken cancellationToken)
    {
        if (!_interruptedSendsSettled)
        {
            await SettleInterruptedSendsAsync(cancellationToken);
            _interruptedSendsSettled = true;
        }

        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var now = Time.GetUtcNow();
            var due = await db.MetaConversionEvents.AsNoTracking()
                .Where(m => m.Status == MetaConversionStatus.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Take(BatchSize)
                .Select(m => m.Id)
                .ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                var next = await db.MetaConversionEvents.Where(m => m.Status == MetaConversionStatus.Pending)
                    .OrderBy(m => m.NextAttemptAt).Select(m => (DateTimeOffset?)m.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
                return next is { } at ? at - now : null;
            }

            foreach (var id in due)
            {
                await SendOneAsync(db, id, cancellationToken);
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task SendOneAsync(AppDbContext db, long id, CancellationToken cancellationToken)
    {
        if (!await TryClaimAsync(db, id, cancellationToken))
        {
            return;
        }

        try
        {
            await SendClaimedAsync(db, id, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The pass fails and is retried shortly; the claimed row must not wait in Sending for the next start.
            var retryAt = Time.GetUtcNow() + options.Value.Retry.BaseDelay;
            await db.MetaConversionEvents.Where(m => m.Id == id && m.Status == MetaConversionStatus.Sending)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, MetaConversionStatus.Pending).SetProperty(m => m.NextAttemptAt, retryAt), CancellationToken.None);
            throw;
        }
    }

    private async Task SendClaimedAsync(AppDbContext db, long id, CancellationToken cancellationToken)
    {
        var row = await db.MetaConversionEvents.SingleAsync(m => m.Id == id, cancellationToken);
        var account = await db.BusinessAccounts.AsNoTracking()
            .Where(a => a.Platform == row.Platform && a.AccountId == row.AccountId)
            .Select(a => new { a.ConversionsDatasetId, a.ConversionsToken, a.WhatsAppBusinessAccountId })
            .FirstOrDefaultAsync(cancellationToken);
        var readable = secrets.TryUnprotect(account?.ConversionsToken, out var token);
        var dryRun = account is null ? "Dry run: no business account with this Meta id is set up, so there is no Conversions API token."
            : !readable ? "Dry run: the Conversions API token cannot be read (the data-protection keys changed); enter it again."
            : string.IsNullOrWhiteSpace(token) ? "Dry run: the account has no Conversions API token."
            : string.IsNullOrWhiteSpace(account.ConversionsDatasetId) ? "Dry run: the account has no dataset id."
            : row.Platform == PlatformNames.WhatsApp && string.IsNullOrWhiteSpace(account.WhatsAppBusinessAccountId)
                ? "Dry run: the WhatsApp account has no WhatsApp Business Account id."
            : null;
        if (dryRun is not null)
        {
            Complete(row, MetaConversionStatus.DryRun, Time.GetUtcNow(), dryRun);
            await db.SaveChangesAsync(cancellationToken);
            metrics.ConversionSent(StudioMetrics.ConversionOutcome.DryRun);
            Recorded.Settled(row.ConversionId);
            return;
        }

        var attemptedAt = Time.GetUtcNow();
        var result = await client.SendAsync(account!.ConversionsDatasetId!, token!, row.Payload, cancellationToken);
        row.Attempts++;
        row.LastStatusCode = result.StatusCode;
        row.LastError = result.Error;
        db.MetaConversionAttempts.Add(new MetaConversionAttempt
        {
            MetaConversionEventId = row.Id,
            ConversationId = row.ConversationId,
            AttemptedAt = attemptedAt,
            StatusCode = result.StatusCode,
            Error = result.Error,
        });

        var now = Time.GetUtcNow();
        if (result.Sent)
        {
            Complete(row, MetaConversionStatus.Sent, now, null);
        }
        else if (result.Retryable && RetrySchedule.NextDelay(options.Value.Retry, row.Attempts, result.RetryAfter, Random.Shared.NextDouble()) is { } delay)
        {
            row.Status = MetaConversionStatus.Pending;
            row.NextAttemptAt = now + delay;
        }
        else
        {
            Complete(row, MetaConversionStatus.Failed, now, result.Error);
            LogFailed(logger, row.ConversionId, result.StatusCode, result.Error);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (row.Status is MetaConversionStatus.Sent or MetaConversionStatus.Failed)
        {
            metrics.ConversionSent(row.Status == MetaConversionStatus.Sent ? StudioMetrics.ConversionOutcome.Sent : StudioMetrics.ConversionOutcome.Failed);
        }

        Recorded.Settled(row.ConversionId);
    }

    /// <summary>
    /// Takes a pending row for one attempt: a single UPDATE that only a row still pending passes, so of two senders
    /// (or a pass racing a manual change) exactly one gets it; the other is told false and leaves it alone.
    /// </summary>
    public static async Task<bool> TryClaimAsync(AppDbContext db, long id, CancellationToken cancellationToken) =>
        await db.MetaConversionEvents
            .Where(m => m.Id == id && m.Status == MetaConversionStatus.Pending)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, MetaConversionStatus.Sending), cancellationToken) == 1;

    /// <summary>
    /// Rows a previous run left in <see cref="MetaConversionStatus.Sending"/>: it stopped between claiming them and saving
    /// Meta's answer, so they may have been counted. Only the leader sends, and this runs before its first send.
    /// </summary>
    private async Task SettleInterruptedSendsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = Time.GetUtcNow();
        var settled = await db.MetaConversionEvents.Where(m => m.Status == MetaConversionStatus.Sending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, MetaConversionStatus.Uncertain)
                .SetProperty(m => m.CompletedAt, now)
                .SetProperty(m => m.LastError, InterruptedSend), cancellationToken);
        if (settled > 0)
        {
            metrics.ConversionSent(StudioMetrics.ConversionOutcome.Uncertain, settled);
            LogInterruptedSends(logger, settled);
        }
    }

    private static void Complete(MetaConversionEvent row, MetaConversionStatus status, DateTimeOffset at, string? error)
    {
        row.Status = status;
        row.CompletedAt = at;
        row.LastError = error;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} Conversions API events were being sent when the app last stopped; recorded as uncertain, not sent again")]
    private static partial void LogInterruptedSends(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversions API event of conversion {ConversionId} failed: {StatusCode} {Error}")]
    private static partial void LogFailed(ILogger logger, long conversionId, int? statusCode, string? error);
}
