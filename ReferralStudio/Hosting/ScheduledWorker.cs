namespace ReferralStudio.Hosting;

/// <summary>
/// A background worker over a persisted queue: it does whatever is due, then sleeps until the next
/// scheduled item or until <see cref="Wake"/> says new work arrived. A failing pass is logged and
/// retried shortly, never ends the worker.
/// </summary>
public abstract partial class ScheduledWorker(WakeSignal signal, TimeProvider time, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    protected TimeProvider Time { get; } = time;

    /// <summary>New work was committed: run a pass now.</summary>
    public void Wake() => signal.Set();

    /// <summary>Does everything due; returns the time until the next scheduled item (null: nothing scheduled).</summary>
    protected abstract Task<TimeSpan?> RunDueAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan? wait;
            try
            {
                wait = await RunDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, ex, GetType().Name);
                wait = RetryAfterFailure;
            }

            try
            {
                await signal.WaitAsync(wait, Time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Worker} failed a pass; retrying shortly")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string worker);
}
