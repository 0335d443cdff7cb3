using System.Collections.Concurrent;

namespace ReferralStudio.Hosting;

/// <summary>
/// Lets a caller await the moment a background worker finished with an item (a greeting sent, an
/// outbound delivery delivered or given up), instead of polling. Register before checking the
/// database: the worker signals only after its commit.
/// </summary>
public sealed class Settlements
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiters = new();

    public Task WhenSettledAsync(long id) =>
        _waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Settled(long id)
    {
        if (_waiters.TryRemove(id, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
