using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>The inbox as a SQLite file of its own beside the main one (see <see cref="SqliteFiles"/>).</summary>
public sealed class SqliteInbox(SqliteFiles files, ILogger<SqliteInbox> logger) : IInbox
{
    public IInboxAppender OpenAppender() => new SqliteInboxAppender(files, logger);

    public IPendingDeliveries OpenPending() => new SqlitePendingDeliveries(files);

    public void Forget(IReadOnlyList<long> ids)
    {
        // On a connection of its own: it waits for the appender's commit like any second writer of the file.
        using var connection = files.OpenInbox();
        using var transaction = connection.BeginTransaction();
        using var delete = new PreparedStatement(connection, $"DELETE FROM {InboxDbContext.DeliveriesTable} WHERE Id = $id", "$id");
        foreach (var id in ids)
        {
            delete.Bind(1, id);
            delete.Execute();
        }

        transaction.Commit();
    }
}
