using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Inbox;
using ReferralStudio.Webhooks;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// The real application on a real loopback port with a real SQLite file. WebApplicationFactory's
/// TestServer is in-memory, so it would not exercise Kestrel's limits or a true restart.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string AppSecret = "test-app-secret";
    public const string VerifyToken = "test-verify-token";
    public const string ApiKey = "test-api-key";
    public const string PublicBaseUrl = "https://go.studio.test";
    public const string AdminEmail = "admin@studio.test";
    public const string AdminPassword = "correct-horse-battery";

    private readonly WebApplication _app;

    private TestApp(WebApplication app, string databasePath, ManualTimeProvider? time)
    {
        _app = app;
        DatabasePath = databasePath;
        _time = time;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
        Api = new HttpClient { BaseAddress = new Uri(address) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public string DatabasePath { get; }

    private readonly ManualTimeProvider? _time;

    /// <summary>The hand-moved clock (apps started with the system clock have none).</summary>
    public ManualTimeProvider Time => _time ?? throw new InvalidOperationException("This app runs on the system clock.");

    /// <summary>No credentials: what Meta, or a stranger, sends.</summary>
    public HttpClient Client { get; }

    /// <summary>Carries the API key.</summary>
    public HttpClient Api { get; }

    public IServiceProvider Services => _app.Services;

    public Uri BaseAddress => Client.BaseAddress!;

    public static async Task<TestApp> StartAsync(
        string? databasePath = null,
        ManualTimeProvider? time = null,
        IDictionary<string, string?>? settings = null,
        bool systemClock = false,
        Action<IServiceCollection>? services = null,
        IEnumerable<LoopbackServer>? receivers = null)
    {
        databasePath ??= NewDatabasePath();
        time ??= systemClock ? null : new ManualTimeProvider(DateTimeOffset.Parse("2026-11-20T12:00:00Z"));
        var args = new Dictionary<string, string?>
        {
            ["contentRoot"] = RepoRoot,
            // The test host is the entry assembly; name the app so its static web assets manifest is found.
            ["applicationName"] = "ReferralStudio",
            ["environment"] = "Testing",
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:ReferralStudio"] = $"Data Source={databasePath}",
            ["Meta:AppSecret"] = AppSecret,
            ["Meta:VerifyToken"] = VerifyToken,
            ["Api:Key"] = ApiKey,
            ["Links:PublicBaseUrl"] = PublicBaseUrl,
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:ReferralStudio.Attribution.AttributionProcessor"] = "Error",
            ["Logging:LogLevel:ReferralStudio.Outbound.OutboundDispatcher"] = "Error",
            ["Logging:LogLevel:ReferralStudio.Messaging.GreetingSender"] = "Error",
            // The receivers in these tests are loopback servers (their ports: see receivers below).
            ["Outbound:AllowPrivateNetworks"] = "true",
            // Enough demo data to fill every page, small enough to load quickly on a busy CI machine.
            ["Demo:Conversations"] = "600",
            // Tests hammer one app from one address; the rate-limit tests set small limits of their own.
            ["RateLimits:Api:PermitsPerMinute"] = "1000000",
            ["RateLimits:SignIn:PermitsPerMinute"] = "1000000",
            ["RateLimits:Webhooks:PermitsPerSecond"] = "1000000",
        };
        // Outbound webhooks go only to Outbound:AllowedPorts (80 and 443 by default). A test's receivers listen on
        // ports the system picks, so each app allows exactly those: deliveries pass the same port rule as in production.
        foreach (var (receiver, i) in (receivers ?? []).Select((r, i) => (r, i)))
        {
            args[$"Outbound:AllowedPorts:{i}"] = receiver.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            args[key] = value;
        }

        var app = await Program.CreateAppAsync(
            args.Where(a => a.Value is not null).Select(a => $"--{a.Key}={a.Value}").ToArray(),
            builder =>
            {
                if (time is not null)
                {
                    builder.Services.AddSingleton<TimeProvider>(time);
                }

                // Registered last, so a test's own services win.
                services?.Invoke(builder.Services);
            });
        await app.StartAsync();
        return new TestApp(app, databasePath, time);
    }

    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "referralstudio-tests", $"{Guid.NewGuid():N}.db");

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>POSTs a body signed with the app secret, exactly as Meta would.</summary>
    public Task<HttpResponseMessage> PostWebhookAsync(string body, string? signature = null) =>
        PostWebhookAsync(Encoding.UTF8.GetBytes(body), signature);

    public async Task<HttpResponseMessage> PostWebhookAsync(byte[] body, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoints.Path)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(
            WebhookEndpoints.SignatureHeader, signature ?? MetaSignature.Sign(body, Encoding.UTF8.GetBytes(AppSecret)));
        return await Client.SendAsync(request);
    }

    /// <summary>Posts and waits until the processor has applied everything stored so far.</summary>
    public async Task<HttpResponseMessage> DeliverAsync(string body)
    {
        var response = await PostWebhookAsync(body);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await WhenIdleAsync();
        return response;
    }

    public Task WhenIdleAsync() =>
        Services.GetRequiredService<DeliveryProgress>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Api.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        // Pooled connections keep the file open; release them so the file can go.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ReferralStudio.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ReferralStudio.sln not found above " + AppContext.BaseDirectory);
    }
}
