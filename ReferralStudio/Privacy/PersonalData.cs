using System.Data;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Messaging;
using ReferralStudio.MetaConversions;
using ReferralStudio.Outbound;
using ReferralStudio.Referrals;
using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Privacy;

/// <summary>
/// One person's data, found through one of their conversations: exported (GDPR Art. 15) or erased (Art. 17).
/// The person is the conversation, every row keyed to it, and the rows that carry one of their ids without being keyed to
/// it (events parked without a conversation); the outbound deliveries that name the conversation; and the raw inbox bodies
/// of the deliveries that carried their events.
/// </summary>
/// <remarks>
/// On SQLite (<paramref name="database"/> registered) the erasure works on both files through a connection of its own and
/// compacts them; on PostgreSQL (no <see cref="SqliteFiles"/>) it runs through EF in one transaction and then vacuums the
/// tables it touched (see <c>ErasePostgresAsync</c>).
/// </remarks>
public sealed partial class PersonalData(
    IDbContextFactory<AppDbContext> contexts,
    TimeProvider time,
    ILogger<PersonalData> logger,
    SqliteFiles? database = null)
{
    /// <summary>
    /// The person's events: those of the conversation, and those that name one of their ids ($ids, a JSON array) on its
    /// platform and account without belonging to a conversation (rejected ones, group context). The second part reads the
    /// whole table (no index on the participant), which an export or erasure can afford and the processor need not keep up.
    /// </summary>
    private const string EventsOfPerson = """
        (ConversationId = $id
         OR (ConversationId IS NULL AND Platform = $platform AND AccountId = $account AND ParticipantId IN (SELECT value FROM json_each($ids))))
        """;

    /// <summary>Outbound events about the conversation: every event type names it in <c>data.conversation.id</c>.</summary>
    private const string OutboundOfConversation = """
        (CASE WHEN json_valid(Payload) THEN json_extract(Payload, '$.data.conversation.id') END) = $id
        """;

    /// <summary>Everything stored about the person of conversation <paramref name="conversationId"/>; null when there is no such conversation.</summary>
    public async Task<PersonalDataExport?> ExportAsync(long conversationId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var postgres = db.Database.IsNpgsql();
        // One read snapshot for every table: on SQLite a deferred transaction takes no write lock; on PostgreSQL a
        // repeatable-read transaction reads one snapshot and takes no lock a writer waits for.
        await using IAsyncDisposable snapshot = postgres
            ? await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken)
            : await UseDeferredAsync(db, cancellationToken);

        var c = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == conversationId, cancellationToken);
        if (c is null)
        {
            return null;
        }

        var aliases = await db.ParticipantAliases.AsNoTracking().Where(a => a.ConversationId == conversationId)
            .OrderBy(a => a.Alias).ToListAsync(cancellationToken);
        var ids = IdsOf(c, aliases);
        var parameters = Parameters(c, ids);

        var touches = await db.ReferralTouches.AsNoTracking().Where(t => t.ConversationId == conversationId)
            .OrderBy(t => t.OccurredAt).ThenBy(t => t.Id).ToListAsync(cancellationToken);
        var events = await (postgres ? PostgresEventsOf(db, c, ids) : db.WebhookEvents.FromSqlRaw($"SELECT * FROM WebhookEvents WHERE {EventsOfPerson}", parameters()))
            .AsNoTracking().OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var identity = await db.IdentityEvents.AsNoTracking().Where(i => i.ConversationId == conversationId).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        var tags = await db.ConversationTags.AsNoTracking().Where(t => t.ConversationId == conversationId).OrderBy(t => t.AddedAt).ThenBy(t => t.Label).ToListAsync(cancellationToken);
        var firings = await db.TriggerFirings.AsNoTracking().Where(f => f.ConversationId == conversationId).OrderBy(f => f.Id).ToListAsync(cancellationToken);
        var greetings = await db.OutgoingMessages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var conversions = await db.Conversions.AsNoTracking().Where(v => v.ConversationId == conversationId).OrderBy(v => v.Id).ToListAsync(cancellationToken);
        // The events for Meta carry the person's ids (ctwa_clid, page- or Instagram-scoped id): theirs too.
        var meta = await MetaConversionStatuses.LoadAsync(db, conversions.ConvertAll(v => v.Id), cancellationToken);
        var outbound = postgres
            ? (await PostgresOutboundCandidates(db, c.Id).AsNoTracking().OrderBy(d => d.Id).ToListAsync(cancellationToken)).FindAll(d => IsAbout(d.Payload, c.Id))
            : await db.OutboundDeliveries.FromSqlRaw($"SELECT * FROM OutboundDeliveries WHERE {OutboundOfConversation}", new SqliteParameter("$id", c.Id)).AsNoTracking()
                .OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var deliveryIds = events.Select(e => e.DeliveryId).Distinct().ToList();
        var inbound = await db.InboundDeliveries.AsNoTracking().Where(d => deliveryIds.Contains(d.Id))
            .OrderBy(d => d.Id).Select(d => new { d.Id, d.ReceivedAt, d.ObjectType, d.Body }).ToListAsync(cancellationToken);

        return new PersonalDataExport(
            time.GetUtcNow(),
            new ExportedConversation(c.Id, c.Platform, c.AccountId, c.ParticipantId, c.ParticipantName, c.ParticipantPhone, c.ParticipantUserId,
                c.ParticipantParentUserId, c.ParticipantUsername, c.CreatedAt, c.LastActivityAt, c.WindowExpiresAt, c.MessageCount, c.Simulated),
            aliases.ConvertAll(a => new ExportedAlias(a.Alias, a.Platform, a.AccountId)),
            touches.ConvertAll(t => ReferralDto.From(t)!),
            events.ConvertAll(e => new ExportedEvent(e.Id, e.DeliveryId, e.Status.ToString().ToLowerInvariant(), e.Reason, e.Platform, e.Kind, e.AccountId,
                e.ParticipantId, e.OccurredAt, e.ReceivedAt, e.MessageId, e.Text, e.Ref, e.RefRejection, ParseOrString(e.RawJson), e.ConversationId)),
            identity.ConvertAll(i => new ExportedIdentityEvent(i.Id, i.OccurredAt, i.Kind, i.Detail)),
            tags.ConvertAll(t => new ExportedTag(t.Label, t.TriggerId, t.AddedAt)),
            firings.ConvertAll(f => new ExportedTriggerFiring(f.Id, f.TriggerId, f.Captures, f.FiredAt)),
            greetings.ConvertAll(m => new ExportedGreeting(m.Id, m.RecipientId, m.Text, OutboxApi.Name(m.Status), m.CreatedAt, m.CompletedAt, m.ExternalMessageId)),
            conversions.ConvertAll(v => new ExportedConversion(v.Id, v.Type, v.Value, v.Currency, v.OccurredAt, v.ExternalId, v.RecordedAt, meta.GetValueOrDefault(v.Id))),
            outbound.ConvertAll(d => new ExportedOutboundDelivery(d.Id, d.SubscriptionId, d.EventType, d.CreatedAt, WebhooksApi.StatusName(d.Status), ParseOrString(d.Payload))),
            inbound.ConvertAll(d =>
            {
                var (json, base64) = PersonalBody.Of(d.Body, ids);
                return new ExportedInboundDelivery(d.Id, d.ReceivedAt, d.ObjectType, json, base64);
            }));
    }

    /// <summary>
    /// Erases the person of conversation <paramref name="conversationId"/>: deletes the conversation and every row about
    /// them, takes what they contributed out of the campaign rollups, removes them from the feed's search index and
    /// empties the raw bodies of the deliveries that carried their events (in the inbox file), all in one transaction over
    /// both files; then compacts the main file so no freed page still holds their bytes. Null when there is no such
    /// conversation.
    /// </summary>
    public Task<ErasureResult?> EraseAsync(long conversationId, CancellationToken cancellationToken) => database is null
        ? ErasePostgresAsync(conversationId, cancellationToken)
        // Off the caller's thread: the statements and the compaction are synchronous SQLite work.
        : Task.Run(() => Erase(database, conversationId, cancellationToken), cancellationToken);

    private async Task<ErasureResult?> Erase(SqliteFiles database, long conversationId, CancellationToken cancellationToken)
    {
        // A connection of its own, not from the pool: the pool's may have the inbox attached read-only, and the settings
        // below are not for the processor's connections.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        // Writable here (the app's other connections attach it read-only), so one transaction covers both files. Freed
        // content is zeroed, in both files, rather than left in free pages and slack space.
        Execute(connection, null, "PRAGMA busy_timeout = 30000; ATTACH DATABASE $inbox AS inbox; PRAGMA secure_delete = ON;", ("$inbox", database.InboxFilePath));
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(connection).Options;
        ErasureResult? result;
        await using (var db = new AppDbContext(options))
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            await db.Database.UseTransactionAsync(transaction, cancellationToken);
            result = await EraseRowsAsync(db, connection, transaction, conversationId, cancellationToken);
            if (result is null)
            {
                return null;
            }

            await transaction.CommitAsync(cancellationToken);
        }

        Compact(connection);
        LogErased(logger, conversationId, result.Events, result.InboundBodiesEmptied);
        return result;
    }

    private static async Task<ErasureResult?> EraseRowsAsync(
        AppDbContext db, SqliteConnection connection, SqliteTransaction transaction, long conversationId, CancellationToken cancellationToken)
    {
        var c = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == conversationId, cancellationToken);
        if (c is null)
        {
            return null;
        }

        var aliasList = await db.ParticipantAliases.AsNoTracking().Where(a => a.ConversationId == conversationId).ToListAsync(cancellationToken);
        var ids = IdsOf(c, aliasList);
        var parameters = Parameters(c, ids)();
        int Run(string sql) => ExecuteWith(connection, transaction, sql, parameters);

        var deliveryIds = string.Join(",", await db.Database
            .SqlQueryRaw<long>($"SELECT DISTINCT DeliveryId AS Value FROM WebhookEvents WHERE {EventsOfPerson}", Parameters(c, ids)())
            .ToListAsync(cancellationToken));
        var one = $"({conversationId.ToString(CultureInfo.InvariantCulture)})";

        // Campaign analytics first, while the rows it subtracts still exist: afterwards they equal a rebuild without the person.
        await CampaignRollup.RemoveConversationsAsync(db, one, cancellationToken);
        // The search index's own copy of the name, removed from its pages at once rather than marked deleted until a merge.
        Run("""INSERT INTO "ConversationSearch" ("ConversationSearch", rank) VALUES ('secure-delete', 1)""");
        Run(FeedSearchIndex.ForgetConversationsSql(one));
        Run("""INSERT INTO "ConversationSearch" ("ConversationSearch", rank) VALUES ('secure-delete', 0)""");
        Run("UPDATE Conversations SET FirstReferralId = NULL, LatestReferralId = NULL WHERE Id = $id");

        var tables = new PersonalTables(db);
        var removed = tables.KeyedToConversation.ToDictionary(t => t, t => Run($"DELETE FROM \"{t}\" WHERE ConversationId = $id"));
        var events = Run($"DELETE FROM \"{tables.Events}\" WHERE {EventsOfPerson}");
        Run($"DELETE FROM \"{tables.OutboundAttempts}\" WHERE DeliveryId IN (SELECT Id FROM \"{tables.OutboundDeliveries}\" WHERE {OutboundOfConversation})");
        var outbound = Run($"DELETE FROM \"{tables.OutboundDeliveries}\" WHERE {OutboundOfConversation}");
        var conversations = Run($"DELETE FROM \"{tables.Conversations}\" WHERE Id = $id");
        // The body may hold other people's events of the same batch too: they were applied long ago, and the inbox already
        // keeps emptied bodies (Inbox:RetainProcessedBodiesFor), so the delivery's row and outcome stay, its bytes go.
        var bodies = deliveryIds.Length == 0 ? 0
            : Run($"UPDATE inbox.\"{tables.InboundDeliveries}\" SET Body = x'' WHERE Id IN ({deliveryIds}) AND length(Body) > 0");

        return tables.Result(conversationId, conversations, removed, events, outbound, bodies);
    }

    /// <summary>
    /// Makes the erased bytes unreadable from the files. Zeroing on delete is not enough in the main file: the processor
    /// rewrites conversation rows in place without it, and earlier versions of a row stay in a page's slack space, so
    /// VACUUM rewrites the file; the inbox's rows are written once and only emptied (with zeroing), so it is not rewritten
    /// (which would hold up acknowledgements). Checkpoints then copy the new pages into both files and empty their logs.
    /// </summary>
    private void Compact(SqliteConnection connection)
    {
        TruncateLog(connection, "inbox");
        Execute(connection, null, "DETACH DATABASE inbox;");
        Execute(connection, null, "VACUUM main;");
        TruncateLog(connection, "main");
    }

    private void TruncateLog(SqliteConnection connection, string schema)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {schema}.wal_checkpoint(TRUNCATE);";
        using var reader = command.ExecuteReader();
        // (busy, log frames, checkpointed frames): busy when a reader kept the log from being emptied.
        if (reader.Read() && reader.GetInt64(0) != 0)
        {
            LogLogKept(logger, schema);
        }
    }

    private static async Task<SqliteTransaction> UseDeferredAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        return transaction;
    }

    /// <summary>Every id the person is known by on the conversation's platform and account.</summary>
    private static HashSet<string> IdsOf(Conversation c, IEnumerable<ParticipantAlias> aliases) =>
        new[] { c.ParticipantId, c.ParticipantPhone, c.ParticipantUserId, c.ParticipantParentUserId }
            .Concat(aliases.Select(a => a.Alias))
            .OfType<string>()
            .Where(id => id.Length > 0)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Fresh parameters for each statement (a parameter object belongs to one command).</summary>
    private static Func<SqliteParameter[]> Parameters(Conversation c, IReadOnlySet<string> ids)
    {
        var json = JsonSerializer.Serialize(ids);
        return () =>
        [
            new SqliteParameter("$id", c.Id),
            new SqliteParameter("$platform", c.Platform),
            new SqliteParameter("$account", c.AccountId),
            new SqliteParameter("$ids", json),
        ];
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    private static int ExecuteWith(SqliteConnection connection, SqliteTransaction transaction, string sql, SqliteParameter[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            if (sql.Contains(parameter.ParameterName, StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue(parameter.ParameterName, parameter.Value);
            }
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>Stored JSON as JSON; anything else (never expected) as a string, so an export never fails on one row.</summary>
    private static JsonNode? ParseOrString(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased the personal data of conversation {ConversationId}: {Events} events, {Bodies} inbox bodies emptied")]
    private static partial void LogErased(ILogger logger, long conversationId, int events, int bodies);

    [LoggerMessage(Level = LogLevel.Warning, Message = "After an erasure the {Schema} file's write-ahead log could not be emptied (a reader held it); the next checkpoint overwrites it")]
    private static partial void LogLogKept(ILogger logger, string schema);
}
