using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Hosting;

namespace ReferralStudio.Links.Trackable;

/// <summary>Where a slug leads now: the built link (null when the stored target no longer builds) and whether it is enabled.</summary>
public sealed record LinkRoute(long LinkId, string Slug, string Platform, string Code, string? Url, bool Enabled);

/// <summary>
/// Every trackable link's route in memory, so <c>/go/</c> answers without a query. Swapped whole after each change here,
/// and reloaded when another instance announces one (<see cref="SharedState.TrackableLinks"/>).
/// </summary>
public sealed class TrackableLinkCatalog(IDbContextFactory<AppDbContext> contexts, ISharedChanges changes)
{
    private volatile FrozenDictionary<string, LinkRoute> _routes = FrozenDictionary<string, LinkRoute>.Empty;
    private readonly SemaphoreSlim _reload = new(1, 1);

    /// <summary>After each swap of the routes, whatever caused it (a change here, another instance's, a reconnect).</summary>
    public event Action? Reloaded;

    /// <summary>Slugs are stored lower case; a hand-typed capital still finds its link.</summary>
    public LinkRoute? Find(string slug) => _routes.GetValueOrDefault(slug);

    public async Task ChangedAsync(CancellationToken cancellationToken = default)
    {
        await ReloadAsync(cancellationToken);
        await changes.AnnounceAsync(SharedState.TrackableLinks, cancellationToken);
    }

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        // Serialised so a slow reload can never overwrite a newer one.
        await _reload.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var links = await db.TrackableLinks.AsNoTracking().ToListAsync(cancellationToken);
            _routes = links.Select(ToRoute).ToFrozenDictionary(r => r.Slug, StringComparer.OrdinalIgnoreCase);
        }
        finally
        {
            _reload.Release();
        }

        Reloaded?.Invoke();
    }

    public static LinkRoute ToRoute(TrackableLink link) =>
        new(link.Id, link.Slug, link.Platform, link.Code, LinkBuilder.Build(link.Platform, link.Account, link.Code, link.WhatsAppTemplate).Url, link.Enabled);
}
