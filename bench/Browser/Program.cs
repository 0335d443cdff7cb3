// Every dashboard page in Chromium on the 1,000,000-touch database: time to interactive (the Blazor circuit is
// live) and time to the first visible grid row, from the navigation start, as the page's own clock reports them.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralStudio.Accounts;
using ReferralStudio.Data;
using ReferralStudio.Outbound;
using ReferralStudio.Webhooks;

namespace ReferralStudio.Bench;

public static class BrowserBench
{
    private const double TargetMs = 500;
    private const string Interactive = "[data-testid=\"interactive\"]";
    private const string LiveInteractive = "[data-testid=\"live-status\"][data-state=\"live\"]";
    private const string Email = "bench@studio.test";
    private const string Password = "bench-password-123";
    private const string AppSecret = "browser-bench-app-secret";
    private const string ApiKey = "browser-bench-api-key";
    private const string SinkPath = "/bench/sink";

    /// <summary>
    /// What counts as the first data row, tried in order: MudBlazor tables (MudTable, MudDataGrid), any table body,
    /// the wall board's rows, the timeline's entries. Rows saying "no records" or "loading" are skipped.
    /// </summary>
    public static readonly string[] RowSelectors =
    [
        ".mud-table-body tr td",
        "tbody tr td",
        "[data-testid=\"live-row\"]",
        "[data-testid=\"timeline-item\"]",
    ];

    public static async Task<int> Main(string[] args)
    {
        var iterations = Arg(args, "--iterations", 20);
        var warmups = Arg(args, "--warmups", 2);
        // Long enough that a slow page is measured rather than abandoned: an abandoned load keeps the server busy and
        // would slow the next one.
        var timeout = Arg(args, "--timeout-seconds", 120) * 1000f;
        var only = Value(args, "--pages")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var root = FindRoot();
        var given = Value(args, "--database");
        var database = Path.GetFullPath(given ?? Path.Combine(Path.GetTempPath(), $"rs-browser-{Environment.ProcessId}", "app.db"));
        var generated = false;
        try
        {
            if (!File.Exists(database))
            {
                await GenerateAsync(root, database);
                generated = true;
            }

            // --log-sql prints every query the app runs with its time, to find what a slow page waits on.
            return await RunAsync(root, database, iterations, warmups, timeout, only, output: Value(args, "--output") ?? Path.Combine(root, "bench", "Browser", "last-run.md"),
                logSql: args.Contains("--log-sql"), phases: args.Contains("--phases"), trace: Value(args, "--trace"), reload: args.Contains("--reload"));
        }
        finally
        {
            // A database this run made for itself goes; one named with --database stays for the next run.
            if (given is null && generated)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(Path.GetDirectoryName(database)!, recursive: true);
            }
        }
    }

    private static async Task<int> RunAsync(string root, string database, int iterations, int warmups, float timeout, string[]? only, string output, bool logSql, bool phases, string? trace, bool reload)
    {
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        Console.WriteLine($"browser benchmark: {database} ({new FileInfo(database).Length / 1048576.0:N0} MiB), {warmups} warm-ups + {iterations} loads per page, load {loadBefore}");

        // The real app, in Release (this project's configuration), Production, on a free loopback port picked up front:
        // outbound webhooks go only to ports in Outbound:AllowedPorts, and the seeded subscription delivers to this app.
        var port = FreeLoopbackPort();
        var app = await Program.CreateAppAsync(
        [
            $"--contentRoot={root}", "--applicationName=ReferralStudio", "--environment=Production", $"--urls=http://127.0.0.1:{port}",
            $"--ConnectionStrings:ReferralStudio=Data Source={database}", $"--Meta:AppSecret={AppSecret}", "--Meta:VerifyToken=browser-bench-verify",
            $"--Api:Key={ApiKey}", $"--Admin:Email={Email}", $"--Admin:Password={Password}", "--Logging:LogLevel:Default=Warning",
            // The seeded subscription delivers to this process's own sink on loopback.
            "--Outbound:AllowPrivateNetworks=true", $"--Outbound:AllowedPorts:0={port}",
            .. logSql ? ["--Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=Information"] : Array.Empty<string>(),
        ]);
        // An integrator that accepts everything, for the outbound deliveries the seeded webhooks cause.
        app.MapPost(SinkPath, () => Results.Ok()).AllowAnonymous();
        await app.StartAsync();
        var baseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        try
        {
            var data = await PrepareAsync(app, baseAddress);
            Console.WriteLine($"data: {data.Touches:N0} touches, {data.Conversations:N0} conversations; conversation {data.ConversationId} ({data.ConversationTouches} touches), code {data.Code}; " +
                $"{data.Accounts} accounts, {data.InboundDeliveries} inbound deliveries, {data.Subscriptions} subscriptions, {data.OutboundDeliveries} outbound deliveries");

            PageSpec[] pages =
            [
                new("/", "/", Interactive, Grid: true),
                new("/feed", "/feed", Interactive, Grid: true),
                new("/conversations/{id}", $"/conversations/{data.ConversationId}", Interactive, Grid: true),
                new("/analytics", "/analytics", Interactive, Grid: true),
                new("/triggers", "/triggers", Interactive, Grid: true),
                new("/studio?code={code}", $"/studio?code={Uri.EscapeDataString(data.Code)}", Interactive, Grid: false),
                new("/studio/kits", "/studio/kits", Interactive, Grid: false),
                new("/studio/button", "/studio/button", Interactive, Grid: false),
                new("/deliveries", "/deliveries", Interactive, Grid: true),
                new("/subscriptions", "/subscriptions", Interactive, Grid: true),
                new("/simulator", "/simulator", Interactive, Grid: false),
                new("/settings/accounts", "/settings/accounts", Interactive, Grid: true),
                new("/live", "/live", LiveInteractive, Grid: true),
            ];

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
            });
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = baseAddress,
                ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            });
            context.SetDefaultTimeout(timeout);
            await context.AddInitScriptAsync(Probe());
            var page = await context.NewPageAsync();
            var signals = new LoadSignals();
            page.Console += signals.OnConsole;
            await page.GotoAsync("/account/login");
            await page.GetByTestId("email").FillAsync(Email);
            await page.GetByTestId("password").FillAsync(Password);
            // The first request after start pays for JIT and EF's model: allow it more than a measured load.
            var signIn = Stopwatch.StartNew();
            await page.GetByTestId("sign-in").ClickAsync(new LocatorClickOptions { Timeout = 5 * timeout });
            await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 5 * timeout });
            Console.WriteLine($"signed in ({signIn.Elapsed.TotalSeconds:N1} s, the first overview included)");

            var results = new List<PageResult>();
            foreach (var spec in pages.Where(p => only is null || only.Contains(p.Name) || only.Contains(p.Path)))
            {
                var result = await MeasureAsync(page, signals, spec, warmups, iterations, timeout, phases, reload);
                if (trace is not null)
                {
                    // One more load under Chromium's tracing, to see where the main thread's time goes.
                    Directory.CreateDirectory(trace);
                    var cdp = await page.Context.NewCDPSessionAsync(page);
                    var events = new List<JsonElement>();
                    var complete = new TaskCompletionSource();
                    cdp.Event("Tracing.dataCollected").OnEvent += (_, e) => events.AddRange(e!.Value.GetProperty("value").EnumerateArray().Select(v => v.Clone()));
                    cdp.Event("Tracing.tracingComplete").OnEvent += (_, _) => complete.TrySetResult();
                    await cdp.SendAsync("Tracing.start", new Dictionary<string, object> { ["categories"] = "devtools.timeline,v8.execute,blink.user_timing,loading,disabled-by-default-devtools.timeline", ["transferMode"] = "ReportEvents" });
                    await MeasureAsync(page, signals, spec, 0, 1, timeout, phases: false, reload);
                    await cdp.SendAsync("Tracing.end");
                    await complete.Task;
                    var file = Path.Combine(trace, spec.Name.Trim('/').Replace('/', '_').Replace('?', '_').Replace('{', '_').Replace('}', '_') is { Length: > 0 } n ? n + ".json" : "overview.json");
                    await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { traceEvents = events }));
                }

                results.Add(result);
                Console.WriteLine(result.Line());
                if (phases)
                {
                    Console.WriteLine("    phases p50: " + result.PhaseMedians());
                }
            }

            var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
            var report = Report(root, browser.Version, database, data, iterations, warmups, loadBefore, loadAfter, results, reload);
            Console.WriteLine();
            Console.WriteLine(report);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            await File.WriteAllTextAsync(output, report);
            Console.WriteLine($"written to {output}");
            return results.All(r => r.Absent || r.Pass) ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Warm-ups, then <paramref name="iterations"/> full page loads, each timed by the probe on the page's clock.</summary>
    private static async Task<PageResult> MeasureAsync(IPage page, LoadSignals signals, PageSpec spec, int warmups, int iterations, float timeout, bool phases, bool reload)
    {
        var phaseTimes = new Dictionary<string, List<double>>();
        var tti = new List<double>();
        var rows = new List<double>();
        var playwrightTti = new List<double>();
        var selectors = new HashSet<string>();
        var failures = new List<string>();
        var errorUi = 0;
        for (var i = 0; i < warmups + iterations; i++)
        {
            var measured = i >= warmups;
            // Three measured loads in a row that never got there: the p95 is a timeout whatever follows.
            if (tti.Count >= 3 && tti[^3..].All(double.IsPositiveInfinity))
            {
                failures.Add($"stopped after {tti.Count} measured loads: the last three timed out");
                break;
            }

            IResponse? response;
            try
            {
                if (!reload)
                {
                    // Opened as from a link or a bookmark: Chromium turns a navigation to the address already shown
                    // into a reload, which revalidates the page's styles and scripts, and would also time the old
                    // page's teardown.
                    await page.GotoAsync("about:blank");
                }

                signals.Reset();
                response = await page.GotoAsync(spec.Path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = timeout });
            }
            catch (TimeoutException ex)
            {
                // No response within the timeout: the old document is still shown, so there is nothing to read from it.
                failures.Add($"navigation: {ex.Message.Split('\n')[0]}");
                if (measured)
                {
                    tti.Add(double.PositiveInfinity);
                    if (spec.Grid)
                    {
                        rows.Add(double.PositiveInfinity);
                    }
                }

                continue;
            }

            if (response?.Status == 404)
            {
                return new PageResult(spec, [], [], [], [], ["404: no such page on this build"], 0, Absent: true);
            }

            if (page.Url.Contains("/account/login", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{spec.Path} sent the browser to the sign-in page: the session was lost.");
            }

            try
            {
                // As the brief has it: Playwright learns of the marker, then asks the page for its clock.
                await signals.Interactive.WaitAsync(TimeSpan.FromMilliseconds(timeout));
                var seen = await page.EvaluateAsync<double>("performance.now()");
                if (spec.Grid)
                {
                    await signals.Row.WaitAsync(TimeSpan.FromMilliseconds(timeout));
                }

                var marks = await page.EvaluateAsync<JsonElement>(
                    "s => ({ tti: window.__rsBench.marks[s] ?? null, row: window.__rsBench.row, selector: window.__rsBench.rowSelector, error: !!document.querySelector('#blazor-error-ui')?.checkVisibility() })",
                    spec.Interactive);
                if (!measured)
                {
                    continue;
                }

                errorUi += marks.GetProperty("error").GetBoolean() ? 1 : 0;
                if (phases)
                {
                    foreach (var phase in (await page.EvaluateAsync<JsonElement>("() => window.__rsBench.phases()")).EnumerateObject())
                    {
                        if (phase.Value.ValueKind == JsonValueKind.Number)
                        {
                            phaseTimes.TryAdd(phase.Name, []);
                            phaseTimes[phase.Name].Add(phase.Value.GetDouble());
                        }
                    }
                }

                playwrightTti.Add(seen);
                // The probe's mark is the moment of attachment; Playwright's read adds its polling and a round trip.
                tti.Add(marks.GetProperty("tti") is { ValueKind: JsonValueKind.Number } t ? t.GetDouble() : seen);
                if (spec.Grid)
                {
                    rows.Add(marks.GetProperty("row").GetDouble());
                    selectors.Add(marks.GetProperty("selector").GetString()!);
                }
            }
            catch (TimeoutException ex)
            {
                failures.Add($"{ex.Message.Split('\n')[0]}; probe: {await page.EvaluateAsync<string?>("() => window.__rsBench?.describe()")}");
                if (measured)
                {
                    // A load that never got there counts, as the slowest possible.
                    tti.Add(await page.EvaluateAsync<JsonElement>("s => window.__rsBench?.marks[s] ?? null", spec.Interactive) is { ValueKind: JsonValueKind.Number } t ? t.GetDouble() : double.PositiveInfinity);
                    if (spec.Grid)
                    {
                        rows.Add(double.PositiveInfinity);
                    }
                }
            }
        }

        return new PageResult(spec, tti, rows, playwrightTti, [.. selectors], failures, errorUi, Absent: false) { Phases = phaseTimes };
    }

    /// <summary>A loopback port nothing listens on now (the system's pick, released for the app to take).</summary>
    private static int FreeLoopbackPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static string Probe()
    {
        using var stream = typeof(BrowserBench).Assembly.GetManifestResourceStream("probe.js")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd()
            .Replace("__INTERACTIVE__", JsonSerializer.Serialize(new[] { Interactive, LiveInteractive }), StringComparison.Ordinal)
            .Replace("__ROWS__", JsonSerializer.Serialize(RowSelectors), StringComparison.Ordinal)
            .Replace("__READY_INTERACTIVE__", JsonSerializer.Serialize(LoadSignals.InteractiveText), StringComparison.Ordinal)
            .Replace("__READY_ROW__", JsonSerializer.Serialize(LoadSignals.RowText), StringComparison.Ordinal);
    }

    /// <summary>
    /// Gives every page something to list (once per database): the generator writes touches, conversations and
    /// triggers; the accounts, an outbound subscription and inbound deliveries (200 signed webhooks through the real
    /// endpoint, which also cause outbound deliveries) are added here. Then picks the conversation and code to open.
    /// </summary>
    private static async Task<DataFacts> PrepareAsync(WebApplication app, string baseAddress)
    {
        var contexts = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            if (!await db.BusinessAccounts.AnyAsync())
            {
                var now = DateTimeOffset.UtcNow;
                db.BusinessAccounts.AddRange(
                    new BusinessAccount { Platform = "instagram", AccountId = "17841400000000001", Handle = "bench.studio", CreatedAt = now },
                    new BusinessAccount { Platform = "messenger", AccountId = "106540352242922", Handle = "benchstudio", CreatedAt = now },
                    new BusinessAccount { Platform = "whatsapp", AccountId = "106540352242900", Handle = "+4915100000000", CreatedAt = now });
                await db.SaveChangesAsync();
            }
        }

        using var http = new HttpClient { BaseAddress = new Uri(baseAddress) };
        await using (var db = await contexts.CreateDbContextAsync())
        {
            if (!await db.WebhookSubscriptions.AnyAsync())
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/subscriptions")
                {
                    Content = JsonContent.Create(new { url = baseAddress.TrimEnd('/') + SinkPath, events = EventTypes.All }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
                using var created = await http.SendAsync(request);
                created.EnsureSuccessStatusCode();
            }

            if (!await db.InboundDeliveries.AnyAsync())
            {
                var code = await db.Triggers.Where(t => !t.Pattern.Contains('*')).OrderBy(t => t.Id).Select(t => t.Pattern).FirstAsync();
                var key = Encoding.UTF8.GetBytes(AppSecret);
                for (var i = 0; i < 200; i++)
                {
                    var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    var body = Encoding.UTF8.GetBytes($$$"""{"object":"instagram","entry":[{"id":"17841400000000001","time":{{{ms}}},"messaging":[{"sender":{"id":"IGSID-bench-{{{i}}}"},"recipient":{"id":"17841400000000001"},"timestamp":{{{ms}}},"referral":{"ref":"{{{code}}}","source":"SHORTLINKS","type":"OPEN_THREAD"}}]}]}""");
                    using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoints.Path) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.TryAddWithoutValidation(WebhookEndpoints.SignatureHeader, MetaSignature.Sign(body, key));
                    using var response = await http.SendAsync(request);
                    response.EnsureSuccessStatusCode();
                }
            }
        }

        // The processor and the outbound dispatcher work in the background: wait (bounded) until deliveries went out.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            await using var db = await contexts.CreateDbContextAsync();
            if (await db.OutboundDeliveries.AnyAsync(d => d.DeliveredAt != null))
            {
                break;
            }

            await Task.Delay(500);
        }

        await using (var db = await contexts.CreateDbContextAsync())
        {
            // The busiest conversation (the longest timeline) and the first exact code (the generator's most used).
            var busiest = await db.ReferralTouches.GroupBy(t => t.ConversationId).Select(g => new { Id = g.Key, Count = g.Count() })
                .OrderByDescending(g => g.Count).FirstAsync();
            return new DataFacts(
                Touches: await db.ReferralTouches.CountAsync(),
                Conversations: await db.Conversations.CountAsync(),
                ConversationId: busiest.Id,
                ConversationTouches: busiest.Count,
                Code: await db.Triggers.Where(t => !t.Pattern.Contains('*')).OrderBy(t => t.Id).Select(t => t.Pattern).FirstAsync(),
                Accounts: await db.BusinessAccounts.CountAsync(),
                InboundDeliveries: await db.InboundDeliveries.CountAsync(),
                Subscriptions: await db.WebhookSubscriptions.CountAsync(),
                OutboundDeliveries: await db.OutboundDeliveries.CountAsync());
        }
    }

    /// <summary>The 1,000,000-touch database, built by the dashboard benchmark's generator (both files, rollup rebuilt).</summary>
    private static async Task GenerateAsync(string root, string database)
    {
        Console.WriteLine($"generating the 1,000,000-touch database at {database} (bench/Dashboard --generate-only)");
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        using var process = Process.Start(new ProcessStartInfo("dotnet",
            ["run", "-c", "Release", "--project", Path.Combine(root, "bench", "Dashboard"), "--", "--generate-only", database])
        {
            UseShellExecute = false,
            WorkingDirectory = root,
        })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(database))
        {
            throw new InvalidOperationException($"generating {database} failed (exit code {process.ExitCode})");
        }
    }

    private static string Report(string root, string chromium, string database, DataFacts data, int iterations, int warmups, string loadBefore, string loadAfter, List<PageResult> results, bool reload)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit {Git(root, "rev-parse --short HEAD")}{(Git(root, "status --porcelain --untracked-files=no").Length > 0 ? " (with uncommitted changes)" : "")} " +
            $"on branch {Git(root, "rev-parse --abbrev-ref HEAD")}; command: dotnet run -c Release --project bench/Browser -- --database {database}{(reload ? " --reload" : "")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {cpu}; load average before {loadBefore}, after {loadAfter}; Chromium {chromium} headless, 1366×900.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Data: {data.Touches:N0} touches, {data.Conversations:N0} conversations; /conversations/{data.ConversationId} ({data.ConversationTouches} touches, the longest timeline), " +
            $"/studio?code={data.Code}; {data.Accounts} accounts, {data.InboundDeliveries} inbound deliveries, {data.Subscriptions} subscriptions, {data.OutboundDeliveries} outbound deliveries.");
        text.AppendLine(CultureInfo.InvariantCulture, $"{warmups} warm-up loads then {iterations} measured full page loads per page, one signed-in browser context, " +
            $"{(reload ? "each a reload of the page shown (--reload)" : "each opened from about:blank, as from a link or a bookmark")}; times in ms from the navigation start (page clock).");
        text.AppendLine();
        text.AppendLine("| page | interactive p50 | interactive p95 | first row p50 | first row p95 | ≤ 500 ms | row found by |");
        text.AppendLine("|---|---:|---:|---:|---:|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(r.Absent
                ? $"| `{r.Spec.Name}` | – | – | – | – | not on this build (404) | |"
                : $"| `{r.Spec.Name}` | {Ms(r.Tti.P50)} | {Ms(r.Tti.P95)} | {(r.Spec.Grid ? Ms(r.Row.P50) : "n/a")} | {(r.Spec.Grid ? Ms(r.Row.P95) : "n/a")} | {(r.Pass ? "PASS" : "MISS")}{(r.ErrorUi > 0 ? $" (error banner on {r.ErrorUi} loads)" : "")} | {string.Join(", ", r.Selectors.Select(s => $"`{s}`"))} |");
        }

        text.AppendLine();
        text.AppendLine("Playwright's own view of interactive (the probe's console message received, then performance.now() read over the wire), p50 / p95: " +
            string.Join("; ", results.Where(r => !r.Absent).Select(r => $"`{r.Spec.Name}` {Ms(r.PlaywrightTti.P50)} / {Ms(r.PlaywrightTti.P95)}")) + ".");
        foreach (var r in results.Where(r => r.Failures.Count > 0 && !r.Absent))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- `{r.Spec.Name}`: {string.Join("; ", r.Failures.GroupBy(f => f).Select(g => $"{g.Count()} × {g.Key}"))}");
        }

        return text.ToString();
    }

    private static string Ms(double value) => double.IsPositiveInfinity(value) ? "timeout" : double.IsNaN(value) ? "–" : value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Git(string root, string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", $"-C \"{root}\" {arguments}") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Arg(string[] args, string name, int fallback) =>
        Value(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string FindRoot()
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

    /// <summary>The probe's readiness messages for the load under way: the marker attached, a data row visible.</summary>
    private sealed class LoadSignals
    {
        public const string InteractiveText = "rs-bench:interactive";
        public const string RowText = "rs-bench:row";

        private TaskCompletionSource interactive = New();
        private TaskCompletionSource row = New();

        public Task Interactive => interactive.Task;

        public Task Row => row.Task;

        /// <summary>Before each navigation: the next page's messages count, not the last one's.</summary>
        public void Reset() => (interactive, row) = (New(), New());

        public void OnConsole(object? sender, IConsoleMessage message)
        {
            if (message.Text == InteractiveText)
            {
                interactive.TrySetResult();
            }
            else if (message.Text == RowText)
            {
                row.TrySetResult();
            }
        }

        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A page to load: its name in the table, the address opened, the readiness marker, whether it lists data rows.</summary>
internal sealed record PageSpec(string Name, string Path, string Interactive, bool Grid);

internal sealed record DataFacts(int Touches, int Conversations, long ConversationId, int ConversationTouches, string Code, int Accounts, int InboundDeliveries, int Subscriptions, int OutboundDeliveries);

internal sealed record PageResult(PageSpec Spec, List<double> TtiTimes, List<double> RowTimes, List<double> PlaywrightTimes, string[] Selectors, List<string> Failures, int ErrorUi, bool Absent)
{
    public Percentiles Tti { get; } = Percentiles.Of(TtiTimes);

    public Percentiles Row { get; } = Percentiles.Of(RowTimes);

    public Percentiles PlaywrightTti { get; } = Percentiles.Of(PlaywrightTimes);

    /// <summary>With --phases: the navigation's and the circuit's milestones per measured load (ms, page clock).</summary>
    public Dictionary<string, List<double>> Phases { get; init; } = [];

    public string PhaseMedians() => string.Join(", ", Phases.Select(p => $"{p.Key} {Percentiles.Of(p.Value).P50:N0}"));

    /// <summary>Both p95s (the row's only where the page lists data) within the target, and no error banner.</summary>
    public bool Pass => !Absent && Tti.P95 <= 500 && (!Spec.Grid || Row.P95 <= 500) && ErrorUi == 0;

    public string Line() => Absent
        ? $"{Spec.Name,-22} not on this build (404)"
        : $"{Spec.Name,-22} interactive p50 {Tti.P50,7:N0} p95 {Tti.P95,7:N0} ms   first row p50 {(Spec.Grid ? Row.P50.ToString("N0", CultureInfo.InvariantCulture) : "n/a"),7} p95 {(Spec.Grid ? Row.P95.ToString("N0", CultureInfo.InvariantCulture) : "n/a"),7} ms   {(Pass ? "PASS" : "MISS")}" +
          $"{(Selectors.Length > 0 ? "   rows: " + string.Join(", ", Selectors) : "")}{(ErrorUi > 0 ? $"   error banner on {ErrorUi} loads" : "")}{(Failures.Count > 0 ? $"   {Failures.Count} timeouts" : "")}";
}

/// <summary>Nearest-rank percentiles, as the other benchmarks report them.</summary>
internal readonly record struct Percentiles(double P50, double P95)
{
    public static Percentiles Of(List<double> times)
    {
        if (times.Count == 0)
        {
            return new Percentiles(double.NaN, double.NaN);
        }

        var sorted = times.Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Percentiles(P(0.5), P(0.95));
    }

}
