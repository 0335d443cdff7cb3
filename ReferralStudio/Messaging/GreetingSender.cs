using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Operations;

namespace ReferralStudio.Messaging;

/// <summary>
/// Sends due greetings from the outbox. A greeting only goes out inside the conversation's 24-hour
/// window; without an access token it is recorded as a dry run; failures are retried with backoff and
/// recorded, never dropped. A crash at any point sends a greeting at most once (<see cref="OutgoingStatus.Sending"/>).
/// </summary>
public sealed partial class GreetingSender(
    IDbContextFactory<AppDbContext> contexts,
    SendApiClient sendApi,
    AccessTokens tokens,
    IOptions<SendApiOptions> options,
    StudioMetrics metrics,
    TimeProvider time,
    ILogger<GreetingSender> logger) : ScheduledWorker(new WakeSignal(), time, logger)
{
    private const int BatchSize = 32;

    private const string InterruptedSend =
        "The app stopped while this greeting was being sent, so whether Meta delivered it is unknown. It is not sent again, so the person never gets it twice.";

    private bool _interruptedSendsSettled;

    /// <summary>Signals each greeting once it is sent, a dry run, failed or expired.</summary>
    public Settlements Settled { get; } = new();

    /// <summary>Sends everything due; returns how long until the next scheduled retry (null: none).</summary>
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
            var due = await db.OutgoingMessages
                .Where(m => m.Status == OutgoingStatus.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.NextAttemptAt).Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                var next = await db.OutgoingMessages.Where(m => m.Status == OutgoingStatus.Pending)
                    .OrderBy(m => m.NextAttemptAt).Select(m => (DateTimeOffset?)m.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
                return next is { } at ? at - now : null;
            }

            var conversationIds = due.Select(m => m.ConversationId).Distinct().ToList();
            var recipients = await db.Conversations.Where(c => conversationIds.Contains(c.Id))
                .Select(c => new Recipient(c.Id, c.WindowExpiresAt, c.Simulated, c.AccountId))
                .ToDictionaryAsync(c => c.ConversationId, cancellationToken);
            foreach (var message in due)
            {
                await SendOneAsync(db, message, recipients.GetValueOrDefault(message.ConversationId), cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            foreach (var message in due.Where(m => m.Status != OutgoingStatus.Pending))
            {
                // Counted once saved: an outcome the database does not hold did not happen.
                metrics.Greeting(Outcome(message.Status));
                Settled.Settled(message.Id);
            }
        }
    }

    /// <summary>What the sender needs of a greeting's conversation.</summary>
    private sealed record Recipient(long ConversationId, DateTimeOffset? WindowExpiresAt, bool Simulated, string AccountId)
    {
        public bool SimulatedOrDemo => Conversation.IsSimulatedOrDemo(Simulated, AccountId);
    }

    private async Task SendOneAsync(AppDbContext db, OutgoingMessage message, Recipient? recipient, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        if (recipient?.WindowExpiresAt is not { } window || window <= now)
        {
            Complete(message, OutgoingStatus.Expired, now, "The 24-hour window closed before the greeting could be sent.");
            return;
        }

        // A simulated or demo participant is nobody: a stored token would send a real DM to whoever has that id.
        if (recipient.SimulatedOrDemo)
        {
            Complete(message, OutgoingStatus.DryRun, now, recipient.Simulated
                ? "Not sent: the conversation was started by the simulator."
                : "Not sent: the conversation is demo data.");
            return;
        }

        var token = await tokens.FindAsync(db, message.Platform, message.AccountId, cancellationToken);
        if (token is null)
        {
            Complete(message, OutgoingStatus.DryRun, now, null);
            return;
        }

        // Recorded before the call: if the process dies during it, or before its answer is saved, the greeting is
        // found in Sending on the next start and settled as Uncertain instead of being sent a second time.
        message.Attempts++;
        message.Status = OutgoingStatus.Sending;
        await db.SaveChangesAsync(cancellationToken);
        var result = await sendApi.SendTextAsync(message.Platform, message.AccountId, message.RecipientId, message.Text, token, cancellationToken);
        message.LastStatusCode = result.StatusCode;
        message.LastError = result.Error;
        if (result.Sent)
        {
            message.ExternalMessageId = result.MessageId;
            Complete(message, OutgoingStatus.Sent, Time.GetUtcNow(), null);
            return;
        }

        var settings = options.Value;
        var delay = settings.RetryBaseDelay * Math.Pow(2, message.Attempts - 1);
        if (result.RetryAfter is { } retryAfter && retryAfter > delay)
        {
            delay = retryAfter;
        }

        var nextAttempt = Time.GetUtcNow() + delay;
        if (!result.Retryable || message.Attempts >= settings.MaxAttempts || nextAttempt >= window)
        {
            Complete(message, OutgoingStatus.Failed, Time.GetUtcNow(), result.Error ?? "The Send API refused the message.");
            LogSendFailed(logger, message.Id, result.StatusCode, message.LastError);
            return;
        }

        message.Status = OutgoingStatus.Pending;
        message.NextAttemptAt = nextAttempt;
    }

    /// <summary>
    /// Greetings a previous run of the app left in <see cref="OutgoingStatus.Sending"/>: it stopped between saving that
    /// and saving Meta's answer, so they may have reached the person. Only this worker sends, and this runs before its
    /// first send, so every such row is a previous run's.
    /// </summary>
    private async Task SettleInterruptedSendsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = Time.GetUtcNow();
        var settled = await db.OutgoingMessages.Where(m => m.Status == OutgoingStatus.Sending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, OutgoingStatus.Uncertain)
                .SetProperty(m => m.CompletedAt, now)
                .SetProperty(m => m.LastError, InterruptedSend), cancellationToken);
        if (settled > 0)
        {
            metrics.Greeting(StudioMetrics.GreetingOutcome.Uncertain, settled);
            LogInterruptedSends(logger, settled);
        }
    }

    private static KeyValuePair<string, object?> Outcome(OutgoingStatus status) => status switch
    {
        OutgoingStatus.Sent => StudioMetrics.GreetingOutcome.Sent,
        OutgoingStatus.DryRun => StudioMetrics.GreetingOutcome.DryRun,
        OutgoingStatus.Expired => StudioMetrics.GreetingOutcome.Expired,
        OutgoingStatus.Uncertain => StudioMetrics.GreetingOutcome.Uncertain,
        _ => StudioMetrics.GreetingOutcome.Failed,
    };

    private static void Complete(OutgoingMessage message, OutgoingStatus status, DateTimeOffset at, string? error)
    {
        message.Status = status;
        message.CompletedAt = at;
        if (error is not null)
        {
            message.LastError = error;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} greetings were being sent when the app last stopped; recorded as uncertain, not sent again")]
    private static partial void LogInterruptedSends(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Greeting {MessageId} failed: {StatusCode} {Error}")]
    private static partial void LogSendFailed(ILogger logger, long messageId, int? statusCode, string? error);
}
