using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Accounts;
using ReferralStudio.Audit;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Inbox;
using ReferralStudio.MetaConversions;
using ReferralStudio.Outbound;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Triggers;

namespace ReferralStudio.Demo;

/// <summary>
/// Loads the demo data set through the real pipeline (inbox deliveries the normal processor attributes,
/// triggers and conversions through the same services as the API) and clears it again, one operation at a time:
/// a second load or clear while one runs is refused, not interleaved. Clearing removes only demo rows (see
/// <see cref="DemoQueries"/>). Each step is reported to the caller's <see cref="IProgress{T}"/> and to
/// <see cref="ProgressChanged"/>, and <see cref="Current"/> shows the operation under way to any page.
/// </summary>
public sealed class DemoLoader(
    IDbContextFactory<AppDbContext> contexts,
    TriggerService triggers,
    TriggerCatalog catalog,
    IInbox stored,
    InboxWriter inbox,
    DeliveryProgress deliveries,
    OutboundQueue outbound,
    MetaConversionQueue metaConversions,
    IOptions<DemoOptions> options,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>Conversions per transaction: one commit for many, yet short enough that the processor never waits long for the write lock.</summary>
    private const int ConversionsPerTransaction = 64;

    /// <summary>Progress reports per stage of many items.</summary>
    private const int StepsPerStage = 20;

    private const string Loading = "Demo data is already being loaded; wait until it has finished.";
    private const string Clearing = "Demo data is being cleared; wait until it has finished.";
    private const string AlreadyLoaded = "Demo data is already loaded; clear it before loading it again.";

    private readonly SemaphoreSlim _exclusive = new(1, 1);
    private volatile string _busy = Loading;
    private volatile DemoProgress? _current;

    /// <summary>How many conversations the demo set has (<c>Demo:Conversations</c>).</summary>
    public int DefaultConversations => options.Value.Conversations;

    /// <summary>The load or clear under way, as last reported; null when none is.</summary>
    public DemoProgress? Current => _current;

    /// <summary>
    /// Every step of a load or clear, from whichever page started it, on a background thread; the last is
    /// <see cref="DemoStage.Done"/> or <see cref="DemoStage.Stopped"/>, raised once <see cref="Current"/> is null again.
    /// </summary>
    public event Action<DemoProgress>? ProgressChanged;

    /// <summary>Nothing received and nothing configured yet. The demo offer now asks <see cref="HasRealAttributionAsync"/>.</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return !await db.Conversations.AnyAsync(cancellationToken) && !await db.Triggers.AnyAsync(cancellationToken);
    }

    /// <summary>
    /// Whether any campaign touch in [<paramref name="from"/>, <paramref name="until"/>) is not demo data: while none
    /// is, the overview has nothing of the user's to show for that range and offers the demo. A few index seeks.
    /// </summary>
    public async Task<bool> HasRealAttributionAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await DemoQueries.HasRealAttributionAsync(db, from, until, cancellationToken);
    }

    /// <summary>Whether any demo data is loaded (or partly loaded): the moment to offer clearing it. Index seeks only.</summary>
    public async Task<bool> HasDemoDataAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await DemoQueries.HasDemoDataAsync(db, cancellationToken);
    }

    /// <summary>What <see cref="ClearAsync"/> would remove now, for its confirmation. Reads the conversations once.</summary>
    public async Task<DemoSummary> SummarizeAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await DemoQueries.SummarizeAsync(db, cancellationToken);
    }

    /// <summary>
    /// Loads <paramref name="conversations"/> (default <see cref="DefaultConversations"/>) demo conversations and
    /// returns once they are attributed and their conversions recorded. Refused (see <see cref="DemoLoadResult.Refusal"/>)
    /// while another load or clear runs, or while demo data is loaded. Runs off the caller's thread; a cancelled or
    /// failed load leaves what it wrote, which <see cref="ClearAsync"/> removes. Audited as done <paramref name="by"/> (null: the app itself).
    /// </summary>
    public async Task<DemoLoadResult> LoadAsync(
        int? conversations = null, IProgress<DemoProgress>? progress = null, CancellationToken cancellationToken = default, AuditActor? by = null)
    {
        var count = conversations ?? DefaultConversations;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(conversations));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, DemoDataGenerator.MaxConversations, nameof(conversations));
        return await ExclusiveAsync(Loading, DemoProgressTracker.ForLoad(), progress, async report =>
            await HasDemoDataAsync(cancellationToken)
                ? DemoLoadResult.Refused(AlreadyLoaded)
                : await LoadCoreAsync(by ?? AuditActor.System, count, report, cancellationToken),
            DemoLoadResult.Refused);
    }

    /// <summary>
    /// Removes the demo conversations with everything keyed to them, and the triggers and accounts the demo created;
    /// a user's own rows stay, whatever their names. Waits first until the processor has applied every stored delivery,
    /// so none of a load's arrives after the clear. Refused while a load or another clear runs. Audited in the clear's
    /// transaction as done <paramref name="by"/> (null: the app itself).
    /// </summary>
    public async Task<DemoClearResult> ClearAsync(IProgress<DemoProgress>? progress = null, CancellationToken cancellationToken = default, AuditActor? by = null) =>
        await ExclusiveAsync(Clearing, DemoProgressTracker.ForClear(), progress, report => ClearCoreAsync(by ?? AuditActor.System, report, cancellationToken), DemoClearResult.Refused);

    /// <summary>
    /// Runs one load or clear at a time, off the caller's thread (a Blazor circuit keeps rendering the progress);
    /// refuses at once, with the reason, when another runs.
    /// </summary>
    private async Task<TResult> ExclusiveAsync<TResult>(
        string busy, DemoProgressTracker tracker, IProgress<DemoProgress>? progress,
        Func<Action<DemoStage, int, int>, Task<TResult>> work, Func<string, TResult> refuse)
    {
        if (!_exclusive.Wait(0))
        {
            return refuse(_busy);
        }

        _busy = busy;
        var reported = false;
        DemoProgress? last = null;
        try
        {
            var result = await Task.Run(() => work((stage, done, total) =>
            {
                reported = true;
                var step = tracker.Step(stage, done, total);
                _current = step;
                Raise(step, progress);
            }));
            last = reported ? tracker.Finish() : null;
            return result;
        }
        catch
        {
            last = tracker.Stop();
            throw;
        }
        finally
        {
            // Free first, then say so: whoever reacts to the last report can start the next operation.
            _current = null;
            _exclusive.Release();
            if (last is not null)
            {
                Raise(last, progress);
            }
        }
    }

    private void Raise(DemoProgress step, IProgress<DemoProgress>? progress)
    {
        progress?.Report(step);
        ProgressChanged?.Invoke(step);
    }

    private async Task<DemoLoadResult> LoadCoreAsync(AuditActor by, int conversations, Action<DemoStage, int, int> report, CancellationToken cancellationToken)
    {
        report(DemoStage.Preparing, 0, 1);
        var now = time.GetUtcNow();
        var data = DemoDataGenerator.Generate(now, conversations: conversations);
        var items = data.Deliveries.Select(d => new InboxItem(Encoding.UTF8.GetBytes(d.Body), DeliveryStatus.Pending, d.Object, null, d.ReceivedAt) { Bulk = true }).ToList();
        report(DemoStage.Preparing, 1, 1);

        var setUp = data.Accounts.Count + data.Triggers.Count;
        report(DemoStage.Triggers, 0, setUp);
        await AddAccountsAsync(data.Accounts, now, cancellationToken);
        var done = data.Accounts.Count;
        report(DemoStage.Triggers, done, setUp);
        foreach (var trigger in data.Triggers)
        {
            var greeting = trigger.GreetingText is null ? null : new GreetingDto(trigger.GreetingText, GreetingModes.AfterFirstMessage);
            // A trigger of the same pattern may already exist: the user's is kept and fires for the demo too.
            await triggers.CreateAsync(
                by,
                new TriggerRequest(trigger.Name, trigger.Pattern, trigger.Platforms.ToList(), [], 0, true, new TriggerActionsDto(trigger.Tags.ToList(), greeting)),
                demo: true,
                cancellationToken);
            report(DemoStage.Triggers, ++done, setUp);
        }

        await FeedAsync(items, report, cancellationToken);
        var recorded = await RecordConversionsAsync(data.Conversions, report, cancellationToken);
        // Many transactions make a load: its entry comes once it has finished (each demo trigger has its own before).
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            audit.AddEvent(db, by, AuditActions.DemoLoaded, DemoSnapshot()
                .Field("accounts", data.Accounts.Count).Field("triggers", data.Triggers.Count)
                .Field("conversations", conversations).Field("deliveries", items.Count).Field("conversions", recorded),
                $"Loaded the demo data: {conversations} conversations, {recorded} conversions");
            await db.SaveChangesAsync(cancellationToken);
        }

        return new DemoLoadResult(null, conversations, items.Count, recorded);
    }

    private async Task AddAccountsAsync(IReadOnlyList<DemoAccount> accounts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var account in accounts)
        {
            // An account that already exists is not the demo's to remove later.
            if (!await db.BusinessAccounts.AnyAsync(a => a.Platform == account.Platform && a.AccountId == account.AccountId, cancellationToken))
            {
                db.BusinessAccounts.Add(new BusinessAccount { Platform = account.Platform, AccountId = account.AccountId, Handle = account.Handle, CreatedAt = now, IsDemo = true });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Feeds the deliveries in slices, each stored (one group commit) and attributed before the next: the processor
    /// commits once it has caught up, so each slice shows as progress, where all at once was one long transaction and a
    /// bar standing still. A slice is never abandoned midway: queued deliveries are stored anyway, and cancelling
    /// between slices leaves nothing pending.
    /// </summary>
    private async Task FeedAsync(List<InboxItem> items, Action<DemoStage, int, int> report, CancellationToken cancellationToken)
    {
        var slice = Math.Max(1, (items.Count + StepsPerStage - 1) / StepsPerStage);
        report(DemoStage.Deliveries, 0, items.Count);
        for (var start = 0; start < items.Count; start += slice)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var group = items.GetRange(start, Math.Min(slice, items.Count - start));
            var ids = await Task.WhenAll(group.ConvertAll(item => inbox.StoreAsync(item, CancellationToken.None)));
            await deliveries.WhenProcessedAsync(ids.Max(), cancellationToken);
            report(DemoStage.Deliveries, start + group.Count, items.Count);
        }
    }

    /// <summary>
    /// Through the API's own recording (first and last touch, rollup, outbound events), many per transaction: one
    /// commit each had been most of a load's time. Conversions need their conversations, so this comes last.
    /// </summary>
    private async Task<int> RecordConversionsAsync(IReadOnlyList<DemoConversion> conversions, Action<DemoStage, int, int> report, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var done = 0;
        var recorded = 0;
        report(DemoStage.Conversions, 0, conversions.Count);
        foreach (var chunk in conversions.Chunk(ConversionsPerTransaction))
        {
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                foreach (var c in chunk)
                {
                    var (_, created, _) = await ConversionsApi.RecordCoreAsync(
                        new RecordConversionRequest(null, c.Platform, c.ParticipantId, c.AccountId, c.Type, Math.Round((decimal)c.Value, 2), c.Currency, c.OccurredAt, c.ExternalId),
                        db, outbound, metaConversions, time, cancellationToken);
                    recorded += created ? 1 : 0;
                    db.ChangeTracker.Clear();
                }

                await transaction.CommitAsync(cancellationToken);
            }

            outbound.Wake();
            done += chunk.Length;
            report(DemoStage.Conversions, done, conversions.Count);
        }

        return recorded;
    }

    private static AuditSnapshot DemoSnapshot() => new(AuditActions.Demo, "demo", "Demo data");

    private async Task<DemoClearResult> ClearCoreAsync(AuditActor by, Action<DemoStage, int, int> report, CancellationToken cancellationToken)
    {
        const int Steps = 4;
        report(DemoStage.Clearing, 0, Steps);
        await deliveries.WhenIdleAsync(cancellationToken);
        report(DemoStage.Clearing, 1, Steps);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await DemoQueries.SummarizeAsync(db, cancellationToken);
        var demo = DemoQueries.DemoConversationIds;
        var demoAccount = DemoQueries.IsDemoAccount("AccountId");
        string[] statements =
        [
            $"UPDATE Conversations SET FirstReferralId = NULL, LatestReferralId = NULL WHERE Id IN {demo}",
            $"DELETE FROM DeliveryOutcomes WHERE DeliveryId IN (SELECT DeliveryId FROM WebhookEvents WHERE {demoAccount})",
            .. ConversationTables(db).Select(table => $"DELETE FROM \"{table}\" WHERE ConversationId IN {demo}"),
            $"DELETE FROM WebhookEvents WHERE {demoAccount}",
            // SQLite's separate search index; PostgreSQL's trigram index goes with the conversations' rows.
            .. (db.Database.IsSqlite() ? new[] { FeedSearchIndex.ForgetConversationsSql(demo) } : []),
            $"DELETE FROM Conversations WHERE {demoAccount}",
            "DELETE FROM BusinessAccounts WHERE IsDemo = TRUE",
            // Touches and firings of the user's own conversations keep the id, as when a user deletes a trigger.
            "DELETE FROM Triggers WHERE IsDemo = TRUE",
        ];
        var deliveryIds = await db.Database.SqlQueryRaw<long>(DemoQueries.DemoDeliveryIdsSql).ToListAsync(cancellationToken);
        // Campaign analytics first, while the rows it subtracts still exist.
        await CampaignRollup.RemoveConversationsAsync(db, demo, cancellationToken);
        report(DemoStage.Clearing, 2, Steps);
        foreach (var sql in statements)
        {
            await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
        }

        audit.AddEvent(db, by, AuditActions.DemoCleared, DemoSnapshot()
            .Field("accounts", removed.Accounts).Field("triggers", removed.Triggers)
            .Field("conversations", removed.Conversations).Field("conversions", removed.Conversions),
            $"Cleared the demo data: {removed.Conversations} conversations, {removed.Triggers} triggers, {removed.Accounts} accounts");
        await db.SaveChangesAsync(cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        report(DemoStage.Clearing, 3, Steps);
        stored.Forget(deliveryIds);
        await catalog.ChangedAsync(cancellationToken);
        report(DemoStage.Clearing, Steps, Steps);
        return new DemoClearResult(null, removed);
    }

    /// <summary>
    /// Every table whose rows belong to a conversation (a <c>ConversationId</c> column), read from the model, so a
    /// feature's new table is cleared with the rest. Only the conversation's own referral ids point back at them,
    /// and they are cleared first.
    /// </summary>
    internal static IEnumerable<string> ConversationTables(AppDbContext db) =>
        db.Model.GetEntityTypes()
            .Where(t => t.ClrType != typeof(Conversation) && t.GetViewName() is null && t.FindProperty(nameof(ReferralTouch.ConversationId)) is not null)
            .Select(t => t.GetTableName()!)
            .Order(StringComparer.Ordinal);
}
