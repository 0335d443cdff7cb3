using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace ReferralStudio.Tests.Data;

/// <summary>
/// The native SQLite the app runs on is the one EF Core 10 bundles (SQLitePCLRaw 2.1's e_sqlite3), nothing swapped
/// in by hand. It must sleep in milliseconds: a build without usleep (SQLitePCLRaw 2.0.6 shipped one) slept a whole
/// second for every wait inside SQLite, and webhook acknowledgements stalled for exactly that long under load.
/// </summary>
public sealed class NativeSqliteTests
{
    // SQLitePCL does not wrap sqlite3_sleep; the test asks the bundled library itself (the app never calls it).
    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_sleep(int milliseconds);

    [Fact]
    public void Sqlite_sleeps_in_milliseconds_not_whole_seconds()
    {
        SQLitePCL.Batteries_V2.Init();
        // sqlite3_sleep returns what it asked the OS for: 1000 when it can only sleep whole seconds.
        Assert.Equal(1, sqlite3_sleep(1));
    }

    [Fact]
    public void The_app_runs_on_the_sqlite_ef_core_10_bundles()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        var version = Version.Parse((string)command.ExecuteScalar()!);
        Assert.True(version >= new Version(3, 53), $"SQLite {version}");
    }
}
