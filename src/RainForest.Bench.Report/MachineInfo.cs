using System.Globalization;

namespace RainForest.Bench.Report;

/// <summary>The machine a run measured on, as the report's header shows it.</summary>
public sealed record MachineInfo
{
    /// <summary>The CPU model name, from <c>/proc/cpuinfo</c>.</summary>
    public string CpuModel { get; init; } = "unknown";

    /// <summary>Physical cores (distinct package and core id pairs).</summary>
    public int Cores { get; init; }

    /// <summary>Hardware threads (logical CPUs) present.</summary>
    public int Threads { get; init; }

    /// <summary>NUMA nodes, or 0 where unknown.</summary>
    public int NumaNodes { get; init; }

    /// <summary>Total memory in bytes.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>The kernel release, such as <c>6.1.0-18-amd64</c>.</summary>
    public string Kernel { get; init; } = "unknown";

    /// <summary>The cgroup layout: <c>v1</c>, <c>hybrid</c> (v1 controllers plus a v2 tree) or <c>v2</c>.</summary>
    public string CgroupMode { get; init; } = "unknown";

    /// <summary>The host name.</summary>
    public string Hostname { get; init; } = "unknown";

    /// <summary>Reads this machine's description from procfs and sysfs.</summary>
    /// <param name="procRoot">Where procfs is mounted; tests pass a fixture tree.</param>
    /// <param name="sysRoot">Where sysfs is mounted; tests pass a fixture tree.</param>
    /// <param name="hostname">The host name to record; null takes <see cref="Environment.MachineName"/>.</param>
    public static MachineInfo Detect(string procRoot = "/proc", string sysRoot = "/sys", string? hostname = null)
    {
        var cpuinfo = ReadOrEmpty(Path.Combine(procRoot, "cpuinfo"));
        var (model, cores, threads) = ParseCpuInfo(cpuinfo);
        return new MachineInfo
        {
            CpuModel = model,
            Cores = cores,
            Threads = threads,
            NumaNodes = CountNumaNodes(Path.Combine(sysRoot, "devices/system/node")),
            MemoryBytes = ParseMemTotal(ReadOrEmpty(Path.Combine(procRoot, "meminfo"))),
            Kernel = ReadOrEmpty(Path.Combine(procRoot, "sys/kernel/osrelease")).Trim() is { Length: > 0 } k ? k : "unknown",
            CgroupMode = DetectCgroupMode(Path.Combine(sysRoot, "fs/cgroup")),
            Hostname = hostname ?? Environment.MachineName,
        };
    }

    /// <summary>Model name, physical cores and logical CPUs from the text of <c>/proc/cpuinfo</c>.</summary>
    internal static (string Model, int Cores, int Threads) ParseCpuInfo(string cpuinfo)
    {
        var model = "unknown";
        var threads = 0;
        var cores = new HashSet<(string Package, string Core)>();
        string package = "0", core = "";
        foreach (var raw in cpuinfo.Split('\n'))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = raw[..colon].Trim();
            var value = raw[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    if (threads > 0 && core.Length > 0)
                    {
                        cores.Add((package, core));
                    }

                    threads++;
                    package = "0";
                    core = "";
                    break;
                case "model name" or "Model" when model == "unknown":
                    model = value;
                    break;
                case "physical id":
                    package = value;
                    break;
                case "core id":
                    core = value;
                    break;
            }
        }

        if (threads > 0 && core.Length > 0)
        {
            cores.Add((package, core));
        }

        // Without core ids (some VMs and arm64 kernels) every logical CPU counts as a core.
        return (model, cores.Count > 0 ? cores.Count : threads, threads);
    }

    /// <summary>MemTotal in bytes from the text of <c>/proc/meminfo</c>, or 0.</summary>
    internal static long ParseMemTotal(string meminfo)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line["MemTotal:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                return kib * 1024;
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>v2</c> when the cgroup mount is the unified hierarchy (it has <c>cgroup.controllers</c>),
    /// <c>hybrid</c> when v1 controllers sit beside a v2 tree at <c>unified</c>, <c>v1</c> otherwise.
    /// </summary>
    internal static string DetectCgroupMode(string cgroupRoot)
    {
        if (File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers")))
        {
            return "v2";
        }

        if (File.Exists(Path.Combine(cgroupRoot, "unified", "cgroup.controllers")))
        {
            return "hybrid";
        }

        return Directory.Exists(cgroupRoot) ? "v1" : "unknown";
    }

    private static int CountNumaNodes(string nodeRoot) =>
        Directory.Exists(nodeRoot)
            ? Directory.EnumerateDirectories(nodeRoot, "node*").Count(d => int.TryParse(Path.GetFileName(d)[4..], out _))
            : 0;

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
