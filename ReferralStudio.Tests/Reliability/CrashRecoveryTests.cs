using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;
using ReferralStudio.Webhooks;
using Xunit.Abstractions;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Reliability;

/// <summary>
/// The app as a real process, killed with SIGKILL at random moments while a Meta-like sender posts and retries.
/// Every delivery that got a 200 must be processed exactly once, and the store must stay sound, on either engine.
/// CI runs a few cycles; <c>RELIABILITY_CYCLES=50</c> (and <c>RELIABILITY_SEED</c> to replay a run) for a long one.
/// </summary>
public abstract class CrashRecoveryScenarios(ITestOutputHelper output)
{
    protected abstract TestStore NewStore();

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Every_Acknowledged_Delivery_Survives_Sigkill_And_Is_Processed_Exactly_Once()
    {
        var cycles = EnvInt("RELIABILITY_CYCLES", 5);
        var seed = EnvInt("RELIABILITY_SEED", Random.Shared.Next());
        output.WriteLine($"crash run: seed {seed}, {cycles} kills (replay with RELIABILITY_SEED={seed} RELIABILITY_CYCLES={cycles})");
        var random = new Random(seed);
        var run = seed.ToString(CultureInfo.InvariantCulture);
        var deliveries = Enumerable.Range(0, 30 * (cycles + 1)).Select(i => Delivery.Create(run, i)).ToArray();
        await using var store = NewStore();
        await store.PrepareAsync();
        var path = store.Path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var port = AppProcess.FreePort();
        var settings = store.Settings.ToDictionary(s => s.Key, s => s.Value!);

        var app = await AppProcess.StartAsync(path, port, ReadyTimeout, settings);
        var sender = new MetaLikeSender(app.BaseAddress, deliveries, new Random(random.Next()));
        var sending = sender.RunAsync();
        try
        {
            for (var cycle = 1; cycle <= cycles; cycle++)
            {
                // Kill after a random number of further acknowledgements plus a random few milliseconds, so the kill
                // lands mid-commit, mid-processing and mid-response in different runs.
                var after = random.Next(3, 40);
                await sender.WhenAcknowledgedAsync(sender.Acknowledgements + after).WaitAsync(Bound);
                await Task.Delay(random.Next(0, 30));
                app.Kill();
                output.WriteLine($"cycle {cycle}: killed after {sender.Acknowledged} acknowledgements");
                app.Dispose();
                app = await AppProcess.StartAsync(path, port, ReadyTimeout, settings);
            }

            await sending.WaitAsync(Bound);
            await WhenProcessedAsync(store).WaitAsync(Bound);

            await using var db = store.Open();
            Assert.True(await db.InboundDeliveries.CountAsync() >= sender.Acknowledgements,
                $"seed {seed}: fewer stored deliveries than 200s ({sender.Acknowledgements})");
            foreach (var delivery in deliveries)
            {
                Assert.True(sender.IsAcknowledged(delivery.Index), $"seed {seed}: delivery {delivery.Index} never acknowledged");
                var events = await db.WebhookEvents.Where(e => e.ParticipantId == delivery.Participant).ToListAsync();
                var touches = await db.ReferralTouches.Where(t => t.ParticipantId == delivery.Participant).ToListAsync();
                var conversations = await db.Conversations.CountAsync(c => c.ParticipantId == delivery.Participant);
                Assert.True(events.Count == 1, $"seed {seed}: delivery {delivery.Index} has {events.Count} events");
                Assert.True(conversations == 1, $"seed {seed}: delivery {delivery.Index} has {conversations} conversations");
                Assert.True(touches.Count == 1 && touches[0].Ref == delivery.Ref, $"seed {seed}: delivery {delivery.Index} has {touches.Count} touches");
                Assert.Equal(events[0].ConversationId, touches[0].ConversationId);
            }

            store.AssertSound();
            output.WriteLine($"{sender.Posts} posts, {sender.Acknowledgements} acknowledged, {sender.Duplicates} deliberate duplicates, {sender.Retries} retries");
        }
        catch (Exception) when (Report(app))
        {
            throw;
        }
        finally
        {
            sender.Stop();
            app.Dispose();
        }
    }

    private bool Report(AppProcess app)
    {
        output.WriteLine("last app output:\n" + app.RecentOutput);
        return false;
    }

    /// <summary>Waits (reading the store, bounded by the caller) until no stored delivery is left to process.</summary>
    private static async Task WhenProcessedAsync(TestStore store)
    {
        while (true)
        {
            await using (var db = store.Open())
            {
                if (!await db.InboundDeliveries.AnyAsync(d => d.Status == DeliveryStatus.Pending))
                {
                    return;
                }
            }

            await Task.Delay(100);
        }
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    /// <summary>One uniquely identifiable delivery; the same bytes every time it is (re)sent.</summary>
    private sealed record Delivery(int Index, string Participant, string Ref, byte[] Body, string Signature)
    {
        public static Delivery Create(string run, int index)
        {
            var participant = $"crash-{run}-{index}";
            var @ref = $"crash_{run}_{index}";
            var at = DateTimeOffset.Parse("2026-11-20T10:00:00Z", CultureInfo.InvariantCulture).AddSeconds(index);
            // Alternate the two dedup paths: message mid, and the hash that keys a standalone referral.
            var body = index % 2 == 0
                ? Instagram(Message(participant, at, "hi", RefLink(@ref)))
                : Messenger(Referral(participant, at, @ref, account: PageId));
            var bytes = Encoding.UTF8.GetBytes(body);
            return new Delivery(index, participant, @ref, bytes, MetaSignature.Sign(bytes, Encoding.UTF8.GetBytes(TestApp.AppSecret)));
        }
    }

    /// <summary>
    /// Posts every delivery from a few concurrent workers and, like Meta, retries any that got no 200
    /// (refused, reset, timed out, 5xx). One in eight acknowledged deliveries is deliberately sent again.
    /// </summary>
    private sealed class MetaLikeSender(Uri baseAddress, Delivery[] deliveries, Random random)
    {
        private readonly ConcurrentQueue<(Delivery Delivery, bool Duplicate)> _queue = new(deliveries.Select(d => (d, false)));
        private readonly bool[] _acknowledged = new bool[deliveries.Length];
        private readonly ConcurrentBag<(int Target, TaskCompletionSource Done)> _waiters = [];
        private readonly CancellationTokenSource _stop = new();
        private int _acknowledgedCount;
        private int _outstanding = deliveries.Length;
        private int _posts;
        private int _acks;
        private int _duplicates;
        private int _retries;

        public int Acknowledged => Volatile.Read(ref _acknowledgedCount);

        public int Acknowledgements => Volatile.Read(ref _acks);

        public int Posts => _posts;

        public int Duplicates => _duplicates;

        public int Retries => _retries;

        public bool IsAcknowledged(int index) => _acknowledged[index];

        public Task WhenAcknowledgedAsync(int count)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            if (Acknowledgements >= count || Volatile.Read(ref _outstanding) == 0)
            {
                done.TrySetResult();
            }

            return done.Task;
        }

        public void Stop() => _stop.Cancel();

        public async Task RunAsync()
        {
            using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(2) })
            {
                BaseAddress = baseAddress,
                Timeout = TimeSpan.FromSeconds(20),
            };
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => WorkAsync(client))));
            foreach (var (_, done) in _waiters)
            {
                done.TrySetResult();
            }
        }

        private async Task WorkAsync(HttpClient client)
        {
            while (Volatile.Read(ref _outstanding) > 0 && !_stop.IsCancellationRequested)
            {
                if (!_queue.TryDequeue(out var item))
                {
                    // Everything left is in flight on other workers.
                    await Task.Delay(5);
                    continue;
                }

                Interlocked.Increment(ref _posts);
                if (await PostAsync(client, item.Delivery))
                {
                    Acknowledge(item);
                }
                else
                {
                    Interlocked.Increment(ref _retries);
                    _queue.Enqueue(item);
                    // Meta backs off between retries; a short pause keeps the loop from spinning while the app is down.
                    await Task.Delay(20);
                }
            }
        }

        private void Acknowledge((Delivery Delivery, bool Duplicate) item)
        {
            var count = Interlocked.Increment(ref _acks);
            if (!item.Duplicate)
            {
                lock (_acknowledged)
                {
                    _acknowledged[item.Delivery.Index] = true;
                }

                Interlocked.Increment(ref _acknowledgedCount);
                bool resend;
                lock (random)
                {
                    resend = random.Next(8) == 0;
                }

                if (resend)
                {
                    Interlocked.Increment(ref _duplicates);
                    Interlocked.Increment(ref _outstanding);
                    _queue.Enqueue((item.Delivery, true));
                }
            }

            Interlocked.Decrement(ref _outstanding);
            foreach (var (target, done) in _waiters)
            {
                if (count >= target)
                {
                    done.TrySetResult();
                }
            }
        }

        private async Task<bool> PostAsync(HttpClient client, Delivery delivery)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoints.Path) { Content = new ByteArrayContent(delivery.Body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.TryAddWithoutValidation(WebhookEndpoints.SignatureHeader, delivery.Signature);
                using var response = await client.SendAsync(request, _stop.Token);
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                return false;
            }
        }
    }
}

public sealed class CrashRecoveryTests(ITestOutputHelper output) : CrashRecoveryScenarios(output)
{
    protected override TestStore NewStore() => TestStore.Sqlite();
}

public sealed class PostgresCrashRecoveryTests(ITestOutputHelper output) : CrashRecoveryScenarios(output)
{
    protected override TestStore NewStore() => TestStore.Postgres();
}
