namespace RainForest.Bench.Worker;

/// <summary>Where this process runs now (the CPUs it may run on come from <see cref="Linux.Affinity"/>).</summary>
internal static class ProcessPlacement
{
    /// <summary>The CPU the calling thread runs on now (<c>sched_getcpu</c>).</summary>
    public static int CurrentCpu()
    {
        var cpu = Interop.Libc.sched_getcpu();
        return cpu >= 0 ? cpu : throw NativeCallException.FromLastError("sched_getcpu");
    }
}
