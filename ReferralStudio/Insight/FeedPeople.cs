using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Insight;

/// <summary>Who a feed row is about: the participant's name and username, as the conversation knows them.</summary>
public sealed record FeedPerson(string? Name, string? Username);

/// <summary>
/// The names behind one feed page: the page's conversations by primary key (at most a page of them) and the
/// business accounts' handles (a handful of rows), read after the page so the feed's indexed query stays as it is.
/// </summary>
public static class FeedPeople
{
    public static async Task<Dictionary<long, FeedPerson>> OfAsync(AppDbContext db, IEnumerable<FeedRow> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.ConversationId).Distinct().ToList();
        return await db.Conversations.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.ParticipantName, c.ParticipantUsername })
            .ToDictionaryAsync(c => c.Id, c => new FeedPerson(c.ParticipantName, c.ParticipantUsername), cancellationToken);
    }

    /// <summary>Account handles by (platform, account id).</summary>
    public static async Task<Dictionary<(string Platform, string AccountId), string>> AccountHandlesAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var accounts = await db.BusinessAccounts.AsNoTracking().Select(a => new { a.Platform, a.AccountId, a.Handle }).ToListAsync(cancellationToken);
        return accounts.DistinctBy(a => (a.Platform, a.AccountId)).ToDictionary(a => (a.Platform, a.AccountId), a => a.Handle);
    }
}
