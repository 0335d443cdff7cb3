namespace ReferralStudio.Hosting;

/// <summary>
/// Runs a long blocking loop (SQLite commits, fsyncs) on a thread of its own. On the thread pool such a
/// loop holds one of its few threads (two on a 2-core machine) and requests stall until the pool
/// notices and adds threads, which takes up to a second.
/// </summary>
public static class DedicatedThread
{
    /// <summary>Starts <paramref name="work"/> on a new background thread; the task completes with its result.</summary>
    /// <param name="name">The thread's name, as debuggers and traces show it.</param>
    /// <param name="work">The loop to run.</param>
    /// <param name="nice">When set, the thread's nice value (see <see cref="BackgroundPriority"/>).</param>
    public static Task<T> Run<T>(string name, Func<T> work, int? nice = null)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                if (nice is { } value)
                {
                    BackgroundPriority.LowerCurrentThread(value);
                }

                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    public static Task Run(string name, Action work, int? nice = null) => Run(name, () =>
    {
        work();
        return true;
    }, nice);
}
