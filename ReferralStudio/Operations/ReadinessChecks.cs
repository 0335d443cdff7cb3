using ReferralStudio.Hosting;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;

namespace ReferralStudio.Operations;

/// <summary>The database answers a trivial read (main file and inbox). Why it does not stays in the log, not the answer.</summary>
internal sealed partial class DatabaseReadiness(IStorageProbe storage, ILogger<DatabaseReadiness> logger) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            storage.Ping();
            return Task.FromResult(HealthCheckResult.Healthy("reachable"));
        }
        catch (Exception ex)
        {
            LogUnreachable(logger, ex);
            return Task.FromResult(HealthCheckResult.Unhealthy("unreachable"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: the database did not answer")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}

/// <summary>The inbox backlog is within <see cref="ReadinessOptions.MaxBacklog"/>.</summary>
internal sealed class BacklogReadiness(InboxSignals inbox, IOptions<ReadinessOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var backlog = inbox.Backlog();
        var limit = options.Value.MaxBacklog;
        var description = string.Create(CultureInfo.InvariantCulture, $"{backlog} deliveries waiting (limit {limit}, {ReadinessOptions.Section}:MaxBacklog)");
        return Task.FromResult(backlog <= limit ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description));
    }
}

/// <summary>The oldest unprocessed delivery has waited no longer than <see cref="ReadinessOptions.MaxLag"/>.</summary>
internal sealed class LagReadiness(InboxSignals inbox, IOptions<ReadinessOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lag = inbox.Lag();
        var limit = options.Value.MaxLag;
        var description = string.Create(CultureInfo.InvariantCulture,
            $"oldest unprocessed delivery waited {lag.TotalSeconds:0.###} s (limit {limit.TotalSeconds:0.###} s, {ReadinessOptions.Section}:MaxLag)");
        return Task.FromResult(lag <= limit ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description));
    }
}

/// <summary>
/// A processor holds the lease: this process's (<see cref="ProcessorLease"/>), or, with several instances on one
/// database, the leader's (<see cref="ILeadership"/>). An instance that does not lead is still ready: it acknowledges
/// webhooks and serves the dashboard.
/// </summary>
internal sealed class ProcessorReadiness(ProcessorLease lease, ILeadership leadership) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lease.IsHeld)
        {
            return HealthCheckResult.Healthy("the processor holds the lease");
        }

        return await leadership.IsHeldElsewhereAsync(cancellationToken)
            ? HealthCheckResult.Healthy("another instance's processor holds the lease")
            : HealthCheckResult.Unhealthy("no processor holds the lease");
    }
}
