using Npgsql;
using ReferralStudio.Data;
using ReferralStudio.Inbox;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Storage.Postgres;

/// <summary>
/// The inbox on PostgreSQL keeps the contract the endpoint and the processor rely on: groups stored in one commit,
/// ids ascending, bodies byte for byte, and no delivery becoming visible after a higher id (the processor's cursor).
/// Tests share one database: each reads only after the newest id it found.
/// </summary>
public sealed class PostgresInboxTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Received = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);

    private PostgresInbox Inbox => new(database.DataSource);

    public Task InitializeAsync() => database.MigrateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Groups_Get_Ascending_Ids_And_Are_Read_Back_In_Order_Byte_For_Byte()
    {
        using var pending = Inbox.OpenPending();
        var before = pending.LastStoredId();
        var allBytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var groups = new[]
        {
            new[] { Item(allBytes), Item([]) },
            new[] { Item("{\"object\":\"instagram\"}"u8.ToArray(), simulated: true) },
            Enumerable.Range(0, 40).Select(i => Item([(byte)i, 0, 0xFF])).ToArray(),
        };

        var stored = new List<(long Id, InboxItem Item)>();
        using (var appender = Inbox.OpenAppender())
        {
            foreach (var group in groups)
            {
                var ids = new long[group.Length];
                var bytes = appender.Append(group, ids);
                Assert.Equal(group.Sum(i => (long)i.Body.Length), bytes);
                stored.AddRange(ids.Zip(group));
            }
        }

        var storedIds = stored.Select(s => s.Id).ToList();
        Assert.True(storedIds[0] > before);
        Assert.Equal(storedIds.Order(), storedIds);
        Assert.Equal(storedIds.Count, storedIds.Distinct().Count());
        Assert.Equal(storedIds[^1], pending.LastStoredId());

        var read = pending.ReadAfter(before);
        Assert.Equal(storedIds, read.Select(r => r.Id));
        foreach (var (row, (id, item)) in read.Zip(stored))
        {
            Assert.Equal(id, row.Id);
            Assert.Equal(item.Body, row.Body);
            Assert.Equal(item.Simulated, row.Simulated);
            Assert.Equal(item.ReceivedAt, row.ReceivedAt);
        }
    }

    [Fact]
    public void The_Reader_Skips_Deliveries_Not_Pending_And_Pages_By_Its_Cursor()
    {
        using var pending = Inbox.OpenPending();
        var before = pending.LastStoredId();
        var group = Enumerable.Range(0, IPendingDeliveries.BatchSize + 60)
            .Select(i => i % 7 == 3 ? new InboxItem([1], DeliveryStatus.Ignored, null, "not a messaging event", Received) : Item([(byte)i]))
            .ToArray();
        var ids = new long[group.Length];
        using (var appender = Inbox.OpenAppender())
        {
            appender.Append(group, ids);
        }

        var expected = ids.Where((_, i) => group[i].Status == DeliveryStatus.Pending).ToList();
        var first = pending.ReadAfter(before);
        Assert.Equal(IPendingDeliveries.BatchSize, first.Count);
        var second = pending.ReadAfter(first[^1].Id);
        Assert.Equal(expected, first.Concat(second).Select(r => r.Id));
        Assert.Empty(pending.ReadAfter(ids[^1]));
    }

    [Fact]
    public void Forgotten_Deliveries_Are_Gone_And_Their_Ids_Are_Not_Issued_Again()
    {
        var ids = new long[3];
        using var appender = Inbox.OpenAppender();
        appender.Append([Item([1]), Item([2]), Item([3])], ids);

        Inbox.Forget([ids[0], ids[2]]);

        using var pending = Inbox.OpenPending();
        Assert.Equal([ids[1]], pending.ReadAfter(ids[0] - 1).Select(r => r.Id));
        var next = new long[1];
        appender.Append([Item([4])], next);
        Assert.True(next[0] > ids[2]);
    }

    [Fact]
    public async Task A_Second_Appender_Waits_Until_The_Group_Holding_The_Lock_Has_Committed()
    {
        // A group in flight on another instance: it took the lock and drew its id, and has not committed yet.
        await using var first = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await first.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresInboxAppender.AppendLockKey})", first, transaction))
        {
            await take.ExecuteNonQueryAsync();
        }

        long firstId;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO inbounddeliveries (receivedat, status, body, simulated) VALUES (0, 0, '\\x01', false) RETURNING id", first, transaction))
        {
            firstId = (long)(await insert.ExecuteScalarAsync())!;
        }

        using var second = Inbox.OpenAppender();
        var secondIds = new long[1];
        var appending = Task.Run(() => second.Append([Item([2])], secondIds));

        // Deterministic: the second appender's session is seen waiting for the advisory lock.
        await WaitForAsync(async () => await database.ScalarAsync<long>(
            """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """) == 1);
        Assert.False(appending.IsCompleted);
        using (var pending = Inbox.OpenPending())
        {
            // Nothing after the uncommitted id is visible either: a reader cannot move its cursor past it.
            Assert.Empty(pending.ReadAfter(firstId - 1));
        }

        await transaction.CommitAsync();
        await appending.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(secondIds[0] > firstId);
        using (var pending = Inbox.OpenPending())
        {
            Assert.Equal([firstId, secondIds[0]], pending.ReadAfter(firstId - 1).Select(r => r.Id));
        }
    }

    [Fact]
    public async Task Two_Appenders_Appending_Together_Never_Hide_A_Delivery_From_A_Reader_Following_Its_Cursor()
    {
        using var pending = Inbox.OpenPending();
        var cursor = pending.LastStoredId();
        const int Groups = 150;
        var appended = new System.Collections.Concurrent.ConcurrentBag<long>();
        var appenders = Enumerable.Range(0, 2).Select(a => Task.Run(() =>
        {
            using var appender = Inbox.OpenAppender();
            for (var g = 0; g < Groups; g++)
            {
                var group = Enumerable.Range(0, 1 + (g % 4)).Select(i => Item([(byte)a, (byte)g, (byte)i])).ToArray();
                var ids = new long[group.Length];
                appender.Append(group, ids);
                foreach (var id in ids)
                {
                    appended.Add(id);
                }
            }
        })).ToArray();

        // The processor's loop: read after the cursor, move it to the last id read.
        var seen = new List<long>();
        var all = Task.WhenAll(appenders);
        while (true)
        {
            var done = all.IsCompleted;
            var rows = pending.ReadAfter(cursor);
            seen.AddRange(rows.Select(r => r.Id));
            cursor = rows.Count > 0 ? rows[^1].Id : cursor;
            if (done && rows.Count == 0)
            {
                break;
            }
        }

        await all;
        Assert.Equal(appended.Order(), seen);
    }

    [Fact]
    public void A_Dropped_Session_Fails_Only_Its_Group_And_Appender_And_Reader_Carry_On()
    {
        using var appender = Inbox.OpenAppender();
        using var pending = Inbox.OpenPending();
        var before = pending.LastStoredId();
        var first = new long[1];
        appender.Append([Item([1])], first);

        // As a server restart or a network cut would: every session of this database but the one asking.
        TerminateOtherSessions();

        Assert.ThrowsAny<Exception>(() => appender.Append([Item([2])], new long[1]));
        var next = new long[1];
        appender.Append([Item([3])], next);
        Assert.ThrowsAny<Exception>(() => pending.ReadAfter(before));
        Assert.Equal([first[0], next[0]], pending.ReadAfter(before).Select(r => r.Id));
    }

    private void TerminateOtherSessions()
    {
        using var terminate = database.DataSource.CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        terminate.ExecuteScalar();
    }

    private static InboxItem Item(byte[] body, bool simulated = false) =>
        new(body, DeliveryStatus.Pending, "page", null, Received, simulated);

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "Timed out waiting for the condition.");
            await Task.Delay(20);
        }
    }
}
