using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using ReferralStudio.Api;
using ReferralStudio.Hosting;

namespace ReferralStudio.Operations;

/// <summary>
/// The operators' signals: <c>/readyz</c> (database, backlog, lag, the processor's lease) beside <c>/healthz</c>
/// (<see cref="HostingExtensions.MapHealth"/>: the process is up), and the <see cref="StudioMetrics"/> in Prometheus
/// text on <c>/metrics</c>, behind a read key or on a port of its own (<see cref="MetricsOptions"/>).
/// </summary>
public static class OperationsExtensions
{
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";
    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReadinessOptions>().BindConfiguration(ReadinessOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<ProcessorLease>();
        builder.Services.AddSingleton<InboxSignals>();
        builder.Services.AddSingleton<StudioMetrics>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReadiness>("database", tags: [ReadyTag])
            .AddCheck<BacklogReadiness>("backlog", tags: [ReadyTag])
            .AddCheck<LagReadiness>("lag", tags: [ReadyTag])
            .AddCheck<ProcessorReadiness>("processor", tags: [ReadyTag]);
        // Our own instruments only: ASP.NET Core's request metrics would add tagged measurements to every webhook.
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(StudioMetrics.MeterName))
            .WithMetrics(metrics => metrics.AddMeter(StudioMetrics.MeterName).AddPrometheusExporter());

        // The metrics port is listened on beside the app's own addresses (Urls, ASPNETCORE_URLS, or Kestrel's default).
        var settings = builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        if (settings.Port is { } port and >= 1 and <= 65535)
        {
            var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
            var address = settings.Address.Contains(':', StringComparison.Ordinal) && !settings.Address.StartsWith('[') ? $"[{settings.Address}]" : settings.Address;
            builder.WebHost.UseUrls([.. (string.IsNullOrWhiteSpace(urls) ? "http://localhost:5000" : urls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://{address}:{port}"]);
        }

        return builder;
    }

    /// <summary>
    /// With <see cref="MetricsOptions.Port"/>: first in the pipeline, requests on that port get <c>/metrics</c> and
    /// nothing else (404), before the TLS redirect and the dashboard.
    /// </summary>
    public static WebApplication UseMetricsPort(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is not { } port)
        {
            return app;
        }

        app.MapWhen(context => context.Connection.LocalPort == port, branch =>
        {
            branch.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == MetricsPath);
            branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
        return app;
    }

    /// <summary><c>/readyz</c>, and <c>/metrics</c> behind a read key unless it has a port of its own.</summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        // Like /healthz: no key, no rate limit; the answer names the checks and numbers, never an error's text.
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        });
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is null)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(ApiKeyAuthenticationHandler.PolicyName);
        }

        return app;
    }

    /// <summary>Whether a request is an operator's probe the TLS redirect leaves alone (the supervisor asks over plain HTTP on loopback).</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HostingExtensions.HealthPath) || path.StartsWithSegments(ReadyPath);

    /// <summary><c>{"status": "...", "checks": [{"name", "status", "description"}]}</c>: every check, failing or not.</summary>
    private static async Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
