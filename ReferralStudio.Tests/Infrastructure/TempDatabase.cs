using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// A fresh SQLite file pair for one test that builds an old schema by hand (migrations, raw rows) before
/// the app sees it. Disposing releases pooled connections and deletes the files, WAL and inbox included.
/// </summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
    }

    /// <summary>The main file; pass it to <see cref="TestApp.StartAsync"/> to start the app on it.</summary>
    public string FilePath { get; } = TestApp.NewDatabasePath();

    public string ConnectionString => $"Data Source={FilePath}";

    /// <summary>Where the app puts the inbox file beside <see cref="FilePath"/>.</summary>
    public string InboxConnectionString => new SqliteFiles(ConnectionString, "/").InboxConnectionString;

    public DbContextOptions<AppDbContext> Options => new DbContextOptionsBuilder<AppDbContext>().UseSqlite(ConnectionString).Options;

    /// <summary>Brings the main file's schema to <paramref name="migration"/> (an older release's last one), no further.</summary>
    public async Task MigrateToAsync(string migration)
    {
        await using var db = new AppDbContext(Options);
        await db.GetService<IMigrator>().MigrateAsync(migration);
    }

    /// <summary>Runs SQL on the main file, e.g. rows as an older version wrote them.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        // Pooled connections keep the files open.
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(FilePath)!, Path.GetFileNameWithoutExtension(FilePath) + "*"))
        {
            File.Delete(file);
        }
    }
}
