using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Accounts;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Inbox;
using ReferralStudio.Outbound;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Triggers;

namespace ReferralStudio.Demo;

/// <summary>
/// Loads the demo data set through the real pipeline (inbox deliveries the normal processor attributes,
/// triggers and conversions through the same services as the API) and clears it again. Everything demo
/// hangs off account ids that start with <see cref="DemoDataGenerator.AccountPrefix"/>.
/// </summary>
public sealed class DemoLoader(
    IDbContextFactory<AppDbContext> contexts,
    TriggerService triggers,
    IInbox stored,
    InboxWriter inbox,
    DeliveryProgress progress,
    OutboundQueue outbound,
    IOptions<DemoOptions> options,
    TimeProvider time)
{
    /// <summary>How many conversations the demo set has (<c>Demo:Conversations</c>).</summary>
    public int DefaultConversations => options.Value.Conversations;

    private const string DemoLike = DemoDataGenerator.AccountPrefix + "%";

    /// <summary>Nothing received and nothing configured yet: the moment to offer demo data.</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return !await db.Conversations.AnyAsync(cancellationToken) && !await db.Triggers.AnyAsync(cancellationToken);
    }

    public async Task<bool> HasDemoDataAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.BusinessAccounts.AnyAsync(a => EF.Functions.Like(a.AccountId, DemoLike), cancellationToken)
            || await db.Conversations.AnyAsync(c => EF.Functions.Like(c.AccountId, DemoLike), cancellationToken);
    }

    public async Task<int> LoadAsync(int? conversations = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var data = DemoDataGenerator.Generate(now, conversations: conversations ?? DefaultConversations);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            foreach (var account in data.Accounts)
            {
                if (!await db.BusinessAccounts.AnyAsync(a => a.Platform == account.Platform && a.AccountId == account.AccountId, cancellationToken))
                {
                    db.BusinessAccounts.Add(new BusinessAccount { Platform = account.Platform, AccountId = account.AccountId, Handle = account.Handle, CreatedAt = now });
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        foreach (var trigger in data.Triggers)
        {
            var greeting = trigger.GreetingText is null ? null : new GreetingDto(trigger.GreetingText, GreetingModes.AfterFirstMessage);
            // A trigger of the same name or pattern may already exist: keep the user's.
            await triggers.CreateAsync(new TriggerRequest(trigger.Name, trigger.Pattern, trigger.Platforms.ToList(), [], 0, true, new TriggerActionsDto(trigger.Tags.ToList(), greeting)), cancellationToken);
        }

        // Queued together, so the inbox's group commit stores them in a few transactions.
        var ids = await Task.WhenAll(data.Deliveries.Select(d => inbox.StoreAsync(
            new InboxItem(System.Text.Encoding.UTF8.GetBytes(d.Body), DeliveryStatus.Pending, d.Object, null, d.ReceivedAt), cancellationToken)));

        // The normal processor attributes them; conversions need the conversations to exist first.
        await progress.WhenProcessedAsync(ids.Max(), cancellationToken);

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            foreach (var c in data.Conversions)
            {
                await ConversionsApi.RecordCoreAsync(
                    new RecordConversionRequest(null, c.Platform, c.ParticipantId, c.AccountId, c.Type, c.Value, c.Currency, c.OccurredAt, c.ExternalId),
                    db, outbound, time, cancellationToken);
                db.ChangeTracker.Clear();
            }
        }

        return data.Deliveries.Count;
    }

    /// <summary>Removes every row that belongs to a demo account, and the demo triggers.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        const string demo = "(SELECT Id FROM Conversations WHERE AccountId LIKE 'demo-%')";
        string[] statements =
        [
            $"UPDATE Conversations SET FirstReferralId = NULL, LatestReferralId = NULL WHERE Id IN {demo}",
            "DELETE FROM DeliveryOutcomes WHERE DeliveryId IN (SELECT DeliveryId FROM WebhookEvents WHERE AccountId LIKE 'demo-%')",
            .. ConversationTables(db).Select(table => $"DELETE FROM \"{table}\" WHERE ConversationId IN {demo}"),
            "DELETE FROM WebhookEvents WHERE AccountId LIKE 'demo-%'",
            FeedSearchIndex.ForgetConversationsSql(demo),
            "DELETE FROM Conversations WHERE AccountId LIKE 'demo-%'",
            "DELETE FROM BusinessAccounts WHERE AccountId LIKE 'demo-%'",
        ];
        var deliveries = await db.WebhookEvents.Where(e => EF.Functions.Like(e.AccountId!, DemoLike)).Select(e => e.DeliveryId).Distinct().ToListAsync(cancellationToken);
        // Campaign analytics first, while the rows it subtracts still exist.
        await CampaignRollup.RemoveConversationsAsync(db, demo, cancellationToken);
        foreach (var sql in statements)
        {
            await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
        }

        var names = DemoDataGenerator.Triggers.Select(t => t.Name).ToList();
        var demoTriggers = await db.Triggers.Where(t => names.Contains(t.Name)).Select(t => t.Id).ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        stored.Forget(deliveries);
        foreach (var id in demoTriggers)
        {
            await triggers.DeleteAsync(id, cancellationToken);
        }
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
