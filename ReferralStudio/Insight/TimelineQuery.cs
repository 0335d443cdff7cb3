using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Messaging;
using ReferralStudio.MetaConversions;

namespace ReferralStudio.Insight;

public enum TimelineKind
{
    Referral,
    Message,
    Postback,
    Automation,
    Greeting,
    Conversion,
    Identity,
}

/// <summary>One thing that happened in a conversation, in event time.</summary>
public sealed record TimelineItem(DateTimeOffset At, TimelineKind Kind, string Title, string? Detail, bool Highlight = false);

public sealed record ConversationTimeline(Conversation Conversation, IReadOnlyList<TimelineItem> Items, IReadOnlyList<string> Tags)
{
    /// <summary>The touch the conversation is credited to under first-touch attribution, if it has one.</summary>
    public TimelineItem? FirstTouch { get; init; }

    /// <summary>The latest campaign touch (the first one again when there was only one).</summary>
    public TimelineItem? LatestTouch { get; init; }
}

/// <summary>Everything about one conversation, merged into a single time line.</summary>
public static class TimelineQuery
{
    public static async Task<ConversationTimeline?> LoadAsync(AppDbContext db, long conversationId, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
        if (conversation is null)
        {
            return null;
        }

        var items = new List<TimelineItem>();
        TimelineItem? first = null;
        TimelineItem? latest = null;
        var triggers = await db.Triggers.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        string TriggerName(long? id) => id is { } key && triggers.TryGetValue(key, out var name) ? name : $"trigger {id}";

        foreach (var t in await db.ReferralTouches.AsNoTracking().Where(t => t.ConversationId == conversationId).ToListAsync(cancellationToken))
        {
            var label = t.Id == conversation.FirstReferralId ? "First touch"
                : t.Id == conversation.LatestReferralId ? "Latest touch"
                : t.IsCampaignTouch ? "Touch" : "Referral (context)";
            var code = t.Ref ?? (t.AdId is null ? t.Details.ProductId is null ? "no ref" : $"product {t.Details.ProductId}" : $"ad {t.AdId}");
            var detail = $"{t.Arrival.Replace('_', ' ')}{(t.Source is null ? "" : $" · source {t.Source}")}{(t.TriggerId is null ? "" : $" · trigger {TriggerName(t.TriggerId)}")}{(t.Passive ? " · standby" : "")}{(t.Simulated ? " · simulated" : "")}";
            var item = new TimelineItem(t.OccurredAt, TimelineKind.Referral, $"{label}: {code}", detail, t.IsCampaignTouch);
            items.Add(item);
            first = t.Id == conversation.FirstReferralId ? item : first;
            latest = t.Id == conversation.LatestReferralId ? item : latest;
        }

        var events = await db.WebhookEvents.AsNoTracking()
            .Where(e => e.ConversationId == conversationId && e.Status == EventStatus.Accepted && e.Kind != "referral")
            .OrderBy(e => e.OccurredAt).Take(500)
            .ToListAsync(cancellationToken);
        foreach (var e in events)
        {
            var kind = e.Kind == "postback" ? TimelineKind.Postback : TimelineKind.Message;
            var detail = e.RefRejection is null ? null : $"ref \"{e.Ref}\" rejected: {e.RefRejection}";
            items.Add(new TimelineItem(e.OccurredAt ?? e.ReceivedAt, kind, kind == TimelineKind.Postback ? $"Tapped: {e.Text ?? "postback"}" : $"Message: {e.Text ?? "(no text)"}", detail));
        }

        foreach (var f in await db.TriggerFirings.AsNoTracking().Where(f => f.ConversationId == conversationId).ToListAsync(cancellationToken))
        {
            items.Add(new TimelineItem(f.FiredAt, TimelineKind.Automation, $"Trigger fired: {TriggerName(f.TriggerId)}",
                f.Captures.Count == 0 ? null : "* matched " + string.Join(", ", f.Captures)));
        }

        foreach (var m in await db.OutgoingMessages.AsNoTracking().Where(m => m.ConversationId == conversationId).ToListAsync(cancellationToken))
        {
            items.Add(new TimelineItem(m.CompletedAt ?? m.CreatedAt, TimelineKind.Greeting, $"Greeting {OutboxApi.Name(m.Status).Replace('_', ' ')}: \"{m.Text}\"", m.LastError));
        }

        var conversions = await db.Conversions.AsNoTracking().Where(c => c.ConversationId == conversationId).ToListAsync(cancellationToken);
        var metaStatuses = await MetaConversionStatuses.LoadAsync(db, conversions.ConvertAll(c => c.Id), cancellationToken);
        foreach (var c in conversions)
        {
            var meta = metaStatuses.TryGetValue(c.Id, out var status) ? $" · {status.Summary}" : "";
            items.Add(new TimelineItem(c.OccurredAt, TimelineKind.Conversion, $"Conversion: {c.Type}{(c.Value is { } v ? $" {v:0.##} {c.Currency}" : "")}", $"external id {c.ExternalId}{meta}", true));
        }

        foreach (var i in await db.IdentityEvents.AsNoTracking().Where(i => i.ConversationId == conversationId).ToListAsync(cancellationToken))
        {
            var title = i.Kind == IdentityEventKinds.Merged ? "Conversations merged" : "WhatsApp user id changed";
            items.Add(new TimelineItem(i.OccurredAt, TimelineKind.Identity, title, i.Detail));
        }

        var tags = await db.ConversationTags.AsNoTracking().Where(t => t.ConversationId == conversationId).Select(t => t.Label).ToListAsync(cancellationToken);
        return new ConversationTimeline(conversation, items.OrderBy(i => i.At).ThenBy(i => i.Kind).ToList(), tags) { FirstTouch = first, LatestTouch = latest };
    }

    /// <summary>"open, closes in 3 h 12 min" or "closed 2 days ago".</summary>
    public static (bool Open, string Text) WindowState(DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        if (expiresAt is not { } expires)
        {
            return (false, "No reply window yet");
        }

        var left = expires - now;
        return left > TimeSpan.Zero
            ? (true, $"Reply window open: closes in {Span(left)}")
            : (false, $"Reply window closed {Span(-left)} ago");
    }

    private static string Span(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} min"
        : $"{span.Minutes} min {span.Seconds:00} s";
}
