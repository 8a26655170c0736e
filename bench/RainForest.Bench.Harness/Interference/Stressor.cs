using RainForest.Bench.Harness.Tools;
using RainForest.Core;

namespace RainForest.Bench.Harness.Interference;

/// <summary>
/// A workload that presses on one part of the machine, used as foreground (measured) and background (the
/// interference) in the matrix, and as the batch job next to memcached.
/// </summary>
/// <param name="Name">Its name on the command line and in the report.</param>
/// <param name="Unit">The unit of its throughput.</param>
/// <param name="Description">What it runs.</param>
internal sealed record Stressor(string Name, string Unit, string Description)
{
    /// <summary>CPU: stress-ng's matrix product (SPEC CPU's role in the paper).</summary>
    public static Stressor Cpu { get; } = new("cpu", "bogo ops/s", "stress-ng --cpu N --cpu-method matrixprod");

    /// <summary>Cache: stress-ng's cache thrasher (cachebench's role).</summary>
    public static Stressor Cache { get; } = new("cache", "bogo ops/s", "stress-ng --cache N --cache-no-affinity");

    /// <summary>Memory bandwidth: stress-ng's STREAM with 32 MB arrays, larger than the last-level cache.</summary>
    public static Stressor MemoryBandwidth { get; } = new("membw", "bogo ops/s", "stress-ng --stream N --stream-l3-size 8M (STREAM, 32 MB arrays)");

    /// <summary>File I/O on tmpfs: stress-ng's hdd writer and reader (IOzone's role, on tmpfs as in the paper).</summary>
    public static Stressor FileIo { get; } = new("fileio", "bogo ops/s", "stress-ng --hdd N --hdd-bytes 64M in a tmpfs directory");

    /// <summary>Network: iperf3 over loopback, server and client in the same instance (netperf's role).</summary>
    public static Stressor Network { get; } = new("net", "Gbit/s", "iperf3 TCP stream over loopback, server and client in the instance, N streams");

    /// <summary>Every stressor, in the report's order.</summary>
    public static IReadOnlyList<Stressor> All { get; } = [Cpu, Cache, MemoryBandwidth, FileIo, Network];

    /// <summary>The program it needs.</summary>
    public Requirement Requirement => this == Network ? Requirement.Iperf3 : Requirement.StressNg;

    /// <summary>The stressors named, in the order given.</summary>
    /// <exception cref="RfException">An unknown name.</exception>
    public static IReadOnlyList<Stressor> Parse(IEnumerable<string> names) =>
        [.. names.Select(name => All.FirstOrDefault(s => s.Name == name)
            ?? throw RfException.Invalid($"unknown stressor '{name}' (expected {string.Join(", ", All.Select(s => s.Name))})"))];
}
