using RainForest.Core;
using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>CPU affinity of tasks (sched_getaffinity and sched_setaffinity).</summary>
public static class Affinity
{
    private const int MaskBytes = (CpuSet.MaxCpu + 1) / 8;

    /// <summary>The CPUs task <paramref name="pid"/> (0 for the caller) may run on.</summary>
    /// <exception cref="LinuxException">The task does not exist (ESRCH).</exception>
    public static unsafe CpuSet Get(int pid = 0)
    {
        var mask = stackalloc byte[MaskBytes];
        if (Interop.Libc.sched_getaffinity(pid, MaskBytes, mask) < 0)
        {
            throw Interop.Errors.Last("sched_getaffinity");
        }

        var cpus = new List<int>();
        for (var i = 0; i < MaskBytes * 8; i++)
        {
            if ((mask[i / 8] & (1 << (i % 8))) != 0)
            {
                cpus.Add(i);
            }
        }

        return CpuSet.Of(cpus);
    }

    /// <summary>Restricts task <paramref name="pid"/> to <paramref name="cpus"/>.</summary>
    /// <exception cref="LinuxException">The task does not exist, or none of the CPUs is allowed to it (EINVAL).</exception>
    public static unsafe void Set(int pid, CpuSet cpus)
    {
        var mask = stackalloc byte[MaskBytes];
        new Span<byte>(mask, MaskBytes).Clear();
        foreach (var cpu in cpus)
        {
            mask[cpu / 8] |= (byte)(1 << (cpu % 8));
        }

        if (Interop.Libc.sched_setaffinity(pid, MaskBytes, mask) < 0)
        {
            throw Interop.Errors.Last("sched_setaffinity", $"pid {pid}");
        }
    }

    /// <summary>The CPU the calling thread runs on now (it may move the moment after).</summary>
    public static int CurrentCpu()
    {
        var cpu = Interop.Libc.sched_getcpu();
        return cpu >= 0 ? cpu : throw Interop.Errors.Last("sched_getcpu");
    }
}
