using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Tests.Reliability;

/// <summary>Reads an app's SQLite file through a connection of its own, as an operator would.</summary>
internal static class Database
{
    public static AppDbContext Open(string path) =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseAppDatabase(new ReferralStudio.Data.Database($"Data Source={path}", "/")).Options);

    /// <summary>The inbox file beside the main one.</summary>
    public static string InboxPath(string path) => new ReferralStudio.Data.Database($"Data Source={path}", "/").InboxFilePath;

    /// <summary>Row counts of the tables a signed delivery writes to.</summary>
    public static async Task<(int Deliveries, int Events)> InboxCountsAsync(string path)
    {
        await using var db = Open(path);
        return (await db.InboundDeliveries.CountAsync(), await db.WebhookEvents.CountAsync());
    }

    /// <summary><c>PRAGMA integrity_check</c> through a read-only connection: "ok" when the file is sound.</summary>
    public static string IntegrityCheck(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("\n", lines);
    }
}
