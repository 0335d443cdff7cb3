using Microsoft.AspNetCore.SignalR;

namespace ReferralStudio.Live;

/// <summary>Drains the feed into the hub, so SignalR's sends never run on the processor's thread.</summary>
public sealed partial class AttributionBroadcaster(AttributionFeed feed, IHubContext<AttributionHub> hub, ILogger<AttributionBroadcaster> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notice in feed.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    // Redis's send ignores the token: stopping must not wait for an unreachable backplane.
                    await hub.Clients.All.SendAsync(AttributionHub.Method, notice, stoppingToken).WaitAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSendFailed(logger, ex, notice.TouchId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not broadcast attribution {TouchId}; clients fill the gap on reconnect")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, long touchId);
}
