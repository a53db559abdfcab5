using System.Runtime.InteropServices;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Lowers the scheduling priority of the calling thread alone, on Linux: there a thread's nice value is its own
/// (<c>setpriority(PRIO_PROCESS, 0, …)</c> names the calling thread, not the process), so an Argon2 gate thread can
/// yield its core to the server's other threads without slowing them. Elsewhere it does nothing.
/// </summary>
internal static class HashingThreadPriority
{
    private const int PrioProcess = 0;

    /// <summary>
    /// Adds <paramref name="increment"/> to the calling thread's nice value (at most 19, Linux's lowest priority).
    /// Lowering one's own priority needs no privilege; a refusal (a sandbox forbidding the call) leaves the thread as it
    /// was, since hashing at the inherited priority is still correct, only less kind to the cheap work beside it.
    /// </summary>
    /// <returns>The thread's kernel id and its nice value afterwards, or null where neither is known (not Linux).</returns>
    public static (int ThreadId, int Nice)? Lower(int increment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(increment);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var threadId = gettid();

            // getpriority may return -1 as a value: errno tells it from a failure.
            Marshal.SetLastPInvokeError(0);
            var current = getpriority(PrioProcess, 0);
            if (current == -1 && Marshal.GetLastPInvokeError() != 0)
            {
                return null;
            }

            var wanted = Math.Min(19, current + increment);
            if (wanted == current || setpriority(PrioProcess, 0, wanted) == 0)
            {
                return (threadId, wanted);
            }

            return (threadId, current);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without gettid (older than glibc 2.30): the thread keeps its priority.
            return null;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getpriority(int which, uint who);

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, uint who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
}
