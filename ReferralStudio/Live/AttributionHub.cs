using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Referrals;

namespace ReferralStudio.Live;

/// <summary>
/// <c>/hubs/attribution</c>: every attribution is broadcast as <c>attribution</c> with one JSON argument.
/// A client calls <see cref="Since"/> on connect and after a reconnect to fill in what it missed, and <see cref="Today"/>
/// to learn when today ends in the business's time zone (a board's counts start again then).
/// Open to the signed-in dashboard and to API-key holders.
/// </summary>
[Authorize(Policy = LiveExtensions.PolicyName)]
public sealed class AttributionHub(IDbContextFactory<AppDbContext> contexts, BusinessDay days) : Hub
{
    public const string Path = "/hubs/attribution";
    public const string Method = "attribution";
    public const int MaxBackfill = 200;

    /// <summary>Attributions after <paramref name="afterTouchId"/> (0: the most recent ones), oldest first.</summary>
    public async Task<List<AttributionNotice>> Since(long afterTouchId)
    {
        await using var db = await contexts.CreateDbContextAsync(Context.ConnectionAborted);
        return await LiveQueries.SinceAsync(db, afterTouchId, afterTouchId == 0 ? 50 : MaxBackfill, Context.ConnectionAborted);
    }

    /// <summary>Today in the business's time zone: the window the board's counts cover, and what they count in words.</summary>
    public LiveDay Today() => LiveQueries.Today(days);
}

/// <summary>The day the live board counts: [Start, End) in UTC, and a sentence saying what is counted.</summary>
public sealed record LiveDay(DateOnly Day, DateTimeOffset Start, DateTimeOffset End, string Description);

/// <summary>Reads the live notices back from the database (initial page render and gap filling).</summary>
public static class LiveQueries
{
    public static async Task<List<AttributionNotice>> SinceAsync(AppDbContext db, long afterTouchId, int limit, CancellationToken cancellationToken)
    {
        var query = db.ReferralTouches.AsNoTracking().Where(t => t.IsCampaignTouch && t.Id > afterTouchId);
        // No cursor yet: the newest few; with a cursor: the next ones in order.
        query = afterTouchId == 0 ? query.OrderByDescending(t => t.Id) : query.OrderBy(t => t.Id);
        var rows = await query.Take(limit)
            .Select(t => new
            {
                t.Id, t.ConversationId, t.Platform, t.AccountId, t.ParticipantId, t.Ref, t.AdId, t.Source, t.Arrival, t.TriggerId,
                t.OccurredAt, t.ReceivedAt, t.Passive, t.Simulated,
                TriggerName = db.Triggers.Where(tr => tr.Id == t.TriggerId).Select(tr => tr.Name).FirstOrDefault(),
                ParticipantName = db.Conversations.Where(c => c.Id == t.ConversationId).Select(c => c.ParticipantName).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return rows
            .OrderBy(r => r.Id)
            .Select(r => new AttributionNotice(r.Id, r.ConversationId, r.Platform, r.AccountId, r.ParticipantId, r.ParticipantName, r.Ref, r.AdId,
                r.Source, r.Arrival, r.TriggerId, r.TriggerName, r.OccurredAt, r.ReceivedAt, r.Passive, r.Simulated))
            .ToList();
    }

    /// <summary>
    /// Today's attributions per campaign, today in the business's time zone (<see cref="Today"/>), for the board's
    /// running counts: campaign touches, by when they happened.
    /// </summary>
    public static async Task<List<(string Campaign, int Count)>> CountsTodayAsync(AppDbContext db, BusinessDay days, CancellationToken cancellationToken)
    {
        var today = days.TodayWindow;
        var rows = await db.ReferralTouches.AsNoTracking()
            .Where(t => t.IsCampaignTouch && t.OccurredAt >= today.Start && t.OccurredAt < today.End)
            .GroupBy(t => new { t.TriggerId, t.Ref, t.AdId })
            .Select(g => new { g.Key.TriggerId, g.Key.Ref, g.Key.AdId, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var names = await db.Triggers.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        return rows
            .GroupBy(r => CampaignNames.Of(r.TriggerId is { } id && names.TryGetValue(id, out var name) ? name : null, r.Ref, r.AdId))
            .Select(g => (g.Key, g.Sum(x => x.Count)))
            .OrderByDescending(x => x.Item2)
            .ToList();
    }

    /// <summary>The day <see cref="CountsTodayAsync"/> counts, with what it counts in words.</summary>
    public static LiveDay Today(BusinessDay days)
    {
        var today = days.TodayWindow;
        return new LiveDay(today.Day, today.Start, today.End, days.Describe("Campaign touches"));
    }
}
