using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReferralStudio.Inbox;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Operations;

/// <summary>
/// <c>/healthz</c> says the process is up; <c>/readyz</c> says whether it should get traffic: database, backlog, lag and
/// the processor, each named in the answer.
/// </summary>
public sealed class ReadinessTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    [Fact]
    public async Task Fresh_App_Is_Ready_And_Names_Every_Check()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var checks = Checks(report);
        Assert.Equal(["backlog", "database", "lag", "processor"], checks.Keys.Order());
        Assert.All(checks.Values, check => Assert.Equal("Healthy", check.Status));
        Assert.StartsWith("0 deliveries waiting", checks["backlog"].Description);

        using var health = await app.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Backlog_And_Lag_Past_Their_Limits_Make_The_App_Not_Ready_Until_The_Processor_Catches_Up()
    {
        HeldInbox? held = null;
        await using var app = await TestApp.StartAsync(
            settings: new Dictionary<string, string?> { ["Readiness:MaxBacklog"] = "0", ["Readiness:MaxLag"] = "00:05:00" },
            services: services => services.Replace(ServiceDescriptor.Singleton<IInbox>(sp =>
                held = new HeldInbox(ActivatorUtilities.CreateInstance<SqliteInbox>(sp)))));
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(Instagram(Referral(Unique("igsid"), T0, "summer_sale")))).StatusCode);

            var (status, checks) = await ReadyAsync(app);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", checks["backlog"].Status);
            Assert.StartsWith("1 deliveries waiting (limit 0", checks["backlog"].Description);
            // Received a moment ago on the test's clock: not late yet.
            Assert.Equal("Healthy", checks["lag"].Status);
            Assert.Equal("Healthy", checks["database"].Status);
            Assert.Equal("Healthy", checks["processor"].Status);

            app.Time.Advance(TimeSpan.FromMinutes(10));
            (status, checks) = await ReadyAsync(app);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", checks["lag"].Status);
            Assert.StartsWith("oldest unprocessed delivery waited 600 s (limit 300 s", checks["lag"].Description);

            held!.Release();
            await app.WhenIdleAsync();
            (status, checks) = await ReadyAsync(app);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.StartsWith("0 deliveries waiting", checks["backlog"].Description);
            Assert.StartsWith("oldest unprocessed delivery waited 0 s", checks["lag"].Description);
        }
        finally
        {
            // The processor's thread must be free to stop with the app.
            held?.Release();
        }
    }

    [Fact]
    public async Task Stopped_Processor_Makes_The_App_Not_Ready()
    {
        await using var app = await TestApp.StartAsync();
        var processor = app.Services.GetRequiredService<ReferralStudio.Attribution.AttributionProcessor>();

        await processor.StopAsync(CancellationToken.None);

        var (status, checks) = await ReadyAsync(app);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(("Unhealthy", "no processor holds the lease"), checks["processor"]);
        using var health = await app.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, Dictionary<string, (string Status, string Description)> Checks)> ReadyAsync(TestApp app)
    {
        using var response = await app.Client.GetAsync("/readyz");
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, Checks(report));
    }

    private static Dictionary<string, (string Status, string Description)> Checks(JsonElement report) =>
        report.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("description").GetString()!));
}
