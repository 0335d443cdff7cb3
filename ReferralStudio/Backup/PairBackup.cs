using Microsoft.Data.Sqlite;
using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Backup;

/// <summary>Where a backup is while it is taken.</summary>
public enum BackupStep
{
    CopyingMain,
    CopyingInbox,
    Verified,
}

/// <summary>A finished backup: the pair's identity, the main copy's cursor and the inbox copy's last id.</summary>
public sealed record BackupResult(string Folder, Guid Pair, long Cursor, long InboxLastId);

/// <summary>A restored pair, and where the files it replaced were moved (null when there were none).</summary>
public sealed record RestoreResult(Guid Pair, long Cursor, long InboxLastId, string? MovedAsideSuffix);

/// <summary>
/// Consistent copies of the main file and its inbox while the app is live, through SQLite's online
/// backup API: each copy is one read transaction, a snapshot that never blocks the app's writers (WAL).
/// Main first, then inbox: every delivery the copied cursor has passed was stored before it, so it is in
/// the later inbox copy, and deliveries acknowledged after the main copy are in the inbox copy as pending,
/// processed after a restore. The other order could copy a cursor beyond the copied inbox.
/// </summary>
public static class PairBackup
{
    /// <summary>The file names inside a backup folder, whatever the files are called where the app runs.</summary>
    public const string MainFile = "referralstudio.db";

    public const string InboxFile = "referralstudio.inbox.db";

    private const string Partial = ".partial";

    public static BackupResult Backup(SqliteFiles database, string folder, Action<BackupStep>? step = null)
    {
        var (main, inbox) = (Path.Combine(folder, MainFile), Path.Combine(folder, InboxFile));
        if (File.Exists(main) || File.Exists(inbox))
        {
            throw new BackupException($"{folder} already holds a backup: choose a new folder (a backup never overwrites one).");
        }

        foreach (var source in new[] { database.FilePath, database.InboxFilePath })
        {
            if (new FileInfo(source) is not { Exists: true, Length: > 0 })
            {
                throw new BackupException($"{source} does not exist: there is nothing to back up (check ConnectionStrings:{DataExtensions.ConnectionStringName}).");
            }
        }

        Directory.CreateDirectory(folder);
        step?.Invoke(BackupStep.CopyingMain);
        Copy(database.FilePath, main + Partial);
        step?.Invoke(BackupStep.CopyingInbox);
        Copy(database.InboxFilePath, inbox + Partial);

        // The copies must start as a pair: the app's start-up check, run on them now rather than after a restore.
        var state = Verify(main + Partial, inbox + Partial);
        // Only complete, checked copies get the names restore looks for.
        File.Move(main + Partial, main);
        File.Move(inbox + Partial, inbox);
        step?.Invoke(BackupStep.Verified);
        return new BackupResult(folder, state.MainId!.Value, state.Cursor, state.InboxLastId);
    }

    /// <summary>
    /// Puts a backup's two files where the app's configuration points. Refused while an app holds the files,
    /// and over existing files unless <paramref name="force"/>: then they are moved aside, never deleted.
    /// </summary>
    public static RestoreResult Restore(SqliteFiles database, string folder, bool force, TimeProvider time)
    {
        var (main, inbox) = (Path.Combine(folder, MainFile), Path.Combine(folder, InboxFile));
        if (!File.Exists(main) || !File.Exists(inbox))
        {
            throw new BackupException($"{folder} holds no backup: {MainFile} and {InboxFile} are both needed (written by the backup command).");
        }

        var state = Verify(main, inbox);
        using var running = new InstanceLock(database);
        running.Acquire();
        var targets = new[] { database.FilePath, database.InboxFilePath };
        string? suffix = null;
        if (targets.Any(File.Exists))
        {
            if (!force)
            {
                throw new BackupException(
                    $"{database.FilePath} or its inbox {database.InboxFilePath} exists: restore --force replaces them (they are kept beside, renamed *.before-restore-<time>).");
            }

            suffix = ".before-restore-" + time.GetUtcNow().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            SqliteConnection.ClearAllPools();
            foreach (var file in targets.SelectMany(t => new[] { t, t + "-wal", t + "-shm" }).Where(File.Exists))
            {
                // With its WAL: a file moved without it would lose committed transactions.
                File.Move(file, file + suffix);
            }
        }

        // Main first: interrupted here, the app finds a cursor without its inbox and refuses, rather than
        // a lone inbox beside a new, empty main file.
        Place(main, database.FilePath);
        Place(inbox, database.InboxFilePath);
        return new RestoreResult(state.MainId!.Value, state.Cursor, state.InboxLastId, suffix);
    }

    /// <summary>One backup step over every page: a single read transaction, so the copy is one snapshot.</summary>
    private static void Copy(string from, string to)
    {
        File.Delete(to);
        using var source = Open(from, SqliteOpenMode.ReadWrite);
        using var target = Open(to, SqliteOpenMode.ReadWriteCreate);
        source.BackupDatabase(target);
        using var command = target.CreateCommand();
        // A single self-contained file (the copied header says WAL); the app switches it back when it starts.
        command.CommandText = "PRAGMA journal_mode = DELETE;";
        command.ExecuteNonQuery();
    }

    private static FilePair.State Verify(string main, string inbox)
    {
        foreach (var file in new[] { main, inbox })
        {
            using var connection = Open(file, SqliteOpenMode.ReadOnly);
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check;";
            if (check.ExecuteScalar() as string is not "ok" and var result)
            {
                throw new BackupException($"{file} is damaged ({result}).");
            }
        }

        var state = FilePair.Read(main, inbox);
        FilePair.Refuse(main, inbox, state);
        return state.MainId is null
            ? throw new BackupException($"{main} has no identity: it was not written by this version's backup command.")
            : state;
    }

    private static void Place(string from, string to)
    {
        // Copied under a temporary name and renamed: the app never finds half a file under the real name.
        File.Copy(from, to + ".restoring", overwrite: true);
        File.Move(to + ".restoring", to);
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }
}

/// <summary>A backup or restore that cannot be done as asked; the message says why.</summary>
public sealed class BackupException(string message) : Exception(message);
