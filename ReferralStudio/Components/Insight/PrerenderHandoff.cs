using Microsoft.Extensions.Caching.Memory;

namespace ReferralStudio.Components.Insight;

/// <summary>
/// A page's data from its prerendered response, taken once by the same page's first interactive render: a heavy page's
/// queries run once per visit instead of twice (the prerender and the circuit each ran them, doubling the time to
/// interactive; bench/RESULTS.md, session 8). An entry lives a few seconds, the time a browser takes to connect its
/// circuit; an interactive load finding none reads the database.
/// </summary>
public sealed class PrerenderHandoff(IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <param name="interactive">The component's RendererInfo.IsInteractive: false while prerendering.</param>
    /// <param name="key">What the data depends on (page and its parameters): the same for the prerender and the circuit.</param>
    /// <param name="load">Reads the data from the database.</param>
    public async Task<T> LoadAsync<T>(bool interactive, string key, Func<Task<T>> load)
        where T : class
    {
        var entry = (typeof(PrerenderHandoff), key);
        if (interactive)
        {
            if (cache.TryGetValue(entry, out T? handed) && handed is not null)
            {
                cache.Remove(entry);
                return handed;
            }

            return await load();
        }

        var loaded = await load();
        cache.Set(entry, loaded, Lifetime);
        return loaded;
    }
}
