using Microsoft.Data.Sqlite;
using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// Where the SQLite files live, resolved once: a relative <c>Data Source</c> is taken from the
/// content root (not the process's working directory), and its folder is created. The inbox is a
/// second file beside the main one (<c>name.inbox.db</c> unless configured), attached to every main
/// connection as <c>inbox</c>.
/// </summary>
public sealed class SqliteFiles
{
    private const string BusyTimeoutSql = "PRAGMA busy_timeout = 30000;";

    /// <summary>
    /// The dashboard's and the API's reads go through memory-mapped pages (up to SQLite's 2 GiB cap) instead of a
    /// read() call per page: large scans (the feed's filters, the CSV export, analytics) spent most of their time in
    /// the kernel copying pages (bench/RESULTS.md, session 8).
    /// </summary>
    private const string MemoryMapSql = "PRAGMA mmap_size = 2147483648;";

    private readonly string _attach;

    public SqliteFiles(string configured, string contentRoot, string? configuredInbox = null)
    {
        ConnectionString = Resolve(configured, contentRoot, out var path);
        FilePath = path;
        if (Path.IsPathRooted(path))
        {
            // As a file: URI the connection interprets URIs, which the read-only ATTACH below needs.
            ConnectionString = new SqliteConnectionStringBuilder(ConnectionString) { DataSource = new Uri(path).AbsoluteUri }.ToString();
        }

        var inbox = configuredInbox ?? $"Data Source={InboxPathFor(path)}";
        InboxConnectionString = Resolve(inbox, contentRoot, out var inboxPath);
        InboxFilePath = inboxPath;
        // Read-only: SQLite's BEGIN IMMEDIATE (what Microsoft.Data.Sqlite and EF begin with) takes the
        // write lock of every writable attached file, which would make the inbox writer wait.
        _attach = $"""
            ATTACH DATABASE '{(new Uri(inboxPath).AbsoluteUri + "?mode=ro").Replace("'", "''", StringComparison.Ordinal)}' AS inbox;
            """;
    }

    public string ConnectionString { get; }

    public string FilePath { get; }

    public string InboxConnectionString { get; }

    public string InboxFilePath { get; }

    /// <summary>Opens a main-file connection tuned for this app (the inbox attached): WAL readers never block the writer.</summary>
    public SqliteConnection Open()
    {
        // NORMAL (WAL): survives a process crash; a lost tail after power loss is replayed from the inbox.
        var connection = Open(ConnectionString, "NORMAL");
        Attach(connection);
        return connection;
    }

    /// <summary>
    /// A main-file connection without the inbox, for the attribution processor and its checkpoints. With the
    /// inbox attached, every BEGIN IMMEDIATE also opens a read transaction on it, and the processor's long
    /// transactions would keep the inbox's WAL from starting over (its writer would wait for them).
    /// </summary>
    public SqliteConnection OpenWithoutInbox() => Open(ConnectionString, "NORMAL");

    /// <summary>The inbox writer's connection: FULL, so a commit is on disk, even across power loss, before the 200 leaves.</summary>
    public SqliteConnection OpenInbox() => Open(InboxConnectionString, "FULL");

    /// <summary>A read-only inbox connection (the processor's reads of pending deliveries).</summary>
    public SqliteConnection OpenInboxReadOnly() =>
        Open(new SqliteConnectionStringBuilder(InboxConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString(), synchronous: null);

    private static SqliteConnection Open(string connectionString, string? synchronous)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = synchronous is null ? BusyTimeoutSql : $"{BusyTimeoutSql} PRAGMA synchronous = {synchronous};";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// Attaches the inbox (read-only) to a main-file connection and creates the deliveries view on it, once per
    /// physical connection (pooled connections keep both). Before the main file has its outcome
    /// table (during the first migration) only the attachment is made.
    /// </summary>
    public void Attach(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT (SELECT COUNT(*) FROM pragma_database_list WHERE name = 'inbox'),
                   (SELECT COUNT(*) FROM temp.sqlite_master WHERE name = '{AppDbContext.DeliveriesView}'),
                   (SELECT COUNT(*) FROM main.sqlite_master WHERE name = 'DeliveryOutcomes')
            """;
        bool attached, viewed, outcomes;
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            (attached, viewed, outcomes) = (reader.GetInt64(0) > 0, reader.GetInt64(1) > 0, reader.GetInt64(2) > 0);
        }

        if (viewed || (attached && !outcomes))
        {
            return;
        }

        // EF's connections wait for locks inside SQLite (millisecond steps) rather than in Microsoft.Data.Sqlite's 150 ms retry loop.
        command.CommandText = (attached ? "" : BusyTimeoutSql + MemoryMapSql + _attach) + (outcomes ? ViewSql : "");
        command.ExecuteNonQuery();
    }

    /// <summary>A view in the main file may not reference an attached database: a TEMP view per connection.</summary>
    private const string ViewSql = $"""
        CREATE TEMP VIEW IF NOT EXISTS {AppDbContext.DeliveriesView} AS
        SELECT d.Id, d.ReceivedAt, COALESCE(o.Status, d.Status) AS Status, d.ObjectType, d.Body,
               COALESCE(o.Reason, d.Reason) AS Reason, o.ProcessedAt,
               COALESCE(o.EventCount, 0) AS EventCount, COALESCE(o.DuplicateCount, 0) AS DuplicateCount,
               COALESCE(o.RejectedEventCount, 0) AS RejectedEventCount, COALESCE(o.IgnoredEventCount, 0) AS IgnoredEventCount,
               d.Simulated
        FROM inbox.{InboxDbContext.DeliveriesTable} d LEFT JOIN main.DeliveryOutcomes o ON o.DeliveryId = d.Id;
        """;

    private static string InboxPathFor(string mainPath) =>
        Path.Combine(Path.GetDirectoryName(mainPath) ?? "", Path.GetFileNameWithoutExtension(mainPath) + ".inbox" + Path.GetExtension(mainPath));

    private static string Resolve(string configured, string contentRoot, out string path)
    {
        var builder = new SqliteConnectionStringBuilder(configured);
        if (builder.DataSource is not ("" or ":memory:") && !builder.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            OwnerOnly.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        // Writers wait on each other inside SQLite rather than failing with SQLITE_BUSY.
        builder.DefaultTimeout = 30;
        path = builder.DataSource;
        return builder.ToString();
    }
}

