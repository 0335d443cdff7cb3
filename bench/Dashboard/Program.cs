using Microsoft.EntityFrameworkCore;
using System.Diagnostics;
using System.Globalization;
using ReferralStudio.Components.Insight;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Insight;

// Dashboard queries on a large database: the feed page (FeedQuery.PageAsync), campaign analytics
// (CampaignReport.RunAsync), the conversation timeline (TimelineQuery.LoadAsync) and the CSV export
// (FeedExport.WriteCsvAsync, the code behind /feed/export.csv), each called exactly as the app calls it, on SQLite,
// PostgreSQL or both in one run (the same generated data on each).
var touches = Arg("--touches", 1_000_000);
var conversations = Arg("--conversations", 200_000);
var iterations = Arg("--iterations", 200);
// A case stops early once it has run this long (and at least 5 times), so a slow baseline still finishes.
var budget = TimeSpan.FromSeconds(Arg("--case-seconds", 8));
var seed = Arg("--seed", 20261121);
// --only TEXT: only the cases whose name contains TEXT (e.g. "feed search"); the CSV export runs only without it.
var only = Text("--only");
// --engine sqlite (the default), postgres, or both (one after the other, each on the same data).
var engines = (Text("--engine") ?? "sqlite") switch
{
    "both" => new[] { DatabaseOptions.Sqlite, DatabaseOptions.Postgres },
    var one when one is DatabaseOptions.Sqlite or DatabaseOptions.Postgres => [one],
    var other => throw new ArgumentException($"--engine must be sqlite, postgres or both (it is '{other}')."),
};
// The PostgreSQL server and role; each run creates a database of its own there through the app's migrations.
var server = Text("--server") ?? BenchPostgresDatabase.DefaultServer;

// --generate-only TARGET: build the database and keep it (for EXPLAIN QUERY PLAN in sqlite3, or EXPLAIN in psql).
// --reuse TARGET: run the cases on a database --generate-only built (migrated to this build's schema first), without
// generating one: a minute here on a quiet machine, much longer on a busy one. TARGET is a file on SQLite and a
// database name on PostgreSQL. --keep: keep the database this run generated.
var keep = Text("--generate-only");
var reuse = Text("--reuse");
var keepAfter = args.Contains("--keep") || keep is not null || reuse is not null;
if ((keep ?? reuse) is not null && engines.Length > 1)
{
    throw new ArgumentException("--generate-only and --reuse name one engine's database: pass --engine sqlite or --engine postgres.");
}

// One moment for every engine, so each gets the same rows.
var generatedAt = DateTimeOffset.UtcNow;
var results = new List<(string Engine, string Name, Stats Stats)>();
foreach (var engine in engines)
{
    await using var database = engine == DatabaseOptions.Postgres
        ? await PostgresBench.StartAsync(server, keep ?? reuse ?? $"rs_dashboard_{Environment.ProcessId}", reuse: reuse is not null, keepAfter) as IBenchDatabase
        : await SqliteBench.StartAsync(
            (keep ?? reuse) is { } file ? Path.GetFullPath(file) : Path.Combine(Path.GetTempPath(), $"rs-dashboard-{Environment.ProcessId}", "bench.db"), keepAfter);
    await RunAsync(database);
    Console.WriteLine();
}

// Both engines side by side (p95 at or over 50 ms marked "!").
if (engines.Length > 1)
{
    string Cell(string engine, string name) =>
        results.Where(r => r.Engine == engine && r.Name == name).Select(r => $"{r.Stats.P50,8:N1} / {r.Stats.P95,8:N1}{(r.Stats.P95 < 50 ? "  " : " !")}").FirstOrDefault() ?? "";
    Console.WriteLine($"{"case (p50 / p95 ms)",-52} {string.Join("  ", engines.Select(e => $"{e,21}"))}");
    foreach (var name in results.Select(r => r.Name).Distinct())
    {
        Console.WriteLine($"{name,-52} {string.Join("  ", engines.Select(e => $"{Cell(e, name),21}"))}");
    }
}

async Task RunAsync(IBenchDatabase database)
{
    Console.WriteLine($"dashboard benchmark on {database.Engine} ({database.Where}): {touches:N0} touches, {conversations:N0} conversations, {iterations} iterations per case, seed {seed}");
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim()}, load {File.ReadAllText("/proc/loadavg").Trim()}");
    var sw = Stopwatch.StartNew();
    Data data;
    var now = generatedAt;
    if (reuse is not null)
    {
        await using var connection = database.Open();
        (data, now) = Generator.Read(connection);
        Console.WriteLine($"data: {database.Where}, {data.Touches:N0} touches up to {now:u}, read in {sw.Elapsed.TotalSeconds:N1} s");
    }
    else
    {
        using (var rows = database.Rows())
        {
            data = Generator.Fill(rows, now, touches, conversations, seed);
        }

        Console.WriteLine($"data: {data.Touches:N0} touches, {data.Conversations:N0} conversations, {data.Conversions:N0} conversions, {data.Triggers} triggers, {data.Refs:N0} refs, " +
            $"{data.Events:N0} events, {data.Firings:N0} firings in {sw.Elapsed.TotalSeconds:N1} s; {database.Size()}");

        // The raw inserts bypass the processor and the conversions API, which keep the campaign rollup and the feed's
        // search index: rebuild them.
        await database.AfterLoadAsync();
    }

    if (keep is not null)
    {
        return;
    }

    var random = new Random(seed);
    var campaignCaches = new CampaignCaches();
    // before: run ahead of each timed run, outside the timing (a write the case reads after).
    async Task Case(string name, Func<AppDbContext, Task> run, Func<AppDbContext, Task>? before = null)
    {
        if (only is not null && !name.Contains(only, StringComparison.Ordinal))
        {
            return;
        }

        // One short-lived context per operation, as the dashboard's components and the API use them.
        for (var i = 0; i < 3; i++)
        {
            await using var warm = await database.ContextAsync();
            await run(warm);
        }

        var times = new List<double>();
        var started = Stopwatch.StartNew();
        while (times.Count < iterations && (times.Count < 5 || started.Elapsed < budget))
        {
            if (before is not null)
            {
                await using var db = await database.ContextAsync();
                await before(db);
            }

            var t = Stopwatch.GetTimestamp();
            await using (var db = await database.ContextAsync())
            {
                await run(db);
            }

            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        var stats = Stats.Of(times);
        results.Add((database.Engine, name, stats));
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
    await Case("overview top campaigns, 30 days", db => OverviewLists.TopCampaignsAsync(db, campaignCaches, Day(30), now, 8, default));
    foreach (var first in new[] { true, false })
    {
        await Case($"campaigns {(first ? "first" : "last")} touch, 30 days", db => CampaignReport.RunAsync(db, campaignCaches, first, Day(30), now, default));
        // The analytics page's table: the report's rows as one line per code and ad.
        await Case($"campaign lines {(first ? "first" : "last")} touch, 30 days", async db => CampaignRows.ByCode((await CampaignReport.RunAsync(db, campaignCaches, first, Day(30), now, default)).ByRef));
        await Case($"campaigns {(first ? "first" : "last")} touch, 7 days", db => { var s = random.Next(7, 30); return CampaignReport.RunAsync(db, campaignCaches, first, Day(s), Day(s - 7), default); });
        // As while the processor runs: the current hour and an hour of an earlier day changed since the last report (their
        // versions and their days' bumped), so the report reads those again and the rest from its cache.
        await Case($"campaigns {(first ? "first" : "last")} touch, 30 days, 2 hours changed", db => CampaignReport.RunAsync(db, campaignCaches, first, Day(30), now, default),
            before: db => ChangeBucketsAsync(db, now, Day(random.Next(1, 30)).AddHours(random.Next(24))));
        // The first report after a start: no rollup rows kept yet (the keys are).
        await Case($"campaigns {(first ? "first" : "last")} touch, 30 days, first report", db => CampaignReport.RunAsync(db, campaignCaches with { Rollup = new() }, first, Day(30), now, default));
    }

    static async Task ChangeBucketsAsync(AppDbContext db, params DateTimeOffset[] times)
    {
        foreach (var at in times)
        {
            foreach (var size in new[] { CampaignRollup.HourMs, CampaignRollup.DayMs })
            {
                var start = CampaignRollup.BucketStart(UnixMs.From(at), size);
                await db.Database.ExecuteSqlRawAsync(CampaignRollup.ChangeBucketSql
                    .Replace("$size", size.ToString(CultureInfo.InvariantCulture)).Replace("$start", start.ToString(CultureInfo.InvariantCulture)));
            }
        }
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
        await using (var db = await database.ContextAsync())
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

string? Text(string name) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : null;

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

/// <summary>The clock at the data's newest moment, so "today" is the generated data's last day.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
