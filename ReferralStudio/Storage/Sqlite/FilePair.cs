using Microsoft.Data.Sqlite;
using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// The main file and the inbox belong together: the main file's cursor names inbox ids, and the inbox
/// issues the next ids after everything it ever stored. Start with the inbox of another pair, an older
/// copy of it or none at all, and new deliveries get ids at or below the cursor: acknowledged with 200,
/// never processed. So at start (only then: nothing here runs per delivery) the pair is checked and an
/// unsound one is refused with what to do; a pair without an identity (new, or from before identities)
/// gets one, written to the inbox first so an interrupted first start is finished by the next.
/// </summary>
public static class FilePair
{
    private const string Remedy =
        "Restore both files from the same backup (ReferralStudio restore <folder>, see README \"Backup and restore\"), " +
        $"or point ConnectionStrings:{DataExtensions.InboxConnectionStringName} at the inbox that belongs to this main file.";

    /// <summary>What one pair looks like on disk (read without changing anything).</summary>
    public sealed record State(Guid? MainId, long Cursor, Guid? InboxId, long InboxLastId);

    /// <summary>
    /// Before anything is created: a main file that has processed deliveries but whose inbox file is gone
    /// (deleted to save space, or never restored). Refused before the migration would create an empty inbox.
    /// </summary>
    public static void RefuseMissingInbox(SqliteFiles database)
    {
        if (new FileInfo(database.InboxFilePath) is { Exists: true, Length: > 0 } || new FileInfo(database.FilePath) is not { Exists: true, Length: > 0 })
        {
            return;
        }

        using var main = OpenPlain(database.FilePath);
        // Files from before the inbox had a file of its own have no cursor: their deliveries move into a new inbox.
        if (main.TableExists("InboxCursors") && main.ScalarInt64("SELECT LastDeliveryId FROM InboxCursors WHERE Id = 1") is > 0 and var cursor)
        {
            throw new FilePairException(
                $"The inbox file {database.InboxFilePath} is missing, but the main file {database.FilePath} has processed deliveries up to id {cursor}: " +
                $"a new inbox would issue ids the processor has already passed, and those deliveries would be acknowledged but never processed. {Remedy}");
        }
    }

    /// <summary>After both migrations: refuses an unsound pair, gives a pair without identity one; returns the identity.</summary>
    public static Guid Bind(SqliteFiles database)
    {
        var state = Read(database);
        Refuse(database.FilePath, database.InboxFilePath, state);
        switch (state)
        {
            case { MainId: { } id, InboxId: { } }:
                return id;
            case { MainId: null, InboxId: { } id }:
                // The first start wrote the inbox and stopped before the main file.
                Write(database.FilePath, id);
                return id;
            case { MainId: { } id, InboxId: null }:
                // Refuse let this through only for an inbox that never stored anything, beside a cursor at 0.
                Write(database.InboxFilePath, id);
                return id;
            default:
                // A new pair, or one from before identities upgrading in place.
                var created = Guid.NewGuid();
                Write(database.InboxFilePath, created);
                Write(database.FilePath, created);
                return created;
        }
    }

    /// <summary>Reads both files' identities, the main file's cursor and the highest id the inbox ever issued.</summary>
    public static State Read(SqliteFiles database) => Read(database.FilePath, database.InboxFilePath);

    public static State Read(string mainPath, string inboxPath)
    {
        using var main = OpenPlain(mainPath);
        using var inbox = OpenPlain(inboxPath);
        var cursor = main.TableExists("InboxCursors") ? main.ScalarInt64("SELECT LastDeliveryId FROM InboxCursors WHERE Id = 1") ?? 0 : 0;
        // The AUTOINCREMENT high-water mark, not MAX(Id): deleting the newest rows (demo clearing) never
        // lowers it, and it is what the next id is issued after.
        var last = inbox.TableExists(InboxDbContext.DeliveriesTable)
            ? inbox.ScalarInt64($"""
                SELECT MAX(IFNULL((SELECT seq FROM sqlite_sequence WHERE name = '{InboxDbContext.DeliveriesTable}'), 0),
                           IFNULL((SELECT MAX(Id) FROM {InboxDbContext.DeliveriesTable}), 0))
                """) ?? 0
            : 0;
        return new State(Identity(main), cursor, Identity(inbox), last);
    }

    /// <summary>Throws what is wrong with the pair and what to do; returns for a sound one.</summary>
    public static void Refuse(string mainPath, string inboxPath, State state)
    {
        if (state is { MainId: { } expected, InboxId: { } found } && expected != found)
        {
            throw new FilePairException(
                $"The inbox file {inboxPath} belongs to another database (identity {found}, expected {expected} from {mainPath}). {Remedy}");
        }

        if (state is { MainId: { } mainId, InboxId: null } && (state.Cursor > 0 || state.InboxLastId > 0))
        {
            throw new FilePairException(
                $"The inbox file {inboxPath} has no identity, but the main file {mainPath} has ({mainId}): " +
                $"it is not this database's inbox (one from before identities, or a file restored without its main file). {Remedy}");
        }

        // New ids are issued after the inbox's high-water mark: at or above the cursor they can never land behind it.
        if (state.InboxLastId < state.Cursor)
        {
            throw new FilePairException(
                $"The inbox file {inboxPath} ends at delivery id {state.InboxLastId}, but the main file {mainPath} has processed deliveries up to id {state.Cursor}: " +
                $"the inbox was truncated or restored from an older backup than the main file, and new deliveries would get ids the processor has already passed " +
                $"(acknowledged but never processed). {Remedy}");
        }
    }

    private static Guid? Identity(SqliteConnection connection) =>
        connection.TableExists("PairIdentities") && connection.ScalarText("SELECT PairId FROM PairIdentities WHERE Id = 1") is { } text ? Guid.Parse(text) : null;

    private static void Write(string path, Guid id)
    {
        using var connection = OpenPlain(path);
        using var command = connection.CreateCommand();
        // Only if none is there yet: an identity, once given, never changes. Upper case, as EF stores a Guid.
        command.CommandText = "INSERT OR IGNORE INTO PairIdentities (Id, PairId) VALUES (1, $id)";
        command.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
        command.ExecuteNonQuery();
    }

    /// <summary>No pooling, no attached inbox: these reads and writes happen once, before the app serves.</summary>
    private static SqliteConnection OpenPlain(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }
}

/// <summary>The main file and the inbox do not belong together; the message says why and what to do.</summary>
public sealed class FilePairException(string message, Exception? inner = null) : Exception(message, inner);
