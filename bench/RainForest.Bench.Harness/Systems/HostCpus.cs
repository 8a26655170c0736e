using RainForest.Core;

namespace RainForest.Bench.Harness.Systems;

/// <summary>The machine's online CPUs.</summary>
internal static class HostCpus
{
    /// <summary>The online CPUs, from <c>/sys/devices/system/cpu/online</c>; all processors when it cannot be read.</summary>
    public static CpuSet Online()
    {
        try
        {
            return CpuSet.Parse(File.ReadAllText("/sys/devices/system/cpu/online").Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or RfException)
        {
            return CpuSet.Of(Enumerable.Range(0, Environment.ProcessorCount));
        }
    }
}
