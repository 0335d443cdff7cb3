using ReferralStudio.Hosting;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReferralStudio.Attribution;
using ReferralStudio.Data;
using ReferralStudio.Inbox;
using ReferralStudio.Security;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>The SQLite engine: its services, the two files' schemas, and the inbox attached to every EF connection.</summary>
public static class SqliteStorage
{
    public static WebApplicationBuilder AddSqliteStorage(this WebApplicationBuilder builder)
    {
        var database = FilesFrom(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(database);
        // Created by the container, so disposing the app releases it.
        builder.Services.AddSingleton<InstanceLock>();
        builder.Services.AddSingleton<IInbox, SqliteInbox>();
        builder.Services.AddSingleton<IAttributionStorage, SqliteAttributionStorage>();
        builder.Services.AddSingleton<IStorageProbe, SqliteStorageProbe>();
        builder.Services.AddSingleton<InboxRetention>();
        builder.Services.AddLeaderService<InboxRetention>();
        builder.Services.AddSingleton<ILeadership, SingleProcessLeadership>();
        builder.Services.AddSingleton<ISharedChanges, NoOtherInstances>();
        builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseAppDatabase(database).StrictQueries(builder.Environment));
        builder.Services.AddDbContext<AppDbContext>(o => o.UseAppDatabase(database).StrictQueries(builder.Environment), optionsLifetime: ServiceLifetime.Singleton);
        builder.AddStoredSecrets(KeysDirectory(database));
        return builder;
    }

    /// <summary>The two files as configured (the app, and the backup and restore commands, read the same keys).</summary>
    public static SqliteFiles FilesFrom(IConfiguration configuration, string contentRoot) =>
        new(configuration.GetConnectionString(DataExtensions.ConnectionStringName) ?? "Data Source=data/referralstudio.db",
            contentRoot, configuration.GetConnectionString(DataExtensions.InboxConnectionStringName));

    /// <summary>Where the data-protection keys are kept unless configured: <c>name.db.keys/</c> beside the main file.</summary>
    public static string KeysDirectory(SqliteFiles database) => database.FilePath + ".keys";

    /// <summary>The main file, with the inbox attached to every connection EF opens.</summary>
    public static DbContextOptionsBuilder<TContext> UseAppDatabase<TContext>(this DbContextOptionsBuilder<TContext> options, SqliteFiles database)
        where TContext : DbContext =>
        options.UseSqlite(database.ConnectionString).AddInterceptors(new AttachInboxInterceptor(database));

    public static DbContextOptionsBuilder UseAppDatabase(this DbContextOptionsBuilder options, SqliteFiles database) =>
        options.UseSqlite(database.ConnectionString).AddInterceptors(new AttachInboxInterceptor(database));

    /// <summary>
    /// Creates or upgrades both files' schemas through their checked-in migrations, holding the files
    /// for this process; refuses (throws before anything serves) a main file and inbox that do not belong together.
    /// </summary>
    public static async Task MigrateSqliteAsync(this WebApplication app)
    {
        var database = app.Services.GetRequiredService<SqliteFiles>();
        var instance = app.Services.GetRequiredService<InstanceLock>();
        instance.Acquire();
        Guid pair;
        try
        {
            pair = await MigrateAsync(database);
        }
        catch
        {
            // A refused app is never run nor disposed: let the operator's next attempt take the files.
            instance.Dispose();
            SqliteConnection.ClearAllPools();
            throw;
        }

        OwnerOnly.RestrictFiles(database.FilePath, database.InboxFilePath, instance.Path,
            database.FilePath + "-wal", database.FilePath + "-shm", database.InboxFilePath + "-wal", database.InboxFilePath + "-shm");
        app.Logger.LogInformation("Database ready at {Path} (inbox {Inbox}, pair {Pair})", database.FilePath, database.InboxFilePath, pair);
    }

    /// <summary>
    /// A new main file gets 8 KB pages: its indexes are then shallower and a backlog transaction writes fewer
    /// pages (bench/RESULTS.md, session 4: processing by page size). A file keeps the page size it was created with
    /// (one in WAL mode cannot change it), so an existing database is left as it is. The inbox keeps 4 KB: it
    /// appends small rows and commits often.
    /// </summary>
    private static void CreateWithLargePages(SqliteFiles database)
    {
        if (new FileInfo(database.FilePath) is { Exists: true, Length: > 0 })
        {
            return;
        }

        using var connection = new SqliteConnection(database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // The size is fixed by the file's first write: an empty schema change makes it.
        command.CommandText = "PRAGMA page_size = 8192; BEGIN; CREATE TABLE PageSize (x); DROP TABLE PageSize; COMMIT;";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The inbox file first, then the main file (whose upgrade may hand deliveries over to the inbox); then
    /// the pair is checked and, new or from before identities, given its identity (returned).
    /// </summary>
    public static async Task<Guid> MigrateAsync(SqliteFiles database)
    {
        FilePair.RefuseMissingInbox(database);
        await using (var inbox = new InboxDbContext(new DbContextOptionsBuilder<InboxDbContext>().UseSqlite(database.InboxConnectionString).Options))
        {
            await inbox.Database.MigrateAsync();
            await inbox.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;");
        }

        MoveLegacyInbox(database);
        CreateWithLargePages(database);
        await using (var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseAppDatabase(database).Options))
        {
            await db.Database.MigrateAsync();
            // WAL is a property of the file: set once, every later connection uses it.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;");
        }

        // Connections opened during the migration predate the outcome table and lack the view.
        SqliteConnection.ClearAllPools();
        return FilePair.Bind(database);
    }

    /// <summary>
    /// Files created before the inbox had a file of its own keep their deliveries in the main file:
    /// copy them into the inbox (same ids) before the migration that turns the table into outcomes.
    /// </summary>
    private static void MoveLegacyInbox(SqliteFiles database)
    {
        using var connection = new SqliteConnection(database.ConnectionString);
        connection.Open();
        if (!connection.TableExists(InboxDbContext.DeliveriesTable))
        {
            return;
        }

        using var command = connection.CreateCommand();

        command.CommandText = "ATTACH DATABASE $inbox AS inbox";
        command.Parameters.AddWithValue("$inbox", database.InboxFilePath);
        command.ExecuteNonQuery();
        command.Parameters.Clear();
        using var transaction = connection.BeginTransaction();
        command.Transaction = transaction;
        // Processed and failed rows were pending when they arrived; their outcome moves with the migration.
        command.CommandText = """
            INSERT OR IGNORE INTO inbox.InboundDeliveries (Id, ReceivedAt, Status, ObjectType, Body, Reason, Simulated)
            SELECT Id, ReceivedAt, CASE WHEN Status IN (2, 3) THEN Status ELSE 0 END, ObjectType, Body,
                   CASE WHEN Status IN (2, 3) THEN Reason END, Simulated
            FROM main.InboundDeliveries
            """;
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}

/// <summary>Every EF connection to the main file sees the inbox and the deliveries view.</summary>
internal sealed class AttachInboxInterceptor(SqliteFiles database) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        database.Attach((SqliteConnection)connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        database.Attach((SqliteConnection)connection);
        return Task.CompletedTask;
    }
}
