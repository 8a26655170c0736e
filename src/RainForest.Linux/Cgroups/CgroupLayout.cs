using RainForest.Linux.Kernel;

namespace RainForest.Linux.Cgroups;

/// <summary>Where the cgroup controllers are mounted, read from <c>/proc/self/mounts</c> under a root.</summary>
/// <param name="Mode">The interface RainForest uses.</param>
/// <param name="V1Mounts">Controller name to v1 mount point (already joined with the root).</param>
/// <param name="V2Mount">The cgroup2 mount point (joined with the root), or null.</param>
public sealed record CgroupLayout(CgroupMode Mode, IReadOnlyDictionary<string, string> V1Mounts, string? V2Mount)
{
    /// <summary>Controllers a subOS needs: exclusive CPUs and NUMA nodes, a memory limit.</summary>
    public static IReadOnlyList<string> Required { get; } = ["cpuset", "memory"];

    /// <summary>
    /// Controllers used when present: a pids limit and count, (v1 only) the device rules and the freezer that parks a
    /// donor lent down to no CPU, and the CPU bandwidth limit the elastic controller puts on a donor.
    /// </summary>
    public static IReadOnlyList<string> Optional { get; } = ["pids", "devices", "freezer", "cpu"];

    /// <summary>
    /// Optional controllers that exist only as v1 hierarchies: cgroup v2 has no <c>devices</c> controller and
    /// takes a BPF device program on the group's directory instead, and freezes a group through its core
    /// <c>cgroup.freeze</c> file, so the v2 driver never enables these.
    /// </summary>
    public static IReadOnlyList<string> V1Only { get; } = ["devices", "freezer"];

    /// <summary>
    /// Optional controllers the v2 driver enables only when first used (the elastic controller's CPU quota): enabling
    /// <c>cpu</c> fails where real-time tasks sit in non-root groups, which must not stop init or create.
    /// </summary>
    public static IReadOnlyList<string> V2OnDemand { get; } = ["cpu"];

    /// <summary>Detects the layout of the machine (or captured tree) at <paramref name="root"/>.</summary>
    /// <exception cref="InvalidOperationException">Neither interface offers cpuset and memory.</exception>
    public static CgroupLayout Detect(string root = "/") => Detect(KernelFiles.At(root));

    /// <summary>Detects the layout the kernel's files show: its mounts, and the controllers cgroup2 offers.</summary>
    /// <exception cref="InvalidOperationException">Neither interface offers cpuset and memory.</exception>
    /// <exception cref="FileNotFoundException"><c>/proc/self/mounts</c> is missing.</exception>
    public static CgroupLayout Detect(KernelFiles kernel)
    {
        var mountsFile = kernel.PathOf("/proc/self/mounts");
        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        string? v2 = null;
        var mounts = kernel.ReadText(mountsFile) ?? throw new FileNotFoundException($"{mountsFile} does not exist", mountsFile);
        foreach (var line in mounts.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length < 4)
            {
                continue;
            }

            var mountPoint = kernel.PathOf(fields[1].Replace("\\040", " ", StringComparison.Ordinal));
            if (fields[2] == "cgroup2")
            {
                v2 ??= mountPoint;
            }
            else if (fields[2] == "cgroup")
            {
                foreach (var option in fields[3].Split(','))
                {
                    if (Required.Contains(option) || Optional.Contains(option))
                    {
                        v1.TryAdd(option, mountPoint);
                    }
                }
            }
        }

        if (Required.All(v1.ContainsKey))
        {
            return new CgroupLayout(v2 is null ? CgroupMode.V1 : CgroupMode.Hybrid, v1, v2);
        }

        if (v2 is not null)
        {
            var available = ReadControllers(kernel, v2);
            var missing = Required.Where(c => !available.Contains(c)).ToList();
            if (missing.Count == 0)
            {
                return new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), v2);
            }

            // A controller bound to a v1 hierarchy is invisible to cgroup2; mixing the two is not supported.
            var onV1 = missing.Where(v1.ContainsKey).Select(c => $"{c} is mounted as v1 at {v1[c]}");
            throw new InvalidOperationException(
                $"cgroup2 at {v2} lacks the {string.Join(" and ", missing)} controller(s){(onV1.Any() ? " (" + string.Join(", ", onV1) + ")" : string.Empty)}");
        }

        throw new InvalidOperationException("no cgroup hierarchy offers the cpuset and memory controllers (is /sys/fs/cgroup mounted?)");
    }

    internal static HashSet<string> ReadControllers(KernelFiles kernel, string v2Mount) =>
        [.. (kernel.ReadText(Path.Combine(v2Mount, "cgroup.controllers")) ?? string.Empty).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Short name of the mode as users see it: v1, hybrid or v2.</summary>
    public string ModeName => Mode switch
    {
        CgroupMode.V1 => "v1",
        CgroupMode.Hybrid => "hybrid",
        _ => "v2",
    };
}
