namespace RainForest.Bench.Harness.Tools;

/// <summary>A program an experiment needs and the Debian package that provides it.</summary>
/// <param name="Command">The program's name on PATH.</param>
/// <param name="Package">The Debian package.</param>
internal sealed record Requirement(string Command, string Package)
{
    /// <summary>stress-ng: the CPU, cache, memory and file stressors.</summary>
    public static Requirement StressNg { get; } = new("stress-ng", "stress-ng");

    /// <summary>iperf3: the loopback network stressor.</summary>
    public static Requirement Iperf3 { get; } = new("iperf3", "iperf3");

    /// <summary>memcached: the latency-critical service of the colocation experiment.</summary>
    public static Requirement Memcached { get; } = new("memcached", "memcached");

    /// <summary>nsenter: runs the load generator in a subOS's or container's network namespace.</summary>
    public static Requirement Nsenter { get; } = new("nsenter", "util-linux");

    /// <summary>taskset: pins the host ends of the channels benchmark to the subOSes' CPUs.</summary>
    public static Requirement Taskset { get; } = new("taskset", "util-linux");

    /// <summary>timeout: bounds every program the harness starts.</summary>
    public static Requirement Timeout { get; } = new("timeout", "coreutils");

    /// <summary>ip: brings a container's loopback up.</summary>
    public static Requirement Ip { get; } = new("ip", "iproute2");

    /// <summary>lxc-execute and lxc-attach: the LXC system.</summary>
    public static Requirement Lxc { get; } = new("lxc-execute", "lxc");

    /// <summary>Whether the program is installed.</summary>
    public bool IsMet => Executables.Find(Command) is not null;
}
