// Live board latency: how long after a webhook's 200 does its row appear on /live in Chromium,
// while attributions arrive at a fixed rate. The sender and the browser read the same system clock.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralStudio.Webhooks;

namespace ReferralStudio.Bench;

public static class LiveBoardBench
{
    public static async Task<int> Main(string[] args)
    {
        var rate = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
        var root = FindRoot();
        var database = Path.Combine(Path.GetTempPath(), $"live-bench-{Guid.NewGuid():N}.db");
        const string secret = "live-bench-secret";
        const string email = "bench@studio.test";
        const string password = "bench-password-123";

        var app = await Program.CreateAppAsync(
        [
            $"--contentRoot={root}", "--applicationName=ReferralStudio", "--environment=Production", "--urls=http://127.0.0.1:0",
            $"--ConnectionStrings:ReferralStudio=Data Source={database}", $"--Meta:AppSecret={secret}", "--Api:Key=live-bench-key",
            $"--Admin:Email={email}", $"--Admin:Password={password}", "--Logging:LogLevel:Default=Warning",
        ], builder => builder.WebHost.UseStaticWebAssets());
        await app.StartAsync();
        var baseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
        });
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress })).NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByTestId("email").FillAsync(email);
        await page.GetByTestId("password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        await page.GotoAsync("/live");
        await page.WaitForSelectorAsync("[data-testid=live-status][data-state=live]");
        // Record when each row lands in the DOM, by its ref.
        await page.EvaluateAsync("""
            () => {
                window.__arrivals = {};
                new MutationObserver(records => {
                    const now = Date.now();
                    for (const r of records) for (const n of r.addedNodes) {
                        const ref = n.querySelector && n.querySelector('.rs-board-ref');
                        if (ref && !(ref.textContent in window.__arrivals)) window.__arrivals[ref.textContent] = now;
                    }
                }).observe(document.querySelector('[data-testid=live-rows]'), { childList: true });
            }
            """);

        using var http = new HttpClient { BaseAddress = new Uri(baseAddress) };
        var key = Encoding.UTF8.GetBytes(secret);
        var acks = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var total = rate * seconds;
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        var sends = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            // Open loop: send on schedule whatever the previous requests are doing.
            var due = interval * i;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var code = $"live_{i:000000}";
            sends.Add(SendAsync(code));
        }

        await Task.WhenAll(sends);
        var achieved = total / clock.Elapsed.TotalSeconds;
        // Give the last rows a moment to arrive (bounded).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        Dictionary<string, long> arrivals;
        do
        {
            arrivals = await page.EvaluateAsync<Dictionary<string, long>>("() => window.__arrivals");
        }
        while (arrivals.Count < acks.Count && DateTime.UtcNow < deadline && await Task.Delay(200).ContinueWith(_ => true));

        var latencies = acks.Where(a => arrivals.ContainsKey(a.Key)).Select(a => (double)(arrivals[a.Key] - a.Value)).Order().ToArray();
        double P(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p / 100 * latencies.Length) - 1)];
        Console.WriteLine($"rate target {rate}/s, achieved {achieved:0}/s over {clock.Elapsed.TotalSeconds:0.0} s; acknowledged {acks.Count}, seen on the board {latencies.Length}");
        Console.WriteLine($"latency webhook 200 -> row on /live: p50 {P(50):0} ms, p95 {P(95):0} ms, p99 {P(99):0} ms, max {(latencies.Length == 0 ? double.NaN : latencies[^1]):0} ms");
        Console.WriteLine($"missing rows: {acks.Count - latencies.Length}");

        await app.StopAsync();
        return latencies.Length == acks.Count && P(95) < 1000 ? 0 : 1;

        async Task SendAsync(string code)
        {
            var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var body = Encoding.UTF8.GetBytes($$$"""{"object":"instagram","entry":[{"id":"17841400000000001","time":{{{ms}}},"messaging":[{"sender":{"id":"{{{code}}}"},"recipient":{"id":"17841400000000001"},"timestamp":{{{ms}}},"referral":{"ref":"{{{code}}}","source":"SHORTLINKS","type":"OPEN_THREAD"}}]}]}""");
            using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoints.Path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(WebhookEndpoints.SignatureHeader, MetaSignature.Sign(body, key));
            using var response = await http.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                acks[code] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            }
        }

        static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ReferralStudio.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("ReferralStudio.sln not found");
        }
    }
}
