using RainForest.Core;

namespace RainForest.Bench.Worker;

/// <summary>Where this process runs: its current CPU and the CPUs it may run on.</summary>
internal static class ProcessPlacement
{
    /// <summary>The CPU the calling thread runs on now (<c>sched_getcpu</c>).</summary>
    public static int CurrentCpu()
    {
        var cpu = Interop.Libc.sched_getcpu();
        return cpu >= 0 ? cpu : throw NativeCallException.FromLastError("sched_getcpu");
    }

    /// <summary>The CPUs this process may run on (<c>sched_getaffinity</c> of the calling thread).</summary>
    public static unsafe CpuSet AllowedCpus()
    {
        // The kernel answers EINVAL when the mask is smaller than its nr_cpu_ids; start at 1024 CPUs
        // (glibc's cpu_set_t) and grow up to CpuSet.MaxCpu.
        for (var bytes = 128; bytes <= (CpuSet.MaxCpu + 1) / 8; bytes *= 2)
        {
            var mask = new byte[bytes];
            int written;
            fixed (byte* p = mask)
            {
                written = Interop.Libc.sched_getaffinity(0, (nuint)bytes, p);
            }

            if (written < 0)
            {
                var error = NativeCallException.FromLastError("sched_getaffinity");
                if (error.Errno == Interop.Libc.EInval)
                {
                    continue;
                }

                throw error;
            }

            var cpus = new List<int>();
            for (var i = 0; i < bytes * 8; i++)
            {
                if ((mask[i / 8] & (1 << (i % 8))) != 0)
                {
                    cpus.Add(i);
                }
            }

            return CpuSet.Of(cpus);
        }

        throw new NativeCallException("sched_getaffinity", Interop.Libc.EInval);
    }
}
