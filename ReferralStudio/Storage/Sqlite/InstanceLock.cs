namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// Held by a running app for as long as it uses its main file (<c>name.db.lock</c> beside it, an OS lock:
/// a killed process loses it at once), so <c>restore</c> can refuse to replace files under a live app
/// and a second app on the same files is refused. SQLite's own locks say only who is inside a transaction.
/// </summary>
public sealed class InstanceLock(SqliteFiles database) : IDisposable
{
    private FileStream? _held;

    public string Path { get; } = database.FilePath + ".lock";

    /// <summary>Takes the lock or throws, naming the file; taking it again is a no-op.</summary>
    public void Acquire()
    {
        if (_held is not null)
        {
            return;
        }

        try
        {
            // FileShare.None is an exclusive flock on Unix and a sharing lock on Windows: both end with the process.
            _held = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new FilePairException(
                $"Another ReferralStudio process is using {database.FilePath} (it holds {Path}): stop it first, or configure different files.", ex);
        }
    }

    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }
}
