using RainForest.Core;

namespace RainForest.Linux.Fixtures;

/// <summary>The fixture kernel's cpusets: v1 nesting rules, and cgroup v2's effective CPUs and partitions.</summary>
/// <remarks>
/// v2 partitions follow Documentation/admin-guide/cgroup-v2.rst ("cpuset.cpus.partition"): a root or isolated
/// partition is valid when its parent is a valid partition root, its exclusive CPUs (<c>cpuset.cpus.exclusive</c>, or
/// <c>cpuset.cpus</c> when that is empty) are non-empty, lie within what the parent has left, overlap no sibling
/// partition's, and do not take the last CPUs of a parent that has tasks (the root cgroup always has: kernel
/// threads). A valid partition takes its CPUs out of the parent's effective CPUs; an invalid one behaves like a
/// member. States are recomputed from the requests after every change, so an invalid partition becomes valid
/// once it can be, as the kernel re-validates them. Siblings are granted in name order, where the kernel goes by
/// the order of the writes; RainForest never makes two requests compete. Before Linux 6.1
/// (<see cref="PartitionSupport.RootOnly"/>) a request that cannot be valid is refused with EINVAL instead.
/// </remarks>
public sealed partial class FixtureKernel
{
    private const string PartitionFile = "cpuset.cpus.partition";
    private const string ExclusiveFile = "cpuset.cpus.exclusive";

    // CONFIG_NODES_SHIFT=10, as in distribution kernels: node lists parse up to node 1023.
    private const int MaxNumNodes = 1024;

    private enum Standing
    {
        ValidPartition,
        InvalidPartition,
        Member,
    }

    private void WriteCpuset(CgroupMount mount, string dir, string name, string value, string path)
    {
        switch (name)
        {
            case "cpuset.mems":
                var nodes = ParseWithin(value, MemoryNodes, path, MaxNumNodes);
                if (!mount.IsV2)
                {
                    CheckV1Nesting(mount, dir, name, nodes, path);
                }

                Store(path, nodes.ToString());
                break;
            case "cpuset.cpus":
                var cpus = ParseWithin(value, Cpus, path);
                if (!mount.IsV2)
                {
                    CheckV1Nesting(mount, dir, name, cpus, path);
                }
                else if (IsValidPartition(dir) && ParseOrEmpty(Get(dir, ExclusiveFile)).IsEmpty && SiblingExclusive(dir).Overlaps(cpus))
                {
                    // A partition root's cpuset.cpus is exclusive: it may not reach into a sibling's partition.
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                Store(path, cpus.ToString());
                break;
            case ExclusiveFile:
                var exclusive = ParseWithin(value, Cpus, path);
                if (!exclusive.IsEmpty)
                {
                    // The exclusivity rule, and at least one CPU left to each sibling.
                    foreach (var sibling in Siblings(dir))
                    {
                        var theirs = ParseOrEmpty(Get(sibling, "cpuset.cpus"));
                        if (exclusive.Overlaps(ExclusiveOf(sibling)) || (!theirs.IsEmpty && theirs.IsSubsetOf(exclusive)))
                        {
                            throw KernelError.Of(KernelError.EINVAL, "write", path);
                        }
                    }
                }

                Store(path, exclusive.ToString());
                break;
            case PartitionFile:
                if (value is not ("member" or "root") && !(value == "isolated" && Partitions >= PartitionSupport.Isolated))
                {
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                // The request; the recomputation turns it into the state the file reads back.
                var previous = RequestedKind(dir);
                Store(path, value);
                RecomputeCpusets(mount);
                if (Partitions == PartitionSupport.RootOnly && !IsValidPartition(dir) && value != "member")
                {
                    // Before 6.1 the kernel refused a partition it could not honour, where later ones record it as invalid.
                    Store(path, previous);
                    RecomputeCpusets(mount);
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                return;
        }

        RecomputeCpusets(mount);
    }

    /// <summary>v1: a cpuset lies within its parent's (EACCES otherwise) and holds each child's (EBUSY otherwise).</summary>
    private void CheckV1Nesting(CgroupMount mount, string dir, string file, CpuSet value, string path)
    {
        var parent = Path.GetDirectoryName(dir)!;
        if (mount.Holds(parent) && !value.IsSubsetOf(ParseOrEmpty(Get(parent, file))))
        {
            throw KernelError.Of(KernelError.EACCES, "write", path);
        }

        if (Directory.EnumerateDirectories(dir).Where(c => IsGroup(mount, c)).Any(c => !ParseOrEmpty(Get(c, file)).IsSubsetOf(value)))
        {
            throw KernelError.Of(KernelError.EBUSY, "write", path);
        }
    }

    /// <summary>Recomputes every v2 group's effective CPUs and partition state from the requests.</summary>
    private void RecomputeCpusets(CgroupMount mount)
    {
        if (!mount.IsV2 || !mount.Controllers.Contains("cpuset"))
        {
            return;
        }

        var isolated = CpuSet.Empty;
        var kept = Distribute(mount.Path, Cpus, Standing.ValidPartition, isRoot: true, ref isolated);
        Plant(mount.Path, "cpuset.cpus.effective", kept.ToString());
        if (Partitions == PartitionSupport.Exclusive)
        {
            Plant(mount.Path, "cpuset.cpus.isolated", isolated.ToString());
        }
    }

    /// <summary>Hands a group's CPUs to its children's partitions and members; returns the CPUs the group keeps.</summary>
    private CpuSet Distribute(string dir, CpuSet available, Standing standing, bool isRoot, ref CpuSet isolated)
    {
        var children = Directory.EnumerateDirectories(dir)
            .Where(c => File.Exists(Path.Combine(c, "cpuset.cpus")) && File.Exists(Path.Combine(c, "cgroup.procs")))
            .Order(StringComparer.Ordinal).ToList();
        var granted = new Dictionary<string, CpuSet>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in children.Where(c => RequestedKind(c) != "member"))
        {
            if (PartitionError(dir, child, available, standing, isRoot, granted) is { } reason)
            {
                reasons[child] = reason;
            }
            else
            {
                granted[child] = RequestedCpus(child);
                available = available.Except(granted[child]);
            }
        }

        foreach (var child in children)
        {
            var kind = RequestedKind(child);
            CpuSet effective;
            Standing childStanding;
            if (granted.TryGetValue(child, out var mine))
            {
                effective = mine;
                childStanding = Standing.ValidPartition;
                if (kind == "isolated")
                {
                    isolated = isolated.Union(mine);
                }
            }
            else
            {
                var within = ParseOrEmpty(Get(child, "cpuset.cpus")).Intersect(available);
                effective = within.IsEmpty ? available : within;
                childStanding = kind == "member" ? Standing.Member : Standing.InvalidPartition;
            }

            var kept = Distribute(child, effective, childStanding, isRoot: false, ref isolated);
            Plant(child, "cpuset.cpus.effective", kept.ToString());
            var mems = ParseOrEmpty(Get(child, "cpuset.mems"));
            Plant(child, "cpuset.mems.effective", (mems.IsEmpty ? ParseOrEmpty(Get(dir, "cpuset.mems.effective")) : mems).ToString());
            if (Partitions != PartitionSupport.None)
            {
                Plant(child, PartitionFile, StateText(kind, reasons.GetValueOrDefault(child)));
            }

            if (Partitions == PartitionSupport.Exclusive)
            {
                Plant(child, "cpuset.cpus.exclusive.effective", granted.TryGetValue(child, out var x) ? x.ToString() : string.Empty);
            }
        }

        return available;
    }

    /// <summary>Why <paramref name="child"/> cannot be a valid partition now, in the kernel's words; null when it can.</summary>
    private string? PartitionError(string dir, string child, CpuSet available, Standing standing, bool isRoot, Dictionary<string, CpuSet> granted)
    {
        if (standing != Standing.ValidPartition)
        {
            return standing == Standing.InvalidPartition ? "Parent is an invalid partition root" : "Parent is not a partition root";
        }

        var request = RequestedCpus(child);
        if (request.IsEmpty)
        {
            return Partitions == PartitionSupport.Exclusive ? "cpuset.cpus and cpuset.cpus.exclusive are empty" : "cpuset.cpus is empty";
        }

        if (granted.Values.Any(g => g.Overlaps(request)))
        {
            return "Cpu list in cpuset.cpus not exclusive";
        }

        if (!request.IsSubsetOf(available))
        {
            return Partitions == PartitionSupport.Exclusive ? "Invalid cpu list in cpuset.cpus.exclusive" : "Invalid cpu list in cpuset.cpus";
        }

        if (request.Equals(available) && (isRoot || Populated(dir, child)))
        {
            return "Parent unable to distribute cpu downstream";
        }

        return null;
    }

    /// <summary>Whether a group or a member below it (not <paramref name="except"/>, not a partition) holds a live task.</summary>
    private bool Populated(string dir, string except) =>
        LiveTasks(dir).Count > 0
        || Directory.EnumerateDirectories(dir).Where(c => c != except && RequestedKind(c) == "member").Any(c => Populated(c, except));

    private CpuSet RequestedCpus(string child)
    {
        var exclusive = Partitions == PartitionSupport.Exclusive ? ParseOrEmpty(Get(child, ExclusiveFile)) : CpuSet.Empty;
        return exclusive.IsEmpty ? ParseOrEmpty(Get(child, "cpuset.cpus")) : exclusive;
    }

    private static string RequestedKind(string dir) =>
        Get(dir, PartitionFile) is { Length: > 0 } text ? text.Split(' ')[0] : "member";

    private static bool IsValidPartition(string dir) =>
        RequestedKind(dir) != "member" && Get(dir, PartitionFile)?.Contains("invalid", StringComparison.Ordinal) == false;

    private string StateText(string kind, string? reason)
    {
        if (kind == "member" || reason is null)
        {
            return kind;
        }

        // Kernels before 6.1 do not say why.
        return Partitions == PartitionSupport.RootOnly ? kind + " invalid" : $"{kind} invalid ({reason})";
    }

    private static IEnumerable<string> Siblings(string dir) =>
        Directory.EnumerateDirectories(Path.GetDirectoryName(dir)!).Where(d => d != dir && File.Exists(Path.Combine(d, "cpuset.cpus")));

    private static CpuSet ExclusiveOf(string dir) =>
        ParseOrEmpty(Get(dir, ExclusiveFile)).Union(ParseOrEmpty(Get(dir, "cpuset.cpus.exclusive.effective")));

    private static CpuSet SiblingExclusive(string dir) => Siblings(dir).Aggregate(CpuSet.Empty, (all, s) => all.Union(ExclusiveOf(s)));

    /// <summary>
    /// Parses a list as the kernel does: a number past the bitmap's size is out of range (ERANGE, from
    /// bitmap_parselist: nr_cpu_ids for CPUs, MAX_NUMNODES for nodes), and one the machine lacks or may not use
    /// here is invalid (EINVAL).
    /// </summary>
    private static CpuSet ParseWithin(string value, CpuSet within, string path, int? bits = null)
    {
        var limit = bits ?? (within.IsEmpty ? 0 : within.Max() + 1);
        var numbers = value.Split(',', '-').Select(n => long.TryParse(n.Trim(), out var number) ? number : -1).ToList();
        if (value.Trim().Length > 0 && numbers.All(n => n >= 0) && numbers.Max() >= limit)
        {
            throw KernelError.Of(KernelError.ERANGE, "write", path);
        }

        if (!CpuSet.TryParse(value, out var set, out _))
        {
            throw KernelError.Of(KernelError.EINVAL, "write", path);
        }

        return set.IsSubsetOf(within) ? set : throw KernelError.Of(KernelError.EINVAL, "write", path);
    }

    private static CpuSet ParseOrEmpty(string? text) => CpuSet.TryParse(text ?? string.Empty, out var set, out _) ? set : CpuSet.Empty;
}
