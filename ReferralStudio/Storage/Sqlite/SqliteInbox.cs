using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>The inbox as a SQLite file of its own beside the main one (see <see cref="SqliteFiles"/>).</summary>
public sealed class SqliteInbox(SqliteFiles files, ILogger<SqliteInbox> logger) : IInbox
{
    public IInboxAppender OpenAppender() => new SqliteInboxAppender(files, logger);

    public IPendingDeliveries OpenPending() => new SqlitePendingDeliveries(files);
}
