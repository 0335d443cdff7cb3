using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReferralStudio.Data;
using ReferralStudio.Inbox;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Data;

/// <summary>
/// The main file and its inbox carry one identity; an inbox that is not this main file's, or is behind
/// its cursor (truncated, deleted, restored from an older backup), stops the app before it serves, since
/// new deliveries would otherwise be acknowledged with ids the processor has passed and never processed.
/// </summary>
public sealed class FilePairTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");
    private const string MainBeforeIdentity = "20261206082915_WhatsAppParticipantIdentity";
    private const string InboxBeforeIdentity = "20261121082854_InitialInbox";

    [Fact]
    public async Task The_Inbox_Of_Another_Pair_Is_Refused_With_What_To_Do()
    {
        var (pathA, pathB) = (TestApp.NewDatabasePath(), TestApp.NewDatabasePath());
        await DeliverAsync(pathA, "pair-a", 2);
        await DeliverAsync(pathB, "pair-b", 3);
        var (a, b) = (FilePair.Read(pathA, InboxOf(pathA)), FilePair.Read(pathB, InboxOf(pathB)));
        Assert.NotEqual(a.MainId, b.MainId);

        var error = await Assert.ThrowsAsync<FilePairException>(() => TestApp.StartAsync(pathA, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:ReferralStudioInbox"] = $"Data Source={InboxOf(pathB)}",
        }));

        Assert.Contains($"The inbox file {InboxOf(pathB)} belongs to another database", error.Message);
        Assert.Contains($"identity {b.InboxId}, expected {a.MainId}", error.Message);
        Assert.Contains("ConnectionStrings:ReferralStudioInbox", error.Message);
        Assert.Contains("restore", error.Message);
        // Refusing changed nothing and let go of the files: the right pair starts and works.
        Assert.Equal(a, FilePair.Read(pathA, InboxOf(pathA)));
        Assert.Equal(b, FilePair.Read(pathB, InboxOf(pathB)));
        await using var app = await TestApp.StartAsync(pathA);
        await app.DeliverAsync(Instagram(Referral("pair-a-after", T0, "after_refusal")));
        Assert.Equal("after_refusal", (await app.ConversationOfAsync("instagram", "pair-a-after")).GetProperty("firstReferral").Str("ref"));
    }

    [Fact]
    public async Task An_Older_Copy_Of_The_Inbox_Behind_The_Cursor_Is_Refused()
    {
        var path = TestApp.NewDatabasePath();
        await DeliverAsync(path, "older-1", 2);
        var older = path + ".older-inbox";
        Copy(InboxOf(path), older);
        await DeliverAsync(path, "older-2", 3);
        Assert.Equal(5, FilePair.Read(path, InboxOf(path)).Cursor);

        Replace(InboxOf(path), older);
        var error = await Assert.ThrowsAsync<FilePairException>(() => TestApp.StartAsync(path));

        Assert.Contains($"The inbox file {InboxOf(path)} ends at delivery id 2, but the main file {path} has processed deliveries up to id 5", error.Message);
        Assert.Contains("restored from an older backup", error.Message);
        // Not a single new id was issued at or below the cursor.
        Assert.Equal(2, FilePair.Read(path, InboxOf(path)).InboxLastId);
    }

    [Fact]
    public async Task A_Deleted_Inbox_Is_Refused_Once_The_Cursor_Has_Moved_And_Not_Recreated()
    {
        var path = TestApp.NewDatabasePath();
        await DeliverAsync(path, "deleted", 2);
        Delete(InboxOf(path));

        var error = await Assert.ThrowsAsync<FilePairException>(() => TestApp.StartAsync(path));

        Assert.Contains($"The inbox file {InboxOf(path)} is missing, but the main file {path} has processed deliveries up to id 2", error.Message);
        Assert.Contains("ConnectionStrings:ReferralStudioInbox", error.Message);
        Assert.False(File.Exists(InboxOf(path)));
    }

    [Fact]
    public async Task A_New_Pair_Gets_One_Identity_Even_When_Its_Empty_Inbox_Is_Deleted_Before_Anything_Arrived()
    {
        var path = TestApp.NewDatabasePath();
        await using (await TestApp.StartAsync(path))
        {
        }

        var created = FilePair.Read(path, InboxOf(path));
        Assert.NotNull(created.MainId);
        Assert.Equal(created.MainId, created.InboxId);

        // Cursor 0 and nothing ever stored: nothing can be lost, so the inbox is simply created again.
        Delete(InboxOf(path));
        await using var app = await TestApp.StartAsync(path);
        await app.DeliverAsync(Instagram(Referral("fresh", T0, "fresh_code")));
        Assert.Equal(created with { Cursor = 1, InboxLastId = 1 }, FilePair.Read(path, InboxOf(path)));
    }

    [Fact]
    public async Task A_Pair_From_Before_Identities_Upgrades_In_Place_And_Keeps_Working()
    {
        var path = TestApp.NewDatabasePath();
        await DeliverAsync(path, "before-identity", 3);
        // The files exactly as the previous version left them: its schema, its rows.
        await using (var main = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={path}").Options))
        {
            await main.GetService<IMigrator>().MigrateAsync(MainBeforeIdentity);
        }

        await using (var inbox = new InboxDbContext(new DbContextOptionsBuilder<InboxDbContext>().UseSqlite($"Data Source={InboxOf(path)}").Options))
        {
            await inbox.GetService<IMigrator>().MigrateAsync(InboxBeforeIdentity);
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(new FilePair.State(null, 3, null, 3), FilePair.Read(path, InboxOf(path)));

        Guid? identity;
        await using (var app = await TestApp.StartAsync(path))
        {
            var upgraded = FilePair.Read(path, InboxOf(path));
            identity = upgraded.MainId;
            Assert.NotNull(identity);
            Assert.Equal(identity, upgraded.InboxId);
            await app.DeliverAsync(Instagram(Referral("after-identity", T0.AddMinutes(5), "after_code")));
            Assert.Equal("after_code", (await app.ConversationOfAsync("instagram", "after-identity")).GetProperty("firstReferral").Str("ref"));
            Assert.Equal(1, (await app.ConversationOfAsync("instagram", "before-identity-0")).GetProperty("referrals").GetArrayLength());
        }

        // The identity is given once and kept.
        await using (await TestApp.StartAsync(path))
        {
        }

        Assert.Equal(new FilePair.State(identity, 4, identity, 4), FilePair.Read(path, InboxOf(path)));
    }

    internal static string InboxOf(string path) => new SqliteFiles($"Data Source={path}", "/").InboxFilePath;

    /// <summary>Starts the app on <paramref name="path"/>, delivers <paramref name="count"/> referrals and waits until they are processed.</summary>
    internal static async Task DeliverAsync(string path, string prefix, int count)
    {
        await using var app = await TestApp.StartAsync(path);
        for (var i = 0; i < count; i++)
        {
            await app.DeliverAsync(Instagram(Referral($"{prefix}-{i}", T0.AddSeconds(i), $"{prefix.Replace('-', '_')}_{i}")));
        }
    }

    /// <summary>A consistent copy through SQLite (the WAL included), as an operator's earlier backup would be.</summary>
    internal static void Copy(string from, string to)
    {
        using var source = new SqliteConnection($"Data Source={from};Pooling=False");
        using var target = new SqliteConnection($"Data Source={to};Pooling=False");
        source.Open();
        target.Open();
        source.BackupDatabase(target);
    }

    /// <summary>What an operator restoring one file does: the file and its WAL go, the copy takes their place.</summary>
    internal static void Replace(string path, string with)
    {
        Delete(path);
        File.Copy(with, path);
    }

    internal static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
