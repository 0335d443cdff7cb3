using System.Text;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>The files a database is made of, read as an attacker with a copy of the folder would.</summary>
public static class DatabaseFiles
{
    /// <summary>
    /// Every file of the database (main, inbox, their WAL files) whose bytes contain <paramref name="text"/>; the lock
    /// file, empty and held by the running app, is left out.
    /// </summary>
    public static List<string> Holding(string databasePath, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return Directory.GetFiles(Path.GetDirectoryName(databasePath)!, Path.GetFileNameWithoutExtension(databasePath) + "*")
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal) && File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0)
            .ToList();
    }
}
