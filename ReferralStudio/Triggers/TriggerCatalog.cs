using ReferralStudio.Hosting;
using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Triggers;

/// <summary>
/// All enabled triggers compiled into one immutable matcher plus their actions, swapped atomically
/// whenever a trigger changes. Readers take <see cref="Current"/> once and use it without locks.
/// </summary>
public sealed class TriggerCatalog(IDbContextFactory<AppDbContext> contexts, ISharedChanges changes)
{
    private volatile Snapshot _current = new(TriggerMatcher.Empty, FrozenDictionary<long, Trigger>.Empty);
    private readonly SemaphoreSlim _reload = new(1, 1);

    public Snapshot Current => _current;

    /// <summary>After a change to the triggers: reloads, and has every other instance reload.</summary>
    public async Task ChangedAsync(CancellationToken cancellationToken = default)
    {
        await ReloadAsync(cancellationToken);
        await changes.AnnounceAsync(SharedState.Triggers, cancellationToken);
    }

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        // Serialised so a slow reload can never overwrite a newer one.
        await _reload.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var enabled = await db.Triggers.AsNoTracking().Where(t => t.Enabled).ToListAsync(cancellationToken);
            _current = new Snapshot(
                TriggerMatcher.Build(enabled.Select(ToDefinition)),
                enabled.ToFrozenDictionary(t => t.Id));
        }
        finally
        {
            _reload.Release();
        }
    }

    public static TriggerDefinition ToDefinition(Trigger t) =>
        new(t.Id, t.Name, t.Pattern, t.Platforms, t.AdIds, t.Priority, t.CreatedAt);

    public sealed record Snapshot(TriggerMatcher Matcher, FrozenDictionary<long, Trigger> Triggers);
}
