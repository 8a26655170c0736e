namespace RainForest.Linux;

/// <summary>Per-process settings of the calling process (prctl).</summary>
public static class ProcessControl
{
    private const int PrSetDumpable = 4;
    private const int PrGetDumpable = 3;

    /// <summary>
    /// Marks the process dumpable or not. A process that is not dumpable cannot be traced, and its
    /// /proc/PID files (fd, mem, environ, maps) belong to root of the host, whoever runs beside it.
    /// </summary>
    public static void SetDumpable(bool dumpable)
    {
        if (Interop.Libc.prctl(PrSetDumpable, dumpable ? 1u : 0u, 0, 0, 0) < 0)
        {
            throw Interop.LastError("prctl PR_SET_DUMPABLE");
        }
    }

    /// <summary>True when the calling process is dumpable.</summary>
    public static bool IsDumpable => Interop.Libc.prctl(PrGetDumpable, 0, 0, 0, 0) == 1;
}
