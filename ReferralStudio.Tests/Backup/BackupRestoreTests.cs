using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Backup;
using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Data;
using ReferralStudio.Tests.Infrastructure;
using Xunit.Abstractions;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Backup;

/// <summary>
/// <c>backup</c> copies the live pair (main first, then inbox) and <c>restore</c> puts it back: the restored
/// app processes what the main copy had not, and nothing acknowledged before the inbox copy is lost or doubled.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_Backup_Under_Load_Restores_Every_Delivery_Acknowledged_Before_Its_Inbox_Copy_Exactly_Once_And_Processed()
    {
        var path = TestApp.NewDatabasePath();
        var folder = NewFolder();
        var posted = new ConcurrentDictionary<string, long>();
        BackupResult backup;
        long inboxCopyStarted = 0, backupDone;
        Guid? pair;
        await using (var app = await TestApp.StartAsync(path))
        {
            pair = FilePair.Read(path, FilePairTests.InboxOf(path)).MainId;
            using var load = new Load(app, posted);
            await load.WhenAcknowledgedAsync(60).WaitAsync(Bound);

            // On a thread of its own, as the command would run beside the app: the senders keep posting over HTTP.
            // Before each copy, more deliveries arrive and are processed (a long backup on a busy app): copied in
            // the other order, the main file's cursor would then be past the inbox copy's last delivery.
            var progress = app.Services.GetRequiredService<ReferralStudio.Inbox.DeliveryProgress>();
            backup = await Task.Run(() => PairBackup.Backup(app.Services.GetRequiredService<SqliteFiles>(), folder, step =>
            {
                if (step == BackupStep.Verified)
                {
                    return;
                }

                load.WhenAcknowledgedAsync(load.Acknowledged + 20).WaitAsync(Bound).GetAwaiter().GetResult();
                progress.WhenProcessedAsync(progress.LastStoredId).WaitAsync(Bound).GetAwaiter().GetResult();
                if (step == BackupStep.CopyingInbox)
                {
                    inboxCopyStarted = Stopwatch.GetTimestamp();
                }
            }));
            backupDone = Stopwatch.GetTimestamp();
            await load.WhenAcknowledgedAsync(load.Acknowledged + 60).WaitAsync(Bound);
            await load.StopAsync().WaitAsync(Bound);
        }

        // Acknowledged before the inbox copy began (a 200 leaves only after the commit): in the copy for certain.
        var before = posted.Where(p => p.Value < inboxCopyStarted).Select(p => p.Key).ToList();
        var during = posted.Count(p => p.Value >= inboxCopyStarted && p.Value < backupDone);
        output.WriteLine($"{posted.Count} acknowledged: {before.Count} before the inbox copy, {during} while it ran; " +
            $"main copy processed up to {backup.Cursor}, inbox copy up to {backup.InboxLastId}");
        Assert.True(before.Count >= 60, $"only {before.Count} acknowledged before the inbox copy");
        Assert.True(posted.Count > before.Count + 50, "the load did not go on after the backup");
        Assert.Equal(pair, backup.Pair);
        // Deliveries the main copy had not processed are in the inbox copy, to be processed after the restore.
        Assert.True(backup.Cursor < backup.InboxLastId, $"cursor {backup.Cursor}, inbox {backup.InboxLastId}");

        var restored = TestApp.NewDatabasePath();
        var (code, text) = Command("restore", folder, "--ConnectionStrings:ReferralStudio=Data Source=" + restored);
        Assert.True(code == 0, text);
        await using var again = await TestApp.StartAsync(restored);
        await again.WhenIdleAsync();

        await using var db = Reliability.TestDatabase.Open(restored);
        var inbox = await db.InboundDeliveries.Select(d => new { d.Id, d.Status, d.EventCount }).ToListAsync();
        // Every delivery in the restored inbox is processed, once, and is one of the acknowledged or in-flight posts.
        Assert.Equal(backup.InboxLastId, inbox.Max(d => d.Id));
        Assert.All(inbox, d => Assert.Equal((DeliveryStatus.Processed, 1), (d.Status, d.EventCount)));
        var events = await db.WebhookEvents.GroupBy(e => e.ParticipantId!).Select(g => new { Participant = g.Key, Count = g.Count() }).ToListAsync();
        Assert.Equal(inbox.Count, events.Count);
        Assert.All(events, e => Assert.Equal(1, e.Count));
        var participants = events.Select(e => e.Participant).ToHashSet();
        var lost = before.Where(p => !participants.Contains(p)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} deliveries acknowledged before the inbox copy are missing: {string.Join(", ", lost.Take(10))}");
        Assert.Equal(participants.Count, await db.Conversations.CountAsync());
        Assert.Equal("ok", Reliability.TestDatabase.IntegrityCheck(restored));
        Assert.Empty(Reliability.TestDatabase.ForeignKeyViolations(restored));

        // The restored pair keeps its identity and goes on issuing ids after the copy's last one.
        Assert.Equal(pair, FilePair.Read(restored, FilePairTests.InboxOf(restored)).MainId);
        var response = await again.PostWebhookAsync(Instagram(Referral("after-restore", T0, "after_restore")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await again.WhenIdleAsync();
        Assert.Equal(backup.InboxLastId + 1, await db.InboundDeliveries.MaxAsync(d => d.Id));
        Assert.Equal("after_restore", (await again.ConversationOfAsync("instagram", "after-restore")).GetProperty("firstReferral").Str("ref"));
    }

    [Fact]
    public async Task Restore_Refuses_A_Running_App_And_Existing_Files_Unless_Forced_Which_Keeps_Them_Aside()
    {
        var path = TestApp.NewDatabasePath();
        var folder = NewFolder();
        var settings = "--ConnectionStrings:ReferralStudio=Data Source=" + path;
        await using (var app = await TestApp.StartAsync(path))
        {
            await app.DeliverAsync(Instagram(Referral("in-backup", T0, "in_backup")));
            var (code, text) = Command("backup", folder, settings);
            Assert.True(code == 0, text);
            Assert.Contains("processed up to delivery 1, inbox up to 1", text);

            (code, text) = Command("backup", folder, settings);
            Assert.Equal(1, code);
            Assert.Contains("already holds a backup", text);

            (code, text) = Command("restore", folder, settings, "--force");
            Assert.Equal(1, code);
            Assert.Contains("Another ReferralStudio process is using", text);

            await app.DeliverAsync(Instagram(Referral("after-backup", T0.AddMinutes(1), "after_backup")));
        }

        var before = await File.ReadAllBytesAsync(path);
        var refused = Command("restore", folder, settings);
        Assert.Equal(1, refused.Code);
        Assert.Contains("restore --force replaces them", refused.Text);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));

        var forced = Command("restore", folder, settings, "--force");
        Assert.True(forced.Code == 0, forced.Text);
        var aside = Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".before-restore-*");
        Assert.Single(aside);
        Assert.Equal(before, await File.ReadAllBytesAsync(aside[0]));

        await using var restored = await TestApp.StartAsync(path);
        await restored.WhenIdleAsync();
        Assert.Equal("in_backup", (await restored.ConversationOfAsync("instagram", "in-backup")).GetProperty("firstReferral").Str("ref"));
        Assert.Equal(0, await restored.ConversationCountAsync("instagram", "after-backup"));
    }

    private static (int Code, string Text) Command(params string[] args)
    {
        using var output = new StringWriter();
        var code = BackupCommands.Run([.. args, "--contentRoot=" + TestApp.RepoRoot, "--environment=Testing"], output, output);
        return (code, output.ToString());
    }

    private static string NewFolder() =>
        Path.Combine(Path.GetTempPath(), "referralstudio-tests", $"backup-{Guid.NewGuid():N}");

    /// <summary>
    /// Four senders posting unique deliveries over loopback HTTP until stopped; each 200 is recorded with
    /// the moment it arrived, taken after the response (so after the commit it acknowledges).
    /// </summary>
    private sealed class Load : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _senders;
        private readonly ConcurrentDictionary<string, long> _acknowledged;
        private readonly ConcurrentBag<(int Target, TaskCompletionSource Done)> _waiters = [];
        private int _count;

        public Load(TestApp app, ConcurrentDictionary<string, long> acknowledged)
        {
            _acknowledged = acknowledged;
            var next = 0;
            _senders = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    var participant = $"load-{i}";
                    using var response = await app.PostWebhookAsync(Instagram(Referral(participant, T0.AddSeconds(i), $"load_{i}")));
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    _acknowledged[participant] = Stopwatch.GetTimestamp();
                    var count = Interlocked.Increment(ref _count);
                    foreach (var waiter in _waiters.Where(w => count >= w.Target))
                    {
                        waiter.Done.TrySetResult();
                    }
                }
            }))];
        }

        public int Acknowledged => Volatile.Read(ref _count);

        public Task WhenAcknowledgedAsync(int target)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            if (Acknowledged >= target)
            {
                done.TrySetResult();
            }

            return done.Task;
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_senders);
        }

        public void Dispose() => _stop.Dispose();
    }
}
