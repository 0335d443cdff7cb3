using Microsoft.Data.Sqlite;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// What the feed's search reads besides the touches (Insight/FeedSearch; tables from migration FeedSearch), and the SQL
/// its writers keep it current with: <see cref="ConversationRows"/> indexes each conversation's name and username as it
/// writes the row, the attribution writer adds each touch's ref (<see cref="AttributionWriter"/>), the demo loader forgets the conversations it deletes.
/// Rows written around those paths (raw inserts in tests and benchmarks) need <see cref="RebuildAsync"/>.
/// </summary>
public static class FeedSearchIndex
{
    /// <summary>Indexes a conversation's name and username ($id, $name, $username).</summary>
    internal const string AddConversationSql = """
        INSERT INTO "ConversationSearch" (rowid, "ParticipantName", "ParticipantUsername") VALUES ($id, $name, $username)
        """;

    /// <summary>
    /// Removes a conversation's entry: FTS5 needs the values it indexed ($id, $name, $username), as an index with an external
    /// content table cannot read them back once the row changed.
    /// </summary>
    internal const string RemoveConversationSql = """
        INSERT INTO "ConversationSearch" ("ConversationSearch", rowid, "ParticipantName", "ParticipantUsername") VALUES ('delete', $id, $name, $username)
        """;

    /// <summary>Removes the entries of the conversations <paramref name="conversationIds"/> selects (SQL), before their rows are deleted.</summary>
    public static string ForgetConversationsSql(string conversationIds) => $"""
        INSERT INTO "ConversationSearch" ("ConversationSearch", rowid, "ParticipantName", "ParticipantUsername")
        SELECT 'delete', "Id", "ParticipantName", "ParticipantUsername" FROM "Conversations" WHERE "Id" IN {conversationIds}
        """;

    /// <summary>Builds both from the stored rows again, as the migration first did.</summary>
    public static async Task RebuildAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO "ConversationSearch" ("ConversationSearch") VALUES ('rebuild');
            INSERT OR IGNORE INTO "FeedRefs" ("Ref") SELECT DISTINCT "Ref" FROM "ReferralTouches" WHERE "Ref" IS NOT NULL;
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
