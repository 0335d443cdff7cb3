using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReferralStudio.Attribution;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Inbox;
using ReferralStudio.Live;
using ReferralStudio.Messaging;
using ReferralStudio.Operations;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks;

// Inbox -> attribution throughput: a temp database migrated by the app, a backlog of realistic pending
// deliveries inserted in bulk, then the app's own AttributionProcessor drains it (parse, attribute,
// history, trigger match, tags, greetings, outbound enqueue) while a probe measures how long a writer
// waits for the SQLite write gate (what the ingest endpoint would feel) and memory is sampled each second.
var deliveries = Arg("--deliveries", 100_000);
var eventsPerDelivery = Arg("--events-per-delivery", 10);
var seed = Arg("--seed", 20261121);
// Keeps the database (moved to this path) for a look at its tables and indexes with sqlite3's dbstat.
var keepAt = Array.IndexOf(args, "--keep-db") is var k and >= 0 && k + 1 < args.Length ? args[k + 1] : null;
// --engine postgres: a fresh database on the server scripts/services.sh starts (REFERRALSTUDIO_BENCH_POSTGRES names
// another), dropped afterwards.
var engine = Array.IndexOf(args, "--engine") is var en and >= 0 && en + 1 < args.Length ? args[en + 1] : "sqlite";

await using var store = engine switch
{
    "sqlite" => (BenchStore)await SqliteBenchStore.StartAsync(keepAt),
    "postgres" => await PostgresBenchStore.StartAsync(),
    _ => throw new ArgumentException($"--engine is sqlite or postgres, not '{engine}'."),
};
await RunAsync();

async Task RunAsync()
{
    Console.WriteLine($"processing benchmark ({store.Name}): {deliveries:N0} deliveries x {eventsPerDelivery} events, seed {seed}");
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim()}, load {File.ReadAllText("/proc/loadavg").Trim()}");
    var contexts = store.Contexts;
    await using (var db = await contexts.CreateDbContextAsync())
    {
        db.Triggers.AddRange(Workload.Triggers());
        db.WebhookSubscriptions.Add(new WebhookSubscription
        {
            Url = "https://hooks.example.com/referralstudio",
            Events = [EventTypes.ReferralReceived],
            Secret = "whsec_" + Convert.ToBase64String(new byte[32]),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    var sw = Stopwatch.StartNew();
    long events = 0, bytes = 0;
    store.InsertBacklog(Workload.Backlog(deliveries, eventsPerDelivery, seed, (e, b) => (events, bytes) = (events + e, bytes + b)));
    Console.WriteLine($"backlog: {deliveries:N0} deliveries, {events:N0} events, {bytes / 1048576.0:N1} MiB of bodies inserted in {sw.Elapsed.TotalSeconds:N1} s");

    var time = TimeProvider.System;
    var triggers = new TriggerCatalog(contexts, new NoOtherInstances());
    await triggers.ReloadAsync();
    var subscriptions = new SubscriptionCatalog(contexts, new NoOtherInstances());
    await subscriptions.ReloadAsync();
    var progress = new DeliveryProgress();
    var live = new AttributionFeed();
    // Only its wake signal is used by the processor; the sender itself is not started.
    using var meterServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
    var metrics = new StudioMetrics(meterServices.GetRequiredService<IMeterFactory>(), new InboxSignals(progress, store.Probe, time));
    var greetings = new GreetingSender(contexts, null!, null!, Options.Create(new SendApiOptions()), metrics, time, NullLogger<GreetingSender>.Instance);
    var outbound = new OutboundQueue(subscriptions, new OutboundDeliveryStore(time));
    var storage = store.AttributionStorage(triggers, outbound, time);
    var pressure = new IngestPressure(TimeProvider.System);
    var inboxStorage = store.Inbox;
    // Its warnings are printed: a batch retried one by one or a failed read ahead changes what is measured.
    using var logging = LoggerFactory.Create(logs => logs.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
    var processor = new AttributionProcessor(storage, inboxStorage, progress, pressure, Options.Create(new MetaOptions()), outbound, greetings, live, new ProcessorLease(), time,
        logging.CreateLogger<AttributionProcessor>());

    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    using var stop = new CancellationTokenSource();
    var memory = Task.Run(() => Sampler.SampleAsync(stop.Token));
    // The real inbox writer, storing a single-event delivery every 5 ms while the backlog drains.
    var inbox = new InboxWriter(inboxStorage, progress, pressure, NullLogger<InboxWriter>.Instance);
    await inbox.StartAsync(CancellationToken.None);
    var probe = Task.Run(() => InboxProbe.RunAsync(inbox, stop.Token));
    var drainLive = Task.Run(async () =>
    {
        try
        {
            await foreach (var _ in live.Reader.ReadAllAsync(stop.Token))
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    });

    using var self = Process.GetCurrentProcess();
    var cpuBefore = self.TotalProcessorTime;
    var sysBefore = self.PrivilegedProcessorTime;
    var serverBefore = store.ServerCpu();
    sw.Restart();
    var allocatedBefore = GC.GetTotalAllocatedBytes();
    var pauseBefore = GC.GetTotalPauseDuration();
    var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    var last = await processor.ProcessPendingAsync(CancellationToken.None);
    var elapsed = sw.Elapsed;
    self.Refresh();
    var cpu = self.TotalProcessorTime - cpuBefore;
    var sys = self.PrivilegedProcessorTime - sysBefore;
    var serverCpu = store.ServerCpu() - serverBefore;
    var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
    var paused = GC.GetTotalPauseDuration() - pauseBefore;
    stop.Cancel();
    var samples = await memory;
    var waits = await probe;
    // What the probe stored after the drain's last read is applied now, outside the measurement.
    await processor.ProcessPendingAsync(CancellationToken.None);
    await inbox.StopAsync(CancellationToken.None);
    await drainLive;

    var processed = store.Count("SELECT COUNT(*) FROM DeliveryOutcomes WHERE Status = 1") - waits.Count;
    var pending = store.Count($"SELECT COUNT(*) FROM {store.InboxTable} WHERE Status = 0 AND Id > (SELECT LastDeliveryId FROM InboxCursors)");
    var stored = store.Count("SELECT COUNT(*) FROM WebhookEvents WHERE Status = 0") - waits.Count;
    Console.WriteLine();
    Console.WriteLine($"processed {processed:N0} deliveries (pending {pending:N0}, last id {last:N0}) in {elapsed.TotalSeconds:N2} s");
    Console.WriteLine($"events/s: {events / elapsed.TotalSeconds:N0}   deliveries/s: {deliveries / elapsed.TotalSeconds:N0}");
    // CPU time is less sensitive than wall time to other work on a shared machine.
    Console.WriteLine($"process CPU {cpu.TotalSeconds:N1} s = {events / cpu.TotalSeconds:N0} events per CPU-second ({cpu.TotalSeconds / elapsed.TotalSeconds:N2} cores busy on average; kernel {sys.TotalSeconds:N1} s)");
    if (serverCpu > TimeSpan.Zero)
    {
        Console.WriteLine($"database server CPU {serverCpu.TotalSeconds:N1} s ({serverCpu.TotalSeconds / elapsed.TotalSeconds:N2} cores busy on average)");
    }

    Console.WriteLine($"rows: events {stored:N0}, conversations {store.Count("SELECT COUNT(*) FROM Conversations"):N0}, touches {store.Count("SELECT COUNT(*) FROM ReferralTouches"):N0}, " +
        $"firings {store.Count("SELECT COUNT(*) FROM TriggerFirings"):N0}, tags {store.Count("SELECT COUNT(*) FROM ConversationTags"):N0}, greetings {store.Count("SELECT COUNT(*) FROM OutgoingMessages"):N0}, " +
        $"outbound {store.Count("SELECT COUNT(*) FROM OutboundDeliveries"):N0}");
    Console.WriteLine($"allocated {allocated / 1048576.0:N0} MiB ({allocated / (double)events:N0} B/event); GCs gen0 {GC.CollectionCount(0) - gcBefore.Item1}, gen1 {GC.CollectionCount(1) - gcBefore.Item2}, gen2 {GC.CollectionCount(2) - gcBefore.Item3}, paused {paused.TotalSeconds:N2} s");
    Sampler.Report(samples);
    InboxProbe.Report(waits, store.Durability);
    Console.WriteLine($"{store.Size()}; load after {File.ReadAllText("/proc/loadavg").Trim()}");
    if (processed != deliveries || pending != 0 || stored != events)
    {
        Console.WriteLine("MISMATCH: not every delivery or event was applied exactly once");
        Environment.ExitCode = 1;
    }
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The triggers and the backlog: Instagram, Messenger and WhatsApp payloads shaped like Meta's.</summary>
internal static class Workload
{
    private const string InstagramAccount = "17841400000000001";
    private const string PageId = "106540352242922";
    private const string PhoneNumberId = "106540352242900";

    private static readonly string[] Exact = [.. Enumerable.Range(0, 40).Select(i => $"spring_sale_{i}"), "summer_sale", "qr-store-berlin", "bio_link", "newsletter=jan"];
    private static readonly string[] Creators = [.. Enumerable.Range(0, 400).Select(i => $"creator{i}")];

    public static IEnumerable<Trigger> Triggers()
    {
        var at = DateTimeOffset.UtcNow.AddDays(-60);
        for (var i = 0; i < Exact.Length; i++)
        {
            yield return new Trigger
            {
                Name = $"Code {Exact[i]}",
                Pattern = Exact[i],
                Tags = i % 2 == 0 ? ["campaign:spring", "code:{ref}"] : ["campaign:other"],
                GreetingText = i % 4 == 0 ? "Hi! Thanks for coming from {ref}." : null,
                CreatedAt = at,
                UpdatedAt = at,
            };
        }

        yield return Pattern("Collabs", "collab_*", ["affiliate:{1}"], "Hey, {1} sent you!", at);
        yield return Pattern("TikTok", "*_tiktok", ["channel:tiktok", "campaign:{1}"], null, at);
        yield return Pattern("Stories 2026", "story_*_2026", ["story:{1}"], null, at);
        yield return Pattern("Ads", "ad_*", ["paid"], null, at);
        yield return new Trigger { Name = "CTWA ad", Pattern = "ctwa_winter", AdIds = ["120210000000000001", "120210000000000002"], Tags = ["paid:whatsapp"], CreatedAt = at, UpdatedAt = at };
    }

    private static Trigger Pattern(string name, string pattern, List<string> tags, string? greeting, DateTimeOffset at) =>
        new() { Name = name, Pattern = pattern, Tags = tags, GreetingText = greeting, CreatedAt = at, UpdatedAt = at };

    /// <summary>The pending deliveries, in id order: when each was received, its object type and its body.</summary>
    public static IEnumerable<BacklogDelivery> Backlog(int deliveries, int eventsPerDelivery, int seed, Action<int, int> counted)
    {
        var random = new Random(seed);
        // Whole hours, so the event times (and WhatsApp's whole seconds) are the same in every run.
        var start = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000;
        var span = 30L * 24 * 3600 * 1000;
        // Participants per platform; about half the events start a conversation, the rest return to one.
        var participants = new int[3];
        long mid = 0;
        var json = new StringBuilder(8192);
        for (var d = 0; d < deliveries; d++)
        {
            var platform = random.Next(10) switch { < 5 => 0, < 8 => 1, _ => 2 };
            var at = start + (span * d / deliveries);
            json.Clear();
            if (platform == 2)
            {
                json.Append("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[");
            }
            else
            {
                json.Append("{\"object\":\"").Append(platform == 0 ? "instagram" : "page").Append("\",\"entry\":[{\"id\":\"")
                    .Append(platform == 0 ? InstagramAccount : PageId).Append("\",\"time\":").Append(at).Append(",\"messaging\":[");
            }

            for (var e = 0; e < eventsPerDelivery; e++)
            {
                if (e > 0)
                {
                    json.Append(',');
                }

                var isNew = participants[platform] == 0 || random.Next(2) == 0;
                var participant = isNew ? ++participants[platform] : 1 + random.Next(participants[platform]);
                var eventAt = at + e;
                mid++;
                if (platform == 2)
                {
                    WhatsApp(json, random, participant, eventAt, mid);
                }
                else
                {
                    Messaging(json, random, platform, participant, eventAt, mid);
                }
            }

            json.Append("]}]}");
            var body = Encoding.UTF8.GetBytes(json.ToString());
            counted(eventsPerDelivery, body.Length);
            yield return new BacklogDelivery(at + 500, platform switch { 0 => "instagram", 1 => "page", _ => "whatsapp_business_account" }, body);
        }
    }

    private static string Ref(Random random) => random.Next(100) switch
    {
        < 35 => Exact[random.Next(Exact.Length)],
        < 55 => "collab_" + Creators[random.Next(Creators.Length)],
        < 62 => $"promo{random.Next(50)}_tiktok",
        < 68 => $"story_{random.Next(30)}_2026",
        < 75 => $"ad_{random.Next(200)}",
        _ => $"unmatched_{random.Next(2000)}",
    };

    private static void Messaging(StringBuilder json, Random random, int platform, int participant, long at, long mid)
    {
        var sender = platform == 0 ? "IGSID-" : "PSID-";
        json.Append("{\"sender\":{\"id\":\"").Append(sender).Append(participant).Append("\"},\"recipient\":{\"id\":\"")
            .Append(platform == 0 ? InstagramAccount : PageId).Append("\"},\"timestamp\":").Append(at).Append(',');
        var roll = random.Next(100);
        if (roll < 30)
        {
            // Ref on the first message (ig.me composer) or an ad click-to-message.
            var ad = random.Next(5) == 0;
            json.Append("\"message\":{\"mid\":\"m_").Append(mid).Append("\",\"text\":\"Hi, I saw your post! Is this still available?\",");
            Referral(json, random, ad);
            json.Append("}}");
        }
        else if (roll < 50)
        {
            json.Append("\"postback\":{\"mid\":\"m_").Append(mid).Append("\",\"title\":\"Get Started\",\"payload\":\"GET_STARTED\",");
            Referral(json, random, ad: false);
            json.Append("}}");
        }
        else if (roll < 70)
        {
            // A standalone referral into an existing thread: no mid, keyed by content.
            Referral(json, random, ad: random.Next(4) == 0);
            json.Append('}');
        }
        else
        {
            json.Append("\"message\":{\"mid\":\"m_").Append(mid).Append("\",\"text\":\"Thanks, what sizes do you have?\"}}");
        }
    }

    private static void Referral(StringBuilder json, Random random, bool ad)
    {
        json.Append("\"referral\":{\"ref\":\"").Append(Ref(random)).Append('"');
        if (ad)
        {
            json.Append(",\"ad_id\":\"1202100000").Append(random.Next(100_000_000).ToString("D8", CultureInfo.InvariantCulture))
                .Append("\",\"source\":\"ADS\",\"type\":\"OPEN_THREAD\",\"ads_context_data\":{\"ad_title\":\"Spring collection\",\"photo_url\":\"https://example.com/a.jpg\",\"post_id\":\"106540352242922_1234567890\"}}");
        }
        else
        {
            json.Append(",\"source\":\"SHORTLINKS\",\"type\":\"OPEN_THREAD\"}");
        }
    }

    private static void WhatsApp(StringBuilder json, Random random, int participant, long at, long mid)
    {
        var from = (491700000000L + participant).ToString(CultureInfo.InvariantCulture);
        json.Append("{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550001234\",\"phone_number_id\":\"")
            .Append(PhoneNumberId).Append("\"},\"contacts\":[{\"profile\":{\"name\":\"Kim Example\"},\"wa_id\":\"").Append(from)
            .Append("\"}],\"messages\":[{\"from\":\"").Append(from).Append("\",\"id\":\"wamid.HBgL").Append(mid)
            .Append("\",\"timestamp\":\"").Append(at / 1000).Append('"');
        var roll = random.Next(100);
        if (roll < 40)
        {
            var ad = random.Next(2) == 0 ? "120210000000000001" : "1202100000" + random.Next(100_000_000).ToString("D8", CultureInfo.InvariantCulture);
            json.Append(",\"referral\":{\"source_url\":\"https://fb.me/abc\",\"source_id\":\"").Append(ad)
                .Append("\",\"source_type\":\"ad\",\"headline\":\"Winter sale\",\"body\":\"Message us\",\"media_type\":\"image\",\"image_url\":\"https://example.com/w.jpg\",\"ctwa_clid\":\"ARAkLkA8rmlF").Append(mid).Append("\"}")
                .Append(",\"text\":{\"body\":\"Hello! Can I get more info on this?\"},\"type\":\"text\"}]},\"field\":\"messages\"}");
        }
        else if (roll < 70)
        {
            // Organic wa.me link: the code travels in the prefilled text.
            json.Append(",\"text\":{\"body\":\"Hi! ref: ").Append(Ref(random)).Append("\"},\"type\":\"text\"}]},\"field\":\"messages\"}");
        }
        else
        {
            json.Append(",\"text\":{\"body\":\"Do you ship to Berlin?\"},\"type\":\"text\"}]},\"field\":\"messages\"}");
        }
    }
}

/// <summary>GC heap and process RSS once a second while the processor runs.</summary>
internal static class Sampler
{
    public static async Task<List<(double Seconds, long Heap, long Rss)>> SampleAsync(CancellationToken cancellationToken)
    {
        var samples = new List<(double, long, long)>();
        var sw = Stopwatch.StartNew();
        using var process = Process.GetCurrentProcess();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                process.Refresh();
                samples.Add((sw.Elapsed.TotalSeconds, GC.GetGCMemoryInfo().HeapSizeBytes, process.WorkingSet64));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return samples;
    }

    public static void Report(List<(double Seconds, long Heap, long Rss)> samples)
    {
        if (samples.Count == 0)
        {
            return;
        }

        static string Mb(long b) => (b / 1048576.0).ToString("N0", CultureInfo.InvariantCulture);
        var heap = samples.Select(s => s.Heap).ToList();
        var rss = samples.Select(s => s.Rss).ToList();
        var tail = samples.Skip(samples.Count / 2).ToList();
        Console.WriteLine($"memory ({samples.Count} samples, 1/s): GC heap min {Mb(heap.Min())} / max {Mb(heap.Max())} / last {Mb(heap[^1])} MiB; " +
            $"RSS min {Mb(rss.Min())} / max {Mb(rss.Max())} / last {Mb(rss[^1])} MiB");
        Console.WriteLine($"  second half of the run: GC heap max {Mb(tail.Max(s => s.Heap))} MiB, RSS {Mb(tail.Min(s => s.Rss))}..{Mb(tail.Max(s => s.Rss))} MiB");
        var step = Math.Max(1, samples.Count / 10);
        Console.WriteLine("  RSS over time (MiB): " + string.Join(" ", samples.Where((_, i) => i % step == 0).Select(s => $"{s.Seconds:N0}s:{Mb(s.Rss)}")));
    }
}

/// <summary>
/// Stores a single-event delivery through the real inbox writer every 5 ms while the processor works,
/// and records how long each took to be committed: the acknowledgement latency a webhook would see.
/// </summary>
internal static class InboxProbe
{
    public static async Task<List<double>> RunAsync(InboxWriter inbox, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        try
        {
            for (var n = 0; !cancellationToken.IsCancellationRequested; n++)
            {
                await Task.Delay(5, cancellationToken);
                var at = DateTimeOffset.UtcNow;
                var ms = at.ToUnixTimeMilliseconds();
                var body = $$$"""{"object":"instagram","entry":[{"id":"17841400000000001","time":{{{ms}}},"messaging":[{"sender":{"id":"probe-{{{n}}}"},"recipient":{"id":"17841400000000001"},"timestamp":{{{ms}}},"message":{"mid":"probe-mid-{{{n}}}","text":"hi"}}]}]}""";
                var start = Stopwatch.GetTimestamp();
                // Not cancelled once queued: the bench counts every probe delivery as applied.
                await inbox.StoreAsync(new InboxItem(Encoding.UTF8.GetBytes(body), DeliveryStatus.Pending, "instagram", null, at), CancellationToken.None);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return latencies;
    }

    public static void Report(List<double> latencies, string durability)
    {
        if (latencies.Count == 0)
        {
            return;
        }

        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        Console.WriteLine($"inbox commits by a probe every 5 ms while processing ({latencies.Count:N0}, {durability}): p50 {P(0.5):N2} ms, p95 {P(0.95):N2} ms, p99 {P(0.99):N2} ms, max {latencies[^1]:N2} ms");
    }
}
