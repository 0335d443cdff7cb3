using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Platforms;

namespace ReferralStudio.MetaConversions;

/// <summary>
/// The producers' side of the Conversions API outbox: decides whether a conversion just recorded goes to Meta
/// (<see cref="MetaConversionPlanner"/>), adds its row to the caller's context, and wakes the sender after the commit.
/// </summary>
public sealed class MetaConversionQueue(IOptions<MetaConversionsOptions> options, TimeProvider time)
{
    public WakeSignal Signal { get; } = new();

    /// <summary>
    /// Adds the conversion's row when Meta should hear of it and saves; the caller's transaction (the one recording the
    /// conversion) decides when it becomes real. The ad touch is the latest touch with an ad id at or before the
    /// conversion; on WhatsApp the latest one that carried a ctwa_clid, if any did.
    /// </summary>
    public async Task EnqueueAsync(AppDbContext db, Conversation conversation, Conversion conversion, CancellationToken cancellationToken)
    {
        if (conversation.SimulatedOrDemo)
        {
            return;
        }

        var adTouches = db.ReferralTouches.AsNoTracking()
            .Where(t => t.ConversationId == conversation.Id && t.IsCampaignTouch && t.AdId != null && t.OccurredAt <= conversion.OccurredAt);
        var whatsApp = conversation.Platform == PlatformNames.WhatsApp;
        var touch = await adTouches
            .OrderByDescending(t => whatsApp && t.Details.CtwaClid != null)
            .ThenByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id)
            .Select(t => new AdTouch(t.Id, t.AdId!, t.Details.CtwaClid))
            .FirstOrDefaultAsync(cancellationToken);
        var whatsAppBusinessAccountId = whatsApp
            ? await db.BusinessAccounts.AsNoTracking()
                .Where(a => a.Platform == conversation.Platform && a.AccountId == conversation.AccountId)
                .Select(a => a.WhatsAppBusinessAccountId).FirstOrDefaultAsync(cancellationToken)
            : null;
        var plan = MetaConversionPlanner.Plan(
            conversation.Platform, conversation.AccountId, whatsAppBusinessAccountId, conversation.ParticipantId, conversation.SimulatedOrDemo, touch,
            conversion.Type, conversion.Value, conversion.Currency, conversion.OccurredAt, conversion.ExternalId, options.Value);
        if (plan is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var skipped = plan.Status == MetaConversionStatus.Skipped;
        db.MetaConversionEvents.Add(new MetaConversionEvent
        {
            ConversionId = conversion.Id,
            ConversationId = conversation.Id,
            Platform = conversation.Platform,
            AccountId = conversation.AccountId,
            EventName = plan.EventName,
            EventId = conversion.ExternalId,
            Payload = plan.Payload,
            Status = plan.Status,
            CreatedAt = now,
            NextAttemptAt = now,
            CompletedAt = skipped ? now : null,
            LastError = plan.Reason,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Call after the commit that made new rows visible.</summary>
    public void Wake() => Signal.Set();
}
