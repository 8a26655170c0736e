using System.Runtime.CompilerServices;

namespace RainForest.Bench.Load.Tests;

internal static class TestSetup
{
    /// <summary>
    /// The xunit runner blocks thread-pool threads while a test runs; on a 2-core machine the pool
    /// starts with 2 threads and adds one every half second, so the generator's receive loops and the
    /// fake server would wait for threads for hundreds of milliseconds and the timings would measure
    /// the test host. A pool that starts larger removes that; the generator itself never blocks a
    /// pool thread.
    /// </summary>
    [ModuleInitializer]
    internal static void GrowThreadPool()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
