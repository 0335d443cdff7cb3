using Microsoft.Extensions.Options;
using ReferralStudio.Hosting;

namespace ReferralStudio.Inbox;

/// <summary>
/// When the raw bodies of processed deliveries older than <see cref="InboxOptions.RetainProcessedBodiesFor"/> are
/// emptied: an hourly pass (or sooner, for a shorter retention), off when the setting is unset. Each engine empties
/// them its own way (<see cref="Storage.Sqlite.InboxRetention"/>, <see cref="Storage.Postgres.PostgresInboxRetention"/>).
/// </summary>
public abstract class InboxBodyRetention(IOptions<InboxOptions> options, TimeProvider time, ILogger logger)
    : ScheduledWorker(new WakeSignal(), time, logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected IOptions<InboxOptions> Options { get; } = options;

    /// <summary>Completes when a pass that begins after this call has finished.</summary>
    public Task NextPassAsync() => Volatile.Read(ref _next).Task;

    /// <summary>One pass: empties every due body; returns how many.</summary>
    public abstract Task<int> DropDueBodiesAsync(CancellationToken cancellationToken);

    protected sealed override async Task<TimeSpan?> RunDueAsync(CancellationToken cancellationToken)
    {
        var pass = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            if (Options.Value.RetainProcessedBodiesFor is not { } retain)
            {
                // Off: sleep until stopped.
                return null;
            }

            await DropDueBodiesAsync(cancellationToken);
            return retain < Interval ? retain : Interval;
        }
        finally
        {
            pass.TrySetResult();
        }
    }
}
