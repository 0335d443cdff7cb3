using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Components.Insight;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Storage.Sqlite;

// Dashboard queries on a large database: the feed page (FeedQuery.PageAsync), campaign analytics
// (CampaignReport.RunAsync), the conversation timeline (TimelineQuery.LoadAsync) and the CSV export
// (FeedExport.WriteCsvAsync, the code behind /feed/export.csv), each called exactly as the app calls it.
var touches = Arg("--touches", 1_000_000);
var conversations = Arg("--conversations", 200_000);
var iterations = Arg("--iterations", 200);
// A case stops early once it has run this long (and at least 5 times), so a slow baseline still finishes.
var budget = TimeSpan.FromSeconds(Arg("--case-seconds", 8));
var seed = Arg("--seed", 20261121);
// --only TEXT: only the cases whose name contains TEXT (e.g. "feed search"); the CSV export runs only without it.
var only = Array.IndexOf(args, "--only") is var o and >= 0 ? args[o + 1] : null;

// --generate-only PATH: build the database at PATH and keep it (for EXPLAIN QUERY PLAN in sqlite3).
var keep = Array.IndexOf(args, "--generate-only") is var g and >= 0 ? Path.GetFullPath(args[g + 1]) : null;
// --reuse PATH: run the cases on a database --generate-only built (migrated to this build's schema first), without
// generating one: a minute here on a quiet machine, much longer on a busy one.
var reuse = Array.IndexOf(args, "--reuse") is var r and >= 0 ? Path.GetFullPath(args[r + 1]) : null;
var dir = (keep ?? reuse) is { } given ? Path.GetDirectoryName(given)! : Path.Combine(Path.GetTempPath(), $"rs-dashboard-{Environment.ProcessId}");
Directory.CreateDirectory(dir);
var dbPath = keep ?? reuse ?? Path.Combine(dir, "bench.db");
try
{
    await RunAsync();
}
finally
{
    SqliteConnection.ClearAllPools();
    if (keep is null && reuse is null)
    {
        Directory.Delete(dir, recursive: true);
    }
}

async Task RunAsync()
{
    Console.WriteLine($"dashboard benchmark: {touches:N0} touches, {conversations:N0} conversations, {iterations} iterations per case, seed {seed}");
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim()}, load {File.ReadAllText("/proc/loadavg").Trim()}");
    var database = new SqliteFiles($"Data Source={dbPath}", dir);
    var services = new ServiceCollection();
    services.AddDbContextFactory<AppDbContext>(o => o.UseAppDatabase(database));
    await using var provider = services.BuildServiceProvider();
    var contexts = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
    // Both files, as the app does at start (the inbox stays empty here).
    await SqliteStorage.MigrateAsync(database);

    var now = DateTimeOffset.UtcNow;
    var sw = Stopwatch.StartNew();
    Data data;
    if (reuse is not null)
    {
        (data, now) = Generator.Read(database, seed);
        Console.WriteLine($"data: {dbPath}, {data.Touches:N0} touches up to {now:u}, read in {sw.Elapsed.TotalSeconds:N1} s");
    }
    else
    {
        data = Generator.Fill(database, now, touches, conversations, seed);
        Console.WriteLine($"data: {data.Touches:N0} touches, {data.Conversations:N0} conversations, {data.Conversions:N0} conversions, {data.Triggers} triggers, {data.Refs:N0} refs, " +
            $"{data.Events:N0} events, {data.Firings:N0} firings in {sw.Elapsed.TotalSeconds:N1} s; file {new FileInfo(dbPath).Length / 1048576.0:N0} MiB");

        // The raw inserts bypass the processor and the conversions API, which keep the campaign rollup and the feed's
        // search index: rebuild them.
        sw.Restart();
        await using (var connection = database.Open())
        {
            await CampaignRollup.RebuildAsync(connection);
        }

        Console.WriteLine($"campaign rollup rebuilt in {sw.Elapsed.TotalSeconds:N1} s");
        sw.Restart();
        await using (var connection = database.Open())
        {
            await FeedSearchIndex.RebuildAsync(connection);
        }

        Console.WriteLine($"feed search index rebuilt in {sw.Elapsed.TotalSeconds:N1} s");
    }

    if (keep is not null)
    {
        return;
    }

    var random = new Random(seed);
    var campaignKeys = new CampaignKeyCache();
    var results = new List<(string Name, Stats Stats)>();
    async Task Case(string name, Func<AppDbContext, Task> run)
    {
        if (only is not null && !name.Contains(only, StringComparison.Ordinal))
        {
            return;
        }

        // One short-lived context per operation, as the dashboard's components and the API use them.
        for (var i = 0; i < 3; i++)
        {
            await using var warm = await contexts.CreateDbContextAsync();
            await run(warm);
        }

        var times = new List<double>();
        var started = Stopwatch.StartNew();
        while (times.Count < iterations && (times.Count < 5 || started.Elapsed < budget))
        {
            var t = Stopwatch.GetTimestamp();
            await using (var db = await contexts.CreateDbContextAsync())
            {
                await run(db);
            }

            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        var stats = Stats.Of(times);
        results.Add((name, stats));
        Console.WriteLine($"{name,-44} n={stats.N,4}  p50 {stats.P50,8:N1} ms  p95 {stats.P95,8:N1} ms  max {stats.Max,8:N1} ms{(stats.P95 < 50 ? "" : "   (over 50 ms)")}");
    }

    var platforms = new[] { "instagram", "messenger", "whatsapp" };
    var arrivals = FeedFilter.Arrivals;
    DateTimeOffset Day(int daysAgo) => now.AddDays(-daysAgo);
    FeedFilter Week() { var start = random.Next(0, 24); return new FeedFilter(Since: Day(start + 7), Until: Day(start)); }

    var filters = new (string Name, Func<FeedFilter> Make)[]
    {
        ("none", () => new FeedFilter()),
        ("platform", () => new FeedFilter(Platform: platforms[random.Next(3)])),
        ("trigger", () => new FeedFilter(TriggerId: data.TriggerIds[random.Next(data.TriggerIds.Length)])),
        ("ref prefix", () => new FeedFilter(RefPrefix: data.Prefixes[random.Next(data.Prefixes.Length)])),
        ("date range (7 days)", Week),
        ("arrival", () => new FeedFilter(Arrival: arrivals[random.Next(arrivals.Length)])),
        ("search (exact participant)", () => new FeedFilter(Search: data.Participant(random))),
        // Contains, any case: a piece of a display name, a whole name, a piece of a username, a piece of a code.
        ("search (name fragment)", () => new FeedFilter(Search: Data.Fragment(data.Pick(data.Names, random), random, 3, 5))),
        ("search (full name)", () => new FeedFilter(Search: data.Pick(data.Names, random).ToUpperInvariant())),
        ("search (username fragment)", () => new FeedFilter(Search: Data.Fragment(data.Pick(data.Usernames, random), random, 4, 6))),
        ("search (code fragment)", () => new FeedFilter(Search: Data.Fragment(data.Pick(data.RefList, random), random, 3, 6))),
        // Under three characters the search is a code prefix.
        ("search (2 characters)", () => new FeedFilter(Search: data.Pick(data.RefList, random)[..2])),
        ("search (name fragment+platform)", () => new FeedFilter(Platform: platforms[random.Next(3)], Search: Data.Fragment(data.Pick(data.Names, random), random, 3, 5))),
        ("combined (platform+trigger+7 days)", () => Week() with { Platform = platforms[random.Next(3)], TriggerId = data.TriggerIds[random.Next(data.TriggerIds.Length)] }),
    };
    foreach (var (name, make) in filters)
    {
        await Case($"feed {name}, first page", db => FeedQuery.PageAsync(db, make(), null, 0, 50, default));
        await Case($"feed {name}, page 40", db => FeedQuery.PageAsync(db, make(), null, 40 * 50, 50, default));
    }

    // The analytics chart: campaign touches per day and trigger over 30 days, in a zone whose days start on the half hour.
    var businessDay = new BusinessDay(new FixedTime(now), TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
    await Case("analytics touches per day, 30 days", db => InsightQueries.TouchesPerDayAsync(db, businessDay, businessDay.Today.AddDays(-29), businessDay.Today, default));
    // The overview's list: the report's rows summed per campaign name, the top eight.
    await Case("overview top campaigns, 30 days", db => OverviewLists.TopCampaignsAsync(db, campaignKeys, Day(30), now, 8, default));
    foreach (var first in new[] { true, false })
    {
        await Case($"campaigns {(first ? "first" : "last")} touch, 30 days", db => CampaignReport.RunAsync(db, campaignKeys, first, Day(30), now, default));
        // The analytics page's table: the report's rows as one line per code and ad.
        await Case($"campaign lines {(first ? "first" : "last")} touch, 30 days", async db => CampaignRows.ByCode((await CampaignReport.RunAsync(db, campaignKeys, first, Day(30), now, default)).ByRef));
        await Case($"campaigns {(first ? "first" : "last")} touch, 7 days", db => { var s = random.Next(7, 30); return CampaignReport.RunAsync(db, campaignKeys, first, Day(s), Day(s - 7), default); });
    }

    await Case("timeline (random conversation)", db => TimelineQuery.LoadAsync(db, 1 + random.Next(data.Conversations), default));

    // The whole feed through the export's own code path into a stream that only counts bytes.
    Console.WriteLine();
    for (var run = 1; run <= (only is null ? 3 : 0); run++)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(true);
        using var process = Process.GetCurrentProcess();
        var rssBefore = process.WorkingSet64;
        long peakHeap = heapBefore, peakRss = rssBefore;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var p = Process.GetCurrentProcess();
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    p.Refresh();
                    peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo().HeapSizeBytes);
                    peakRss = Math.Max(peakRss, p.WorkingSet64);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var sink = new CountingStream();
        var t = Stopwatch.StartNew();
        long rows;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            rows = await FeedExport.WriteCsvAsync(db, new FeedFilter(), sink, default);
        }

        var elapsed = t.Elapsed;
        stop.Cancel();
        await sampler;
        process.Refresh();
        Console.WriteLine($"csv export run {run}: {rows:N0} rows, {sink.Length / 1048576.0:N0} MiB in {elapsed.TotalSeconds:N2} s = {rows / elapsed.TotalSeconds:N0} rows/s; " +
            $"GC heap before {heapBefore / 1048576.0:N0} / peak {peakHeap / 1048576.0:N0} / after {GC.GetTotalMemory(false) / 1048576.0:N0} MiB; " +
            $"RSS before {rssBefore / 1048576.0:N0} / peak {peakRss / 1048576.0:N0} / after {process.WorkingSet64 / 1048576.0:N0} MiB");
    }

    Console.WriteLine($"load after {File.ReadAllText("/proc/loadavg").Trim()}");
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal readonly record struct Stats(int N, double P50, double P95, double Max)
{
    public static Stats Of(List<double> times)
    {
        times.Sort();
        double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return new Stats(times.Count, P(0.5), P(0.95), times[^1]);
    }
}

/// <summary>A write-only stream that keeps nothing but the byte count.</summary>
internal sealed class CountingStream : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Position;
    public override long Position { get; set; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Position += count;
    public override void Write(ReadOnlySpan<byte> buffer) => Position += buffer.Length;
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) { Position += count; return Task.CompletedTask; }
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) { Position += buffer.Length; return ValueTask.CompletedTask; }
}

internal sealed record Data(int Touches, int Conversations, int Conversions, int Triggers, int Refs, int Events, int Firings, long[] TriggerIds, string[] Prefixes, string[] Participants,
    string[] Names, string[] Usernames, string[] RefList)
{
    public string Participant(Random random) => Participants[random.Next(Participants.Length)];

    public string Pick(string[] values, Random random) => values[random.Next(values.Length)];

    /// <summary>A piece of <paramref name="value"/>, <paramref name="min"/> to <paramref name="max"/> characters long, in random case.</summary>
    public static string Fragment(string value, Random random, int min, int max)
    {
        var length = Math.Min(value.Length, random.Next(min, max + 1));
        var piece = value.Substring(random.Next(value.Length - length + 1), length);
        return random.Next(2) == 0 ? piece.ToUpperInvariant() : piece;
    }
}

/// <summary>
/// Raw prepared inserts: 30 days, 3 platforms, ~50 triggers, ~2,000 refs (Zipf-like popularity), about
/// 5 touches per conversation, a conversion for ~10% of conversations credited to first and last touch.
/// 90 % of conversations have a display name (60 first names by 60 last names), Instagram ones mostly a username.
/// </summary>
internal static class Generator
{
    private static readonly string[] Arrivals = ["standalone", "first_message", "postback", "ad", "prefilled_text"];

    private static readonly string[] FirstNames =
    [
        "Anna", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hannah", "Ibrahim", "Jana", "Jürgen", "Karla", "Leon", "Mia", "Noah",
        "Olga", "Paul", "Qiang", "Rosa", "Sami", "Tara", "Umut", "Vera", "Wei", "Xenia", "Yusuf", "Zoë", "Amélie", "Bruno", "Chiara",
        "Diego", "Emma", "Felix", "Giulia", "Hugo", "Ines", "Jonas", "Kemal", "Lena", "Marco", "Nina", "Oskar", "Pia", "Rafael", "Sofia",
        "Theo", "Ursula", "Valentin", "Wiebke", "Yara", "Zeynep", "Aisha", "Bjørn", "Carmen", "Dmitri", "Eva", "Fatima", "Gustav", "Helga", "Ivan",
    ];

    private static readonly string[] LastNames =
    [
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf",
        "Schröder", "Neumann", "Schwarz", "Braun", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler",
        "Yılmaz", "Kaya", "Demir", "Rossi", "Russo", "Ferrari", "García", "Martínez", "López", "Nowak", "Kowalski", "Wiśniewski", "Dubois",
        "Moreau", "Laurent", "Smith", "Jones", "Brown", "Taylor", "Wilson", "Nguyen", "Tran", "Kim", "Lee", "Chen", "Wang", "Silva", "Santos",
        "Oliveira", "Jensen", "Nielsen", "Hansen", "Andersson", "Johansson",
    ];

    public static Data Fill(SqliteFiles database, DateTimeOffset now, int touchCount, int conversationCount, int seed)
    {
        var random = new Random(seed);
        using var connection = database.Open();
        // Conversations point at their first and latest touch and touches at their conversation: insert both
        // sides in one pass without the foreign key checks (the ids are consistent by construction).
        Exec(connection, "PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144;");

        // Triggers: 40 exact codes and 10 patterns.
        var refs = new List<(string Ref, long? Trigger)>();
        var triggerIds = new List<long>();
        using (var tx = connection.BeginTransaction())
        {
            using var insert = Command(connection, tx, """
                INSERT INTO Triggers (Name, Pattern, Platforms, AdIds, Priority, Enabled, Tags, GreetingText, GreetingMode, CreatedAt, UpdatedAt)
                VALUES ($name, $pattern, '[]', '[]', 0, 1, '["campaign:x"]', NULL, 0, $at, $at) RETURNING Id
                """, "$name", "$pattern", "$at");
            for (var i = 0; i < 50; i++)
            {
                var pattern = i < 40 ? $"code_{i}" : $"family{i}_*";
                Set(insert, $"Trigger {i}", pattern, now.AddDays(-90).ToUnixTimeMilliseconds());
                var id = (long)insert.ExecuteScalar()!;
                triggerIds.Add(id);
                if (i < 40)
                {
                    refs.Add((pattern, id));
                }
                else
                {
                    for (var k = 0; k < 150; k++)
                    {
                        refs.Add(($"family{i}_creator{k}", id));
                    }
                }
            }

            // Refs no trigger matches.
            for (var k = 0; k < 460; k++)
            {
                refs.Add(($"loose_{k}", null));
            }

            tx.Commit();
        }

        var platforms = new[] { "instagram", "messenger", "whatsapp" };
        var accounts = new[] { "17841400000000001", "106540352242922", "106540352242900" };
        var start = now.AddDays(-30).ToUnixTimeMilliseconds();
        var span = now.ToUnixTimeMilliseconds() - start - 60_000;
        var participants = new string[Math.Min(conversationCount, 5000)];
        var names = new List<string>();
        var usernames = new List<string>();
        // Names come from a random of their own, so the touches are the same as before names were generated.
        var people = new Random(seed + 1);
        int touchesMade = 0, conversions = 0, events = 0, firings = 0;

        var tx2 = connection.BeginTransaction();
        using var conv = Command(connection, tx2, """
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, ParticipantUsername, CreatedAt, LastActivityAt, WindowExpiresAt,
                FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
            VALUES ($id, $platform, $account, $participant, $name, $username, $created, $last, $window, $first, $firstAt, $latest, $latestAt, 1, 1, 0, 0)
            """, "$id", "$platform", "$account", "$participant", "$name", "$username", "$created", "$last", "$window", "$first", "$firstAt", "$latest", "$latestAt");
        using var touch = Command(connection, tx2, """
            INSERT INTO ReferralTouches (Id, ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt,
                AdId, TriggerId, Platform, AccountId, ParticipantId, Simulated)
            VALUES ($id, $conversation, $id, $ref, $source, 'OPEN_THREAD', $arrival, 0, 1, $at, $at + 700, $ad, $trigger, $platform, $account, $participant, 0)
            """, "$id", "$conversation", "$ref", "$source", "$arrival", "$at", "$ad", "$trigger", "$platform", "$account", "$participant");
        using var evt = Command(connection, tx2, """
            INSERT INTO WebhookEvents (DeliveryId, DedupKey, Status, Platform, Kind, Passive, AccountId, ParticipantId, OccurredAt, ReceivedAt, MessageId, Text, ConversationId)
            VALUES ($id, $key, 0, $platform, 'message', 0, $account, $participant, $at, $at + 500, $key, 'Hi, is this still available?', $conversation)
            """, "$id", "$key", "$platform", "$account", "$participant", "$at", "$conversation");
        using var firing = Command(connection, tx2, """
            INSERT INTO TriggerFirings (TriggerId, ConversationId, ReferralTouchId, Captures, FiredAt) VALUES ($trigger, $conversation, $touch, '[]', $at)
            """, "$trigger", "$conversation", "$touch", "$at");
        using var tag = Command(connection, tx2, """
            INSERT INTO ConversationTags (ConversationId, Label, TriggerId, AddedAt) VALUES ($conversation, 'campaign:x', $trigger, $at) ON CONFLICT DO NOTHING
            """, "$conversation", "$trigger", "$at");
        using var conversion = Command(connection, tx2, """
            INSERT INTO Conversions (ConversationId, Type, Value, Currency, OccurredAt, ExternalId, FirstTouchId, LastTouchId, RecordedAt)
            VALUES ($conversation, $type, $value, 'EUR', $at, $external, $first, $last, $at)
            """, "$conversation", "$type", "$value", "$at", "$external", "$first", "$last");

        var touchTimes = new List<long>();
        long touchId = 0;
        for (var c = 1; c <= conversationCount; c++)
        {
            // Touches left spread over the conversations left, 1 to ~15 per conversation.
            var remaining = touchCount - touchesMade;
            var left = conversationCount - c + 1;
            var mean = remaining / (double)left;
            var n = c == conversationCount ? remaining : Math.Clamp((int)Math.Round(-Math.Log(1 - random.NextDouble()) * (mean - 1)) + 1, 1, Math.Max(1, remaining - (left - 1)));
            var p = random.Next(10) switch { < 5 => 0, < 8 => 1, _ => 2 };
            var participant = p switch { 0 => "IGSID-", 1 => "PSID-", _ => "49170" } + c.ToString(CultureInfo.InvariantCulture);
            if (c <= participants.Length)
            {
                participants[c - 1] = participant;
            }

            var first = start + (long)(random.NextDouble() * span);
            touchTimes.Clear();
            touchTimes.Add(first);
            for (var k = 1; k < n; k++)
            {
                touchTimes.Add(Math.Min(start + span, first + (long)(random.NextDouble() * random.NextDouble() * 10 * 86_400_000L)));
            }

            touchTimes.Sort();
            var firstId = touchId + 1;
            var latestId = touchId + n;
            var (firstName, lastName) = (FirstNames[people.Next(FirstNames.Length)], LastNames[people.Next(LastNames.Length)]);
            var name = people.Next(10) == 0 ? null : $"{firstName} {lastName}";
            var username = p switch
            {
                0 when people.Next(10) > 0 => $"{firstName}.{lastName}{people.Next(1000)}".ToLowerInvariant(),
                2 when people.Next(5) == 0 => $"@{firstName}_{lastName}".ToLowerInvariant(),
                _ => null,
            };
            if (c <= participants.Length)
            {
                if (name is not null)
                {
                    names.Add(name);
                }

                if (username is not null)
                {
                    usernames.Add(username);
                }
            }

            Set(conv, c, platforms[p], accounts[p], participant, name, username, first, touchTimes[^1], touchTimes[^1] + 86_400_000L, firstId, first, latestId, touchTimes[^1]);
            conv.ExecuteNonQuery();
            foreach (var at in touchTimes)
            {
                touchId++;
                // Zipf-like popularity: a few codes get most of the traffic.
                var (code, trigger) = refs[(int)(refs.Count * Math.Pow(random.NextDouble(), 2.5))];
                var arrival = Arrivals[random.Next(Arrivals.Length)];
                var ad = arrival == "ad" ? $"1202100000{random.Next(300):D8}" : null;
                Set(touch, touchId, c, code, arrival == "ad" ? "ADS" : "SHORTLINKS", arrival, at, ad, trigger, platforms[p], accounts[p], participant);
                touch.ExecuteNonQuery();
                if (trigger is { } tr)
                {
                    Set(firing, tr, c, touchId, at);
                    firing.ExecuteNonQuery();
                    Set(tag, c, tr, at);
                    tag.ExecuteNonQuery();
                    firings++;
                }
            }

            touchesMade += n;
            Set(evt, c, $"m_{c}", platforms[p], accounts[p], participant, first + 1000, c);
            evt.ExecuteNonQuery();
            events++;
            if (random.Next(10) == 0)
            {
                var at = Math.Min(start + span, touchTimes[^1] + (long)(random.NextDouble() * 3 * 86_400_000L));
                var purchase = random.Next(3) > 0;
                Set(conversion, c, purchase ? "purchase" : "signup", purchase ? 20 + random.Next(200) : 0.0, at, $"order-{c}", firstId, latestId);
                conversion.ExecuteNonQuery();
                conversions++;
            }

            if (c % 20_000 == 0)
            {
                tx2.Commit();
                tx2.Dispose();
                tx2 = connection.BeginTransaction();
                foreach (var command in new[] { conv, touch, evt, firing, tag, conversion })
                {
                    command.Transaction = tx2;
                }
            }
        }

        tx2.Commit();
        tx2.Dispose();
        Exec(connection, "UPDATE sqlite_sequence SET seq = (SELECT MAX(Id) FROM Conversations) WHERE name = 'Conversations';");

        var prefixes = refs.Select(r => r.Ref.Length > 6 ? r.Ref[..6] : r.Ref).Distinct().Concat(["family4", "code_1", "loose_1"]).ToArray();
        return new Data(touchesMade, conversationCount, conversions, triggerIds.Count, refs.Count, events, firings, [.. triggerIds], prefixes, participants,
            [.. names], [.. usernames], [.. refs.Select(r => r.Ref)]);
    }

    /// <summary>
    /// The samples the cases draw from, read back from a database <see cref="Fill"/> wrote (the same sets: the first
    /// 5,000 conversations' ids, names and usernames, every ref), and the time it was written at.
    /// </summary>
    public static (Data Data, DateTimeOffset Now) Read(SqliteFiles database, int seed)
    {
        using var connection = database.Open();
        List<T> All<T>(string sql, Func<SqliteDataReader, T> read)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var values = new List<T>();
            while (reader.Read())
            {
                values.Add(read(reader));
            }

            return values;
        }

        var touches = All("SELECT COUNT(*), MAX(OccurredAt) FROM ReferralTouches", r => (Count: r.GetInt32(0), Last: r.GetInt64(1)))[0];
        var conversations = All("SELECT COUNT(*) FROM Conversations", r => r.GetInt32(0))[0];
        var first = All("SELECT ParticipantId, ParticipantName, ParticipantUsername FROM Conversations WHERE Id <= 5000 ORDER BY Id",
            r => (Id: r.GetString(0), Name: r.IsDBNull(1) ? null : r.GetString(1), Username: r.IsDBNull(2) ? null : r.GetString(2)));
        var refs = All("SELECT DISTINCT Ref FROM ReferralTouches WHERE Ref IS NOT NULL", r => r.GetString(0));
        var prefixes = refs.Select(x => x.Length > 6 ? x[..6] : x).Distinct().Concat(["family4", "code_1", "loose_1"]).ToArray();
        var data = new Data(touches.Count, conversations, 0, 0, refs.Count, 0, 0, [.. All("SELECT Id FROM Triggers ORDER BY Id", r => r.GetInt64(0))], prefixes,
            [.. first.Select(c => c.Id)], [.. first.Select(c => c.Name).OfType<string>()], [.. first.Select(c => c.Username).OfType<string>()], [.. refs]);
        return (data, DateTimeOffset.FromUnixTimeMilliseconds(touches.Last + 60_000));
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}

/// <summary>The clock at the data's newest moment, so "today" is the generated data's last day.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
