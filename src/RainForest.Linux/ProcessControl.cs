using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>Per-process settings of the calling process (prctl).</summary>
public static class ProcessControl
{
    /// <summary>
    /// Marks the process dumpable or not. A process that is not dumpable cannot be traced, and its
    /// /proc/PID files (fd, mem, environ, maps) belong to root of the host, whoever runs beside it.
    /// </summary>
    /// <exception cref="LinuxException">prctl failed.</exception>
    public static void SetDumpable(bool dumpable)
    {
        if (Interop.Libc.prctl(Interop.Libc.PR_SET_DUMPABLE, dumpable ? 1u : 0u, 0, 0, 0) < 0)
        {
            throw Interop.Errors.Last("prctl PR_SET_DUMPABLE");
        }
    }

    /// <summary>True when the calling process is dumpable.</summary>
    /// <exception cref="LinuxException">prctl failed.</exception>
    public static bool IsDumpable
    {
        get
        {
            var result = Interop.Libc.prctl(Interop.Libc.PR_GET_DUMPABLE, 0, 0, 0, 0);
            return result >= 0 ? result == 1 : throw Interop.Errors.Last("prctl PR_GET_DUMPABLE");
        }
    }
}
