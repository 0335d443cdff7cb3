using Microsoft.Data.Sqlite;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Data;

/// <summary>New main files get 8 KB pages (the processor's backlog goes faster on them); existing files keep theirs.</summary>
public sealed class PageSizeTests
{
    [Fact]
    public async Task A_New_Main_File_Gets_8_KB_Pages_And_The_Inbox_Keeps_4_KB()
    {
        var path = TestApp.NewDatabasePath();
        var database = new SqliteFiles($"Data Source={path}", Path.GetDirectoryName(path)!);

        await SqliteStorage.MigrateAsync(database);

        Assert.Equal(8192, PageSize(path));
        Assert.Equal(4096, PageSize(database.InboxFilePath));
        Assert.Equal("wal", Pragma(path, "journal_mode"));
    }

    [Fact]
    public async Task An_Existing_Main_File_Keeps_Its_Page_Size_And_Is_Migrated()
    {
        var path = TestApp.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = Open(path))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA page_size = 4096; CREATE TABLE Existing (x); INSERT INTO Existing VALUES (1);";
            command.ExecuteNonQuery();
        }

        await SqliteStorage.MigrateAsync(new SqliteFiles($"Data Source={path}", Path.GetDirectoryName(path)!));

        Assert.Equal(4096, PageSize(path));
        Assert.Equal("1", Scalar(path, "SELECT COUNT(*) FROM Existing"));
        Assert.Equal("1", Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'Conversations'"));
    }

    private static long PageSize(string path) => long.Parse(Pragma(path, "page_size"), System.Globalization.CultureInfo.InvariantCulture);

    private static string Pragma(string path, string name) => Scalar(path, $"PRAGMA {name}");

    private static string Scalar(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
