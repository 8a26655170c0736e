using System.Runtime.InteropServices;

namespace RainForest.Linux.Tests.Security;

/// <summary>Raw system calls for the kernel tests, bypassing the code under test.</summary>
internal static class KernelNative
{
    public const long SysGetpid = 39;
    public const long SysSyslog = 103;
    public const long SysKeyctl = 250;
    public const long SysUnshare = 272;
    public const long SysClone3 = 435;
    public const long SysPersonality = 135;

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // The test project has no unsafe code for the LibraryImport generator; these are blittable.
    private static extern long syscall(long number, long a1, long a2, long a3, long a4, long a5);

    [DllImport("libc")]
    public static extern int gettid();
#pragma warning restore SYSLIB1054

    /// <summary>Calls <paramref name="number"/> and returns its result and errno (0 on success).</summary>
    public static (long Result, int Errno) Call(long number, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0)
    {
        var result = syscall(number, a1, a2, a3, a4, a5);
        return (result, result == -1 ? Marshal.GetLastPInvokeError() : 0);
    }

    /// <summary>Runs <paramref name="body"/> on a new thread and waits for it; an exception there is rethrown here.</summary>
    public static T OnNewThread<T>(Func<T> body)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = body();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException("the dedicated thread failed", error);
        }

        return result;
    }
}
