using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Tests.Reliability;

/// <summary>Reads an app's SQLite file through a connection of its own, as an operator would.</summary>
internal static class TestDatabase
{
    public static AppDbContext Open(string path) =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseAppDatabase(new SqliteFiles($"Data Source={path}", "/")).StrictQueries().Options);

    /// <summary>The inbox file beside the main one.</summary>
    public static string InboxPath(string path) => new SqliteFiles($"Data Source={path}", "/").InboxFilePath;

    /// <summary>Row counts of the tables a signed delivery writes to.</summary>
    public static async Task<(int Deliveries, int Events)> InboxCountsAsync(string path)
    {
        await using var db = Open(path);
        return (await db.InboundDeliveries.CountAsync(), await db.WebhookEvents.CountAsync());
    }

    /// <summary><c>PRAGMA integrity_check</c> through a read-only connection: "ok" when the file is sound.</summary>
    public static string IntegrityCheck(string path) =>
        string.Join("\n", ReadOnly(path, "PRAGMA integrity_check", r => r.GetString(0)));

    /// <summary>
    /// <c>PRAGMA foreign_key_check</c>: every row whose reference points nowhere, as "table row -> parent".
    /// The attribution processor writes without enforcement, so this is what shows it wrote whole rows only.
    /// </summary>
    public static List<string> ForeignKeyViolations(string path) =>
        ReadOnly(path, "PRAGMA foreign_key_check", r => $"{r.GetString(0)} {r.GetValue(1)} -> {r.GetString(2)}");

    private static List<string> ReadOnly(string path, string sql, Func<SqliteDataReader, string> line)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(line(reader));
        }

        return lines;
    }
}
