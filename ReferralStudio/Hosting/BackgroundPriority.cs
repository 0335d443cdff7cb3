using System.Runtime.InteropServices;

namespace ReferralStudio.Hosting;

/// <summary>
/// Lowers the calling thread's scheduling priority (its nice value on Linux). .NET's
/// <see cref="Thread.Priority"/> is not applied on Linux, but a thread may always lower its own.
/// </summary>
public static class BackgroundPriority
{
    private const int PrioProcess = 0;

    /// <summary>
    /// Makes the current thread yield the CPU to normal-priority threads (request handling) when the
    /// cores are busy, while still using all of an idle core. Returns false where not supported.
    /// </summary>
    public static bool LowerCurrentThread(int nice)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // On Linux, PRIO_PROCESS with a thread id sets that one thread's nice value.
            return SetPriority(PrioProcess, GetThreadId(), nice) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int prio);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
