using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace ReferralStudio.Tests.Data;

/// <summary>
/// The native SQLite the app runs on. The copy SQLitePCLRaw 2.0.6 ships (3.35.5) is built without usleep: every
/// wait inside SQLite (a writer waiting for a lock, a WAL reader retrying) slept a whole second, and webhook
/// acknowledgements stalled for exactly that long under load.
/// </summary>
public sealed class NativeSqliteTests
{
    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_sleep(int milliseconds);

    [Fact]
    public void Sqlite_sleeps_in_milliseconds_not_whole_seconds()
    {
        // sqlite3_sleep returns what it asked the OS for: 1000 when it can only sleep whole seconds.
        Assert.Equal(1, sqlite3_sleep(1));
    }

    [Fact]
    public void The_app_runs_on_sqlite_3_50()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        var version = Version.Parse((string)command.ExecuteScalar()!);
        Assert.True(version >= new Version(3, 50), $"SQLite {version}");
    }
}
