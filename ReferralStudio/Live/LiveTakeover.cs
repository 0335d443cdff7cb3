using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Live;

/// <summary>
/// When an instance starts leading, the previous leader may have committed attributions it never got to broadcast (it
/// died between its commit and its announcement). The new leader announces the most recent ones again; boards keep one
/// row per touch id, so the ones they already have change nothing. A leader service of the engines with several
/// instances.
/// </summary>
public sealed class LiveTakeover(IDbContextFactory<AppDbContext> contexts, AttributionFeed feed) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        feed.Publish(await LiveQueries.SinceAsync(db, 0, AttributionHub.MaxBackfill, cancellationToken));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
