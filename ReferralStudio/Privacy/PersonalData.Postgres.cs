using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Outbound;

namespace ReferralStudio.Privacy;

/// <summary>
/// The PostgreSQL side of <see cref="PersonalData"/>: the same rows found and removed, in PostgreSQL's terms. The inbox is
/// a table of the same database, so one transaction covers everything; there is no separate search index (the trigram
/// index is on the conversations themselves). Deleted and emptied rows are gone from every query at commit; their old
/// versions stay in the tables' pages until VACUUM marks them free, which runs on the touched tables right after.
/// </summary>
public sealed partial class PersonalData
{
    /// <summary>The person's events (see <see cref="EventsOfPerson"/>), in LINQ: <c>= ANY(...)</c> over their ids.</summary>
    private static IQueryable<WebhookEvent> PostgresEventsOf(AppDbContext db, Conversation c, IReadOnlySet<string> ids)
    {
        List<string?> idList = [.. ids];
        var (id, platform, account) = (c.Id, c.Platform, c.AccountId);
        return db.WebhookEvents.Where(e => e.ConversationId == id
            || (e.ConversationId == null && e.Platform == platform && e.AccountId == account && idList.Contains(e.ParticipantId)));
    }

    /// <summary>
    /// Outbound deliveries whose payload text holds the conversation's id: a superset, narrowed by <see cref="IsAbout"/>.
    /// (PostgreSQL 15 has no safe cast of text to JSON; one payload that is not JSON must not fail an export.)
    /// </summary>
    private static IQueryable<OutboundDelivery> PostgresOutboundCandidates(AppDbContext db, long conversationId)
    {
        var text = conversationId.ToString(CultureInfo.InvariantCulture);
        return db.OutboundDeliveries.Where(d => d.Payload.Contains(text));
    }

    /// <summary>Whether the payload's <c>data.conversation.id</c> is the number <paramref name="conversationId"/> (what <see cref="OutboundOfConversation"/> asks SQLite).</summary>
    internal static bool IsAbout(string payload, long conversationId)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("conversation", out var conversation) && conversation.ValueKind == JsonValueKind.Object
                && conversation.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number
                && id.TryGetInt64(out var value) && value == conversationId;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<ErasureResult?> ErasePostgresAsync(long conversationId, CancellationToken cancellationToken)
    {
        ErasureResult? result;
        IReadOnlyList<string> touched;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Locked first: a processor transaction changing the conversation finishes before, or waits until after, the erasure.
            var c = await db.Conversations.FromSqlRaw("SELECT * FROM Conversations WHERE Id = {0} FOR UPDATE", conversationId)
                .AsNoTracking().SingleOrDefaultAsync(cancellationToken);
            if (c is null)
            {
                return null;
            }

            var aliases = await db.ParticipantAliases.AsNoTracking().Where(a => a.ConversationId == conversationId).ToListAsync(cancellationToken);
            var ids = IdsOf(c, aliases);
            var deliveryIds = await PostgresEventsOf(db, c, ids).Select(e => e.DeliveryId).Distinct().ToListAsync(cancellationToken);
            var outboundIds = (await PostgresOutboundCandidates(db, conversationId).Select(d => new { d.Id, d.Payload }).ToListAsync(cancellationToken))
                .Where(d => IsAbout(d.Payload, conversationId)).Select(d => d.Id).ToList();
            var one = $"({conversationId.ToString(CultureInfo.InvariantCulture)})";
            object[] id = [conversationId];

            // Campaign analytics first, while the rows it subtracts still exist.
            await CampaignRollup.RemoveConversationsAsync(db, one, cancellationToken);
            await db.Database.ExecuteSqlRawAsync("UPDATE Conversations SET FirstReferralId = NULL, LatestReferralId = NULL WHERE Id = {0}", id, cancellationToken);

            var tables = new PersonalTables(db);
            var removed = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var table in tables.KeyedToConversation)
            {
                var delete = $"DELETE FROM \"{table}\" WHERE ConversationId = {{0}}";
                removed[table] = await db.Database.ExecuteSqlRawAsync(delete, id, cancellationToken);
            }

            var eventCount = await PostgresEventsOf(db, c, ids).ExecuteDeleteAsync(cancellationToken);
            await db.OutboundAttempts.Where(a => outboundIds.Contains(a.DeliveryId)).ExecuteDeleteAsync(cancellationToken);
            var outbound = await db.OutboundDeliveries.Where(d => outboundIds.Contains(d.Id)).ExecuteDeleteAsync(cancellationToken);
            var conversations = await db.Conversations.Where(x => x.Id == conversationId).ExecuteDeleteAsync(cancellationToken);
            // As on SQLite: the delivery's row and outcome stay, its bytes go.
            var bodies = await db.Set<StoredDelivery>().Where(d => deliveryIds.Contains(d.Id) && d.Body.Length > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Body, Array.Empty<byte>()), cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            result = tables.Result(conversationId, conversations, removed, eventCount, outbound, bodies);
            touched = tables.All;
        }

        await VacuumAsync(touched, cancellationToken);
        LogErased(logger, conversationId, result.Events, result.InboundBodiesEmptied);
        return result;
    }

    /// <summary>
    /// Frees the erased rows' old versions (and their TOAST chunks and index entries) for reuse now rather than at the next
    /// autovacuum. Outside any transaction, as VACUUM must be. It does not rewrite the files (VACUUM FULL would, under an
    /// exclusive lock): see the README's PostgreSQL notes for what remains on disk until overwritten.
    /// </summary>
    private async Task VacuumAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            // The model's own table names.
            var vacuum = $"VACUUM {string.Join(", ", tables.Select(t => $"\"{t}\""))}";
            await db.Database.ExecuteSqlRawAsync(vacuum, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            // The erasure is committed; autovacuum frees the rows later.
            LogVacuumFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "After an erasure VACUUM of the touched tables failed; autovacuum frees the erased rows' space later")]
    private static partial void LogVacuumFailed(ILogger logger, Exception exception);
}
