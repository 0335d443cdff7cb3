using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Api;
using ReferralStudio.Audit;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Operations;

/// <summary>
/// <c>/metrics</c> in Prometheus text: behind a read key on the app's address, or on a port of its own. Every app in
/// this test process names its Meter "ReferralStudio" and the exporter listens by name, so counts from apps running in
/// parallel can add up: counters are asserted as "at least".
/// </summary>
public sealed partial class MetricsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    [Fact]
    public async Task Metrics_Need_A_Key_And_Count_Deliveries_Received_And_Refused_By_Reason()
    {
        await using var app = await TestApp.StartAsync();
        var body = Instagram(Referral(Unique("igsid"), T0, "summer_sale"));
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(body)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostWebhookAsync(body, "sha256=" + new string('0', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostWebhookAsync(body, "sha256=nothex")).StatusCode);

        using var anonymous = await app.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // The narrowest scope will do: metrics are reading.
        var created = await app.Services.GetRequiredService<ApiKeys>().CreateAsync(AuditActor.System, "prometheus", ApiScopes.Read);
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        scrape.Headers.Authorization = new AuthenticationHeaderValue("Bearer", created.Key);
        using var response = await app.Client.SendAsync(scrape);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var samples = Parse(await response.Content.ReadAsStringAsync());
        Assert.True(Value(samples, "referralstudio_deliveries_received_total") >= 1);
        Assert.True(Value(samples, "referralstudio_deliveries_refused_total", "reason=\"signature_mismatch\"") >= 1);
        Assert.True(Value(samples, "referralstudio_deliveries_refused_total", "reason=\"signature_malformed\"") >= 1);
        Assert.True(Value(samples, "referralstudio_deliveries_acknowledgement_duration_seconds_count") >= 1);
        Assert.Contains(samples, s => s.Name == "referralstudio_deliveries_acknowledgement_duration_seconds_bucket" && s.Labels.Contains("le=\"+Inf\"", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name == "referralstudio_inbox_backlog");
        Assert.Contains(samples, s => s.Name == "referralstudio_processing_lag_seconds");
    }

    [Fact]
    public async Task Metrics_Port_Serves_Metrics_Without_A_Key_And_Nothing_Else()
    {
        var port = FreePort();
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Metrics:Port"] = port.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(Instagram(Referral(Unique("igsid"), T0, "summer_sale")))).StatusCode);
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var response = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Value(Parse(await response.Content.ReadAsStringAsync()), "referralstudio_deliveries_received_total") >= 1);

        // The metrics port is the scraper's only: no health check, no dashboard, no webhooks there.
        Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync("/")).StatusCode);
        // And the app's own address no longer has them, with a key or without.
        using var main = await app.Api.GetAsync("/metrics");
        Assert.DoesNotContain("referralstudio_deliveries_received_total", await main.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private sealed record Sample(string Name, string Labels, double Value);

    /// <summary>Every line is a comment or a sample "name{labels} value [timestamp]"; anything else fails the test.</summary>
    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a Prometheus sample line: '{line}'");
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(match.Groups["name"].Value, match.Groups["labels"].Value, value));
        }

        Assert.NotEmpty(samples);
        return samples;
    }

    /// <summary>The sum over the series of <paramref name="name"/> whose labels include <paramref name="label"/>.</summary>
    private static double Value(List<Sample> samples, string name, string? label = null)
    {
        var matching = samples.Where(s => s.Name == name && (label is null || s.Labels.Contains(label, StringComparison.Ordinal))).ToList();
        Assert.True(matching.Count > 0, $"No sample {name}{(label is null ? "" : "{" + label + "}")}");
        return matching.Sum(s => s.Value);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>[-+]?([0-9.]+([eE][-+]?[0-9]+)?|Inf|NaN))( -?[0-9]+)?$""")]
    private static partial Regex SampleLine();
}
