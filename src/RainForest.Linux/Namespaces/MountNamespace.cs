using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using RainForest.Interop;

namespace RainForest.Linux.Namespaces;

/// <summary>Runs code inside another mount namespace from a multi-threaded process.</summary>
/// <remarks>
/// setns(CLONE_NEWNS) refuses a thread that shares its file-system context (root, working directory) with
/// others, as every thread of a .NET process does. So a new thread first takes a private copy of that context
/// (unshare(CLONE_FS)), joins the namespace, runs the code and ends: the rest of the process never leaves its
/// own namespace, and no pooled thread is left behind in a foreign one.
/// </remarks>
public static class MountNamespace
{
    /// <summary>Runs <paramref name="action"/> on a thread of its own inside the mount namespace <paramref name="mountNamespace"/> (an open /proc/PID/ns/mnt).</summary>
    /// <exception cref="LinuxException">The namespace could not be joined (no CAP_SYS_ADMIN over its owner, or not a mount namespace).</exception>
    public static void Run(SafeHandle mountNamespace, Action action)
    {
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (Interop.Libc.unshare(Interop.Libc.CLONE_FS) < 0)
                {
                    throw Interop.Errors.Last("unshare CLONE_FS");
                }

                if (Interop.Libc.setns(mountNamespace, Interop.Libc.CLONE_NEWNS) < 0)
                {
                    throw Interop.Errors.Last("setns mnt");
                }

                action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = "mount-namespace" };
        thread.Start();
        thread.Join();
        failure?.Throw();
    }
}
