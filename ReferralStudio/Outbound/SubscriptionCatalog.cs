using ReferralStudio.Hosting;
using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Outbound;

/// <summary>
/// Which enabled endpoints want which event types, as an immutable snapshot swapped on every change,
/// so the hot path asks a dictionary instead of the database.
/// </summary>
public sealed class SubscriptionCatalog(IDbContextFactory<AppDbContext> contexts, ISharedChanges changes)
{
    private volatile FrozenDictionary<string, long[]> _byEvent = FrozenDictionary<string, long[]>.Empty;

    public IReadOnlyList<long> SubscribersOf(string eventType) =>
        _byEvent.TryGetValue(eventType, out var ids) ? ids : [];

    public bool HasSubscribers(string eventType) => _byEvent.ContainsKey(eventType);

    /// <summary>After each reload, with the ids of the enabled subscriptions.</summary>
    public event Action<IReadOnlySet<long>>? Reloaded;

    /// <summary>After a change to the subscriptions: reloads, and has every other instance reload.</summary>
    public async Task ChangedAsync(CancellationToken cancellationToken = default)
    {
        await ReloadAsync(cancellationToken);
        await changes.AnnounceAsync(SharedState.Subscriptions, cancellationToken);
    }

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var enabled = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Enabled).ToListAsync(cancellationToken);
        _byEvent = EventTypes.All
            .Select(type => (type, ids: enabled.Where(s => s.Events.Contains(type)).Select(s => s.Id).ToArray()))
            .Where(x => x.ids.Length > 0)
            .ToFrozenDictionary(x => x.type, x => x.ids);
        Reloaded?.Invoke(enabled.Select(s => s.Id).ToHashSet());
    }
}
