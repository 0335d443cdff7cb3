// Open-loop load at a fixed rate against GET /go/<slug> of a running app: each request has a slot on a fixed schedule
// (rate per second, evenly spaced) and is sent when its slot comes whether or not earlier ones have answered, so a
// stall shows up in the latencies instead of slowing the load (no coordinated omission). Latency is reported twice:
// from the slot (what a scanner waiting in line would see; includes this generator's own lateness) and from the moment
// the request was handed to HttpClient (the app's service time plus the client stack).
//
//   dotnet run -c Release -- --base http://127.0.0.1:5392 --api-key KEY [--rate 2000] [--seconds 30] [--warmup 10]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

var options = Args.Parse(args);
var handler = new SocketsHttpHandler
{
    AllowAutoRedirect = false,
    UseCookies = false,
    MaxConnectionsPerServer = 512,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
};
using var client = new HttpClient(handler) { BaseAddress = new Uri(options.Base), Timeout = TimeSpan.FromSeconds(10) };
using var api = new HttpClient { BaseAddress = new Uri(options.Base) };
api.DefaultRequestHeaders.Authorization = new("Bearer", options.ApiKey);

var created = await api.PostAsJsonAsync("/api/trackable-links", new { platform = "instagram", account = "acme.shop", code = "bench_box" });
created.EnsureSuccessStatusCode();
var slug = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
Console.WriteLine($"link /go/{slug}");

// Phones of each kind and one link preview in ten: the redirect path with and without counting.
string[] agents =
[
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 330.0.0.0",
    "Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 7a) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "WhatsApp/2.24.10.79 A",
];
const int CountedAgents = 9;

Console.WriteLine($"warm-up {options.Warmup} s at {options.Rate}/s");
var warmup = await RunAsync(options.Rate, options.Warmup);
Console.WriteLine($"measure {options.Seconds} s at {options.Rate}/s");
var result = await RunAsync(options.Rate, options.Seconds);

// Every counted scan (warm-up included) reaches the database within the flush interval: read the total back until it
// matches, for at most ten seconds.
var expected = (long)warmup.Counted + result.Counted;
var counted = 0L;
for (var i = 0; i < 40 && counted < expected; i++)
{
    await Task.Delay(250);
    counted = await CountedScansAsync();
}

var invariant = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(invariant, $"sent {result.Sent:N0} in {result.Elapsed.TotalSeconds:F2} s: achieved {result.Sent / result.Elapsed.TotalSeconds:N0} req/s (completed {result.Completed:N0}, non-302 {result.Errors:N0})"));
Console.WriteLine(string.Create(invariant, $"latency from slot ms:    p50 {result.FromSlot.P(50):F3}  p95 {result.FromSlot.P(95):F3}  p99 {result.FromSlot.P(99):F3}  p99.9 {result.FromSlot.P(99.9):F3}  max {result.FromSlot.P(100):F3}"));
Console.WriteLine(string.Create(invariant, $"latency from send ms:    p50 {result.FromSend.P(50):F3}  p95 {result.FromSend.P(95):F3}  p99 {result.FromSend.P(99):F3}  p99.9 {result.FromSend.P(99.9):F3}  max {result.FromSend.P(100):F3}"));
Console.WriteLine(string.Create(invariant, $"generator lateness ms:   p50 {result.Lateness.P(50):F3}  p99 {result.Lateness.P(99):F3}  max {result.Lateness.P(100):F3}"));
Console.WriteLine(string.Create(invariant, $"scans counted by the app: {counted:N0} of {expected:N0} sent with a phone's User-Agent, warm-up included (previews sent: {warmup.Sent + result.Sent - expected:N0}, not counted)"));
return result.Errors == 0 && counted == expected ? 0 : 1;

async Task<long> CountedScansAsync() =>
    (await api.GetFromJsonAsync<JsonElement>($"/api/trackable-links/{slug}/scans")).GetProperty("scans").GetInt64();

async Task<RunResult> RunAsync(int rate, int seconds)
{
    var total = rate * seconds;
    var slot = new long[total];
    var sent = new long[total];
    var done = new long[total];
    var errors = 0;
    var pending = new List<Task>(total);
    var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
    var ticksPerRequest = (double)Stopwatch.Frequency / rate;
    var next = 0;
    // One thread hands out due slots and sleeps between them (no spinning: the app shares the two cores).
    while (next < total)
    {
        var now = Stopwatch.GetTimestamp();
        while (next < total && start + (long)(next * ticksPerRequest) <= now)
        {
            var i = next++;
            slot[i] = start + (long)(i * ticksPerRequest);
            pending.Add(SendAsync(i));
        }

        if (next < total)
        {
            Thread.Sleep(1);
        }
    }

    await Task.WhenAll(pending);
    var end = done.Max();
    var counted = Enumerable.Range(0, total).Count(i => i % agents.Length < CountedAgents);
    return new RunResult(
        total,
        done.Count(d => d > 0),
        errors,
        counted,
        Stopwatch.GetElapsedTime(start, end),
        new Percentiles(Enumerable.Range(0, total).Select(i => Ms(done[i] - slot[i]))),
        new Percentiles(Enumerable.Range(0, total).Select(i => Ms(done[i] - sent[i]))),
        new Percentiles(Enumerable.Range(0, total).Select(i => Ms(sent[i] - slot[i]))));

    async Task SendAsync(int i)
    {
        await Task.Yield();
        sent[i] = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/go/{slug}");
            request.Headers.TryAddWithoutValidation("User-Agent", agents[i % agents.Length]);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            done[i] = Stopwatch.GetTimestamp();
            if (response.StatusCode != HttpStatusCode.Found)
            {
                Interlocked.Increment(ref errors);
            }
        }
        catch (HttpRequestException)
        {
            done[i] = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref errors);
        }
    }
}

static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

internal sealed record RunResult(int Sent, int Completed, int Errors, int Counted, TimeSpan Elapsed, Percentiles FromSlot, Percentiles FromSend, Percentiles Lateness);

internal sealed class Percentiles(IEnumerable<double> values)
{
    private readonly double[] _sorted = [.. values.Order()];

    public double P(double percentile) =>
        _sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];
}

internal sealed record Args(string Base, string ApiKey, int Rate, int Seconds, int Warmup)
{
    public static Args Parse(string[] args)
    {
        string Value(string name, string? fallback = null)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback ?? throw new ArgumentException($"{name} is required");
        }

        return new(Value("--base"), Value("--api-key"), int.Parse(Value("--rate", "2000"), CultureInfo.InvariantCulture),
            int.Parse(Value("--seconds", "30"), CultureInfo.InvariantCulture), int.Parse(Value("--warmup", "10"), CultureInfo.InvariantCulture));
    }
}
