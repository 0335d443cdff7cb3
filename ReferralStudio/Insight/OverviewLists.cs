using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Referrals;

namespace ReferralStudio.Insight;

/// <summary>A campaign on the overview, with what the feed needs to show its touches.</summary>
public sealed record TopCampaign(string Name, int Count, long? TriggerId, string? Ref, string? AdId)
{
    /// <summary>The feed filter for this campaign: its trigger, else its code (as a prefix), else its ad id.</summary>
    public string FeedFilter => TriggerId is { } trigger ? $"trigger={trigger.ToString(CultureInfo.InvariantCulture)}"
        : Ref is not null ? $"ref={Uri.EscapeDataString(Ref)}"
        : AdId is not null ? $"q={Uri.EscapeDataString(AdId)}"
        : "";
}

/// <summary>A conversation whose first campaign touch is recent, and the campaign it is credited to.</summary>
public sealed record RecentAttribution(long ConversationId, string Platform, string ParticipantId, string? Name, string? Username, DateTimeOffset At, string Campaign);

/// <summary>The overview's lists: top campaigns with their keys (so each links to the feed) and the latest attributed conversations.</summary>
public static class OverviewLists
{
    // The same rows as the overview's top campaigns, with a trigger, code and ad id to filter the feed by
    // (one of each per name: a name is one trigger, one code or one ad).
    private static readonly string TopCampaignsSql = $"""
        SELECT {CampaignNames.Sql("tr.Name", "t.Ref", "t.AdId")} AS Name, COUNT(*) AS Count, MIN(tr.Id) AS TriggerId, MIN(t.Ref) AS Ref, MIN(t.AdId) AS AdId
        FROM Conversations c JOIN ReferralTouches t ON t.Id = c.FirstReferralId LEFT JOIN Triggers tr ON tr.Id = t.TriggerId
        WHERE c.FirstReferralAt >= $since AND c.FirstReferralAt < $until
        GROUP BY 1 ORDER BY Count DESC, Name LIMIT $limit
        """;

    public static Task<List<TopCampaign>> TopCampaignsAsync(AppDbContext db, DateTimeOffset since, DateTimeOffset until, int limit, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<TopCampaign>(TopCampaignsSql,
            new SqliteParameter("$since", UnixMs.From(since)), new SqliteParameter("$until", UnixMs.From(until)), new SqliteParameter("$limit", limit))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// The newest conversations whose first campaign touch falls in the range: touches newest first on their time
    /// index, each checked against its conversation by key, stopping after <paramref name="limit"/>.
    /// </summary>
    public static async Task<List<RecentAttribution>> LatestAsync(AppDbContext db, DateTimeOffset since, DateTimeOffset until, int limit, CancellationToken cancellationToken)
    {
        var rows = await db.ReferralTouches.AsNoTracking()
            .Where(t => t.IsCampaignTouch && t.OccurredAt >= since && t.OccurredAt < until)
            .Join(db.Conversations.AsNoTracking(), t => t.ConversationId, c => c.Id, (t, c) => new { Touch = t, Conversation = c })
            .Where(x => x.Conversation.FirstReferralId == x.Touch.Id)
            .OrderByDescending(x => x.Touch.OccurredAt).ThenByDescending(x => x.Touch.Id)
            .Take(limit)
            .Select(x => new
            {
                x.Conversation.Id, x.Conversation.Platform, x.Conversation.ParticipantId, x.Conversation.ParticipantName, x.Conversation.ParticipantUsername,
                x.Touch.OccurredAt, x.Touch.Ref, x.Touch.AdId,
                Trigger = db.Triggers.Where(tr => tr.Id == x.Touch.TriggerId).Select(tr => tr.Name).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(r => new RecentAttribution(r.Id, r.Platform, r.ParticipantId, r.ParticipantName, r.ParticipantUsername, r.OccurredAt, CampaignNames.Of(r.Trigger, r.Ref, r.AdId)));
    }
}
