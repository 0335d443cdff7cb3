namespace ReferralStudio.Storage;

/// <summary>
/// Files and folders only the app's own user can open: the database holds people's names and messages, and the
/// data-protection keys decrypt the access tokens stored in it. Nothing changes on Windows, where ACLs apply.
/// </summary>
public static class OwnerOnly
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates the folder owner-only. One that exists keeps its mode: it may be shared (<c>/tmp</c>), and what is
    /// inside is restricted file by file (<see cref="RestrictFiles"/>).
    /// </summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>
    /// Makes each existing file owner-only (0600). SQLite creates a database's <c>-wal</c> and <c>-shm</c> with the
    /// database file's own mode, so restricting the main files covers those made later too.
    /// </summary>
    public static void RestrictFiles(params string[] paths)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var path in paths)
        {
            if (File.Exists(path) && File.GetUnixFileMode(path) != FileMode)
            {
                File.SetUnixFileMode(path, FileMode);
            }
        }
    }

    /// <summary>A folder the app owns alone (the keys' folder), made owner-only whether new or not.</summary>
    public static void RestrictDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, FolderMode);
        if (File.GetUnixFileMode(path) != FolderMode)
        {
            File.SetUnixFileMode(path, FolderMode);
        }
    }
}
