using System.Globalization;
using System.Text.RegularExpressions;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Kernel;

namespace RainForest.Linux.Fixtures;

/// <summary>
/// A kernel for tests: its files are plain files below <see cref="Root"/> (a temp directory the caller owns), and
/// the behaviours in which kernel files differ from plain ones live here, so that the code under test runs exactly
/// the branches it runs on the kernel.
/// </summary>
/// <remarks>
/// <para>
/// Cgroup file systems are mounted with <see cref="MountCgroup"/> and <see cref="MountCgroup2"/> (which also list
/// them in <c>/proc/self/mounts</c>). Below a mount, mkdir makes a group with the control files its controllers
/// offer; rmdir removes it with them, and refuses (EBUSY) while it holds a live task or a child; <c>cgroup.procs</c>
/// moves a task; <c>cgroup.kill</c> kills the subtree's tasks (real processes the test started);
/// <c>cgroup.subtree_control</c> takes <c>+name</c> and <c>-name</c> and reads back the enabled list; cpusets are
/// checked as the kernel checks them, and cgroup v2 cpuset partitions are computed as the kernel documents them
/// (Documentation/admin-guide/cgroup-v2.rst), invalid states and their reasons included. Values the kernel refuses
/// fail with its errno.
/// </para>
/// <para>
/// Elsewhere files are plain, except <c>/proc/irq/N/smp_affinity_list</c> (a cpulist of the fixture's CPUs; EIO for
/// <see cref="ManagedIrqs"/>) and the unbound workqueues' <c>cpumask</c> (a hex mask). Writes never create a file.
/// The kernel keeps exited tasks out of <c>cgroup.procs</c>; the fixture's files keep what was written, and it lists
/// and counts a pid as a task only while the process a write made a task (the pid and its start time) runs, so a
/// removal that kills what a group lists can only reach the test's own processes, never one that took an ended
/// task's pid. Tests may plant pids no process has (above PID_MAX_LIMIT) as text; a plain-text pid any process
/// could have is refused when read (<see cref="PlantTask"/> lists a process of the test's without a move).
/// </para>
/// </remarks>
public sealed partial class FixtureKernel : KernelFiles
{
    private readonly List<CgroupMount> _mounts = [];
    private readonly Dictionary<string, List<(AttachedDeviceProgram Program, IReadOnlyList<DeviceRule> Rules)>> _programs = new(StringComparer.Ordinal);
    private uint _nextProgramId = 1;

    /// <summary>Creates a fixture kernel whose files live below <paramref name="root"/> (made if missing).</summary>
    public FixtureKernel(string root)
    {
        Root = Path.GetFullPath(root).TrimEnd('/');
        Directory.CreateDirectory(Root);
    }

    /// <inheritdoc/>
    public override string Root { get; }

    /// <summary>The machine's CPUs, all online: cpusets and IRQ affinities must lie within them.</summary>
    public CpuSet Cpus { get; init; } = CpuSet.Parse("0-3");

    /// <summary>The machine's memory nodes.</summary>
    public CpuSet MemoryNodes { get; init; } = CpuSet.Parse("0-1");

    /// <summary>Which cpuset partitions cgroup v2 offers (Linux 6.7 and later by default).</summary>
    public PartitionSupport Partitions { get; init; } = PartitionSupport.Exclusive;

    /// <summary>Whether cgroup v2 groups have <c>cgroup.kill</c> (Linux 5.14 and later).</summary>
    public bool CgroupKill { get; init; } = true;

    /// <summary>Whether cgroup v2 memory groups have <c>memory.swap.max</c> (swap accounting on).</summary>
    public bool SwapAccounting { get; init; } = true;

    /// <summary>Whether bpf(2) may load and attach device programs; false makes it fail with EPERM, as without CAP_SYS_ADMIN.</summary>
    public bool DeviceProgramsAllowed { get; set; } = true;

    /// <summary>
    /// Called with the path after each read of a file: a test changes the machine there between two reads the code under
    /// test makes (a task that leaves its group in between). Clear it inside the call before writing, or the write's own
    /// reads call it again.
    /// </summary>
    public Action<string>? AfterRead { get; set; }

    /// <summary>IRQs whose affinity the kernel manages: writing their <c>smp_affinity_list</c> fails with EIO.</summary>
    public ISet<int> ManagedIrqs { get; } = new HashSet<int>();

    /// <summary>Mounts a cgroup v1 hierarchy with <paramref name="controllers"/> at a kernel path; returns its full path.</summary>
    public string MountCgroup(string kernelPath, params string[] controllers)
    {
        var path = PathOf(kernelPath);
        Directory.CreateDirectory(path);
        var mount = new CgroupMount(path, false, controllers);
        _mounts.Add(mount);
        Plant(path, "cgroup.procs", string.Empty);
        if (controllers.Contains("cpuset"))
        {
            Plant(path, "cpuset.cpus", Cpus.ToString());
            Plant(path, "cpuset.mems", MemoryNodes.ToString());
            Plant(path, "cpuset.effective_cpus", Cpus.ToString());
        }

        if (controllers.Contains("memory"))
        {
            Plant(path, "memory.use_hierarchy", "1");
            Plant(path, "memory.usage_in_bytes", "0");
        }

        if (controllers.Contains("devices"))
        {
            Plant(path, "devices.list", "a *:* rwm\n");
        }

        AddMountLine($"cgroup {kernelPath} cgroup rw,nosuid,nodev,noexec,relatime,{string.Join(',', controllers)} 0 0");
        return path;
    }

    /// <summary>Mounts cgroup2 at a kernel path with the controllers its root offers; returns its full path.</summary>
    public string MountCgroup2(string kernelPath, string controllers = "cpuset cpu io memory hugetlb pids rdma misc")
    {
        var path = PathOf(kernelPath);
        Directory.CreateDirectory(path);
        var offered = controllers.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        _mounts.Add(new CgroupMount(path, true, offered));
        Plant(path, "cgroup.procs", string.Empty);
        Plant(path, "cgroup.controllers", controllers);
        Plant(path, "cgroup.subtree_control", string.Empty);
        if (offered.Contains("cpuset"))
        {
            Plant(path, "cpuset.cpus.effective", Cpus.ToString());
            Plant(path, "cpuset.mems.effective", MemoryNodes.ToString());
            if (Partitions == PartitionSupport.Exclusive)
            {
                Plant(path, "cpuset.cpus.isolated", string.Empty);
            }
        }

        AddMountLine($"cgroup2 {kernelPath} cgroup2 rw,nosuid,nodev,noexec,relatime 0 0");
        return path;
    }

    /// <summary>The rules of the device programs attached to a cgroup directory, in the order attached.</summary>
    public IReadOnlyList<IReadOnlyList<DeviceRule>> DeviceProgramRules(string cgroupDir) =>
        _programs.TryGetValue(cgroupDir, out var list) ? [.. list.Select(p => p.Rules)] : [];

    /// <inheritdoc/>
    public override string? ReadText(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            var dir = Path.GetDirectoryName(path)!;
            var read = Path.GetFileName(path) is "cgroup.procs" or "tasks" && MountOf(dir) is { } mount && IsGroup(mount, dir) ? TaskListing(text, path) : text;
            AfterRead?.Invoke(path);
            return read;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public override void Write(string path, string value)
    {
        if (!File.Exists(path))
        {
            throw KernelError.Of(KernelError.ENOENT, "open", path);
        }

        var dir = Path.GetDirectoryName(path)!;
        var name = Path.GetFileName(path);
        if (MountOf(dir) is { } mount && IsGroup(mount, dir))
        {
            WriteControlFile(mount, dir, name, value.Trim(), path);
            return;
        }

        if (IsIrqAffinity(path, out var irq))
        {
            if (ParseWithin(value.Trim(), Cpus, path).IsEmpty)
            {
                throw KernelError.Of(KernelError.EINVAL, "write", path);
            }

            if (ManagedIrqs.Contains(irq))
            {
                throw KernelError.Of(KernelError.EIO, "write", path);
            }
        }
        else if (path == PathOf("/sys/devices/virtual/workqueue/cpumask") && !IsHexMask(value.Trim()))
        {
            throw KernelError.Of(KernelError.EINVAL, "write", path);
        }

        Store(path, value);
    }

    /// <inheritdoc/>
    public override void CreateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (MountOf(path) is { } mount && path != mount.Path)
        {
            var parent = Path.GetDirectoryName(path)!;
            if (!Directory.Exists(parent))
            {
                throw KernelError.Of(KernelError.ENOENT, "mkdir", path);
            }

            Directory.CreateDirectory(path);
            PopulateGroup(mount, path);
            return;
        }

        Directory.CreateDirectory(path);
    }

    /// <inheritdoc/>
    public override void RemoveDirectory(string path)
    {
        if (MountOf(path) is { } mount && path != mount.Path && Directory.Exists(path))
        {
            RemoveGroup(mount, path);
            return;
        }

        Directory.Delete(path, recursive: false);
    }

    /// <inheritdoc/>
    public override void AttachDeviceProgram(string cgroupDir, IReadOnlyList<DeviceRule> rules)
    {
        if (!DeviceProgramsAllowed)
        {
            throw new LinuxException(KernelError.EPERM, "bpf(BPF_PROG_LOAD)", cgroupDir);
        }

        if (!Directory.Exists(cgroupDir))
        {
            throw new LinuxException(KernelError.ENOENT, "open", cgroupDir);
        }

        // The kernel reports the newer of the two tags DeviceProgram.Tags computes.
        var tag = DeviceProgram.Tags(DeviceProgram.Generate(rules))[0];
        var program = new AttachedDeviceProgram(_nextProgramId++, DeviceProgram.Name, tag);
        if (!_programs.TryGetValue(cgroupDir, out var list))
        {
            _programs[cgroupDir] = list = [];
        }

        list.Add((program, rules));
    }

    /// <inheritdoc/>
    public override void DetachDeviceProgram(string cgroupDir, uint id)
    {
        if (!DeviceProgramsAllowed)
        {
            throw new LinuxException(KernelError.EPERM, "bpf(BPF_PROG_GET_FD_BY_ID)", cgroupDir);
        }

        // The kernel answers ENOENT for a program that is not attached to this directory.
        if (!_programs.TryGetValue(cgroupDir, out var list) || list.RemoveAll(p => p.Program.Id == id) == 0)
        {
            throw new LinuxException(KernelError.ENOENT, "bpf(BPF_PROG_DETACH)", cgroupDir);
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<AttachedDeviceProgram> DevicePrograms(string cgroupDir)
    {
        if (!DeviceProgramsAllowed)
        {
            throw new LinuxException(KernelError.EPERM, "bpf(BPF_PROG_QUERY)", cgroupDir);
        }

        if (!Directory.Exists(cgroupDir))
        {
            throw new LinuxException(KernelError.ENOENT, "open", cgroupDir);
        }

        return _programs.TryGetValue(cgroupDir, out var list) ? [.. list.Select(p => p.Program)] : [];
    }

    private CgroupMount? MountOf(string path) =>
        _mounts.Where(m => m.Holds(path)).OrderByDescending(m => m.Path.Length).FirstOrDefault();

    private static bool IsGroup(CgroupMount mount, string dir) => mount.Holds(dir) && File.Exists(Path.Combine(dir, "cgroup.procs"));

    private bool IsIrqAffinity(string path, out int irq)
    {
        irq = -1;
        var irqDir = PathOf("/proc/irq") + "/";
        return path.StartsWith(irqDir, StringComparison.Ordinal)
            && path.EndsWith("/smp_affinity_list", StringComparison.Ordinal)
            && int.TryParse(path[irqDir.Length..^"/smp_affinity_list".Length], NumberStyles.None, CultureInfo.InvariantCulture, out irq);
    }

    private static bool IsHexMask(string text) => HexMask().IsMatch(text) && text.Any(c => c is not ('0' or ','));

    [GeneratedRegex("^[0-9a-fA-F]{1,8}(,[0-9a-fA-F]{8})*$")]
    private static partial Regex HexMask();

    private void AddMountLine(string line)
    {
        var mounts = PathOf("/proc/self/mounts");
        Directory.CreateDirectory(Path.GetDirectoryName(mounts)!);
        File.AppendAllText(mounts, line + "\n");
    }

    /// <summary>Writes a file of the kernel's own making (created, unlike a write through <see cref="Write"/>).</summary>
    private static void Plant(string dir, string name, string text) => File.WriteAllText(Path.Combine(dir, name), text);

    /// <summary>Replaces a file's contents, following links as a write through them would.</summary>
    private static void Store(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    /// <summary>A control file's trimmed text, or null when it is missing or unreadable.</summary>
    private static string? Get(string dir, string name)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, name)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
