using System.Globalization;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Guard;

namespace RainForest.Linux.Cgroups;

/// <summary>cgroup v2 driver: one unified hierarchy, controllers enabled top-down through subtree_control.</summary>
internal sealed class CgroupV2Driver : CgroupDriver
{
    /// <summary>The file a fixture tree gets instead of a device program (see <see cref="RestrictDevices"/>).</summary>
    internal const string FixtureDeviceFile = "rf.devices";

    private readonly string _root;

    public CgroupV2Driver(CgroupLayout layout, string prefix)
        : base(layout, prefix)
    {
        _root = layout.V2Mount ?? throw new ArgumentException("A v2 layout needs a cgroup2 mount.", nameof(layout));
    }

    // Every method joins names here: a name that is not one path component never reaches the file system.
    private string Dir(string? name = null) => name is null ? Path.Combine(_root, Prefix) : Path.Combine(_root, Prefix, PrefixGuard.CheckComponent(name));

    public override void EnsureParent(CpuSet cpus, string mems)
    {
        var wanted = CgroupLayout.Required.Concat(CgroupLayout.Optional.Except(CgroupLayout.V1Only)).ToList();
        var available = CgroupLayout.ReadControllers(_root);
        var enable = wanted.Where(available.Contains).ToList();
        EnableControllers(_root, enable);
        MakeDirectory(Dir(), prefixGroup: true);

        // The prefix group holds no process (v2's no-internal-process rule), only subOS groups.
        // Its cpuset stays empty, which in v2 means "all of the parent's": children choose theirs.
        EnableControllers(Dir(), enable);
    }

    private void EnableControllers(string dir, IEnumerable<string> controllers)
    {
        var file = Path.Combine(dir, "cgroup.subtree_control");
        var current = (ReadOrNull(file) ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var missing = controllers.Where(c => !current.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            var value = IsCgroupFs(dir)
                ? string.Join(' ', missing.Select(c => "+" + c))
                : string.Join(' ', current.Concat(missing)); // A fixture tree has no kernel to interpret "+cpuset": store the resulting list.
            if (dir == _root)
            {
                // The one write outside the prefix: the kernel enables a child's controllers only through its parent.
                WriteAnywhere(file, value);
            }
            else
            {
                Write(file, value);
            }
        }
    }

    public override void Create(string name, CpuSet cpus, string mems, ByteSize memory)
    {
        var dir = Dir(name);
        MakeDirectory(dir);

        // Before anything else, so that no process can join the group while its devices are still open.
        RestrictDevices(name);
        Write(Path.Combine(dir, "cpuset.mems"), mems);
        Write(Path.Combine(dir, "cpuset.cpus"), cpus.ToString());
        SetMemory(name, memory);
        var swap = Path.Combine(dir, "memory.swap.max");
        if (!IsCgroupFs(dir) || File.Exists(swap))
        {
            // Swap would let a subOS use more memory than it owns, at the host's expense.
            Write(swap, "0");
        }
    }

    private void RestrictDevices(string name)
    {
        var dir = Guard.CheckInside(Dir(name));
        if (!IsCgroupFs(dir))
        {
            // The fixture's stand-in for the program: a fixture tree has no kernel to load it into,
            // so the rules the program would allow are written down for the tests to read.
            Write(Path.Combine(dir, FixtureDeviceFile), string.Join('\n', DevicePolicy.Minimal) + "\n");
            return;
        }

        try
        {
            // Create may run again on a half-made group (repair): one copy of the program is enough.
            var tags = DeviceProgram.Tags(DeviceProgram.Generate(DevicePolicy.Minimal));
            if (!CgroupDevicePrograms.Query(dir).Any(p => tags.Contains(p.Tag)))
            {
                CgroupDevicePrograms.Attach(dir, DevicePolicy.Minimal);
            }
        }
        catch (LinuxException e) when (CgroupDevicePrograms.IsUnavailable(e))
        {
            Warnings($"subOS '{name}' has no device rules: the kernel refused the BPF device program ({e.Message}); it can open any device node it can reach");
        }
        catch (LinuxException e)
        {
            throw new LinuxException($"cannot apply the device rules to {dir}: {e.Message}", e.Errno, e.Operation, dir, e);
        }
    }

    public override string? DeviceRules(string name)
    {
        var dir = Dir(name);
        if (!IsCgroupFs(dir))
        {
            var rules = ReadOrNull(Path.Combine(dir, FixtureDeviceFile));
            return rules is null ? null : Describe([$"allows {string.Join(", ", rules.Split('\n'))}"]);
        }

        if (!Directory.Exists(dir))
        {
            return null;
        }

        var minimal = DeviceProgram.Tags(DeviceProgram.Generate(DevicePolicy.Minimal));
        var programs = CgroupDevicePrograms.Query(dir);
        return programs.Count == 0
            ? null
            : Describe([.. programs.Select(p => minimal.Contains(p.Tag)
                ? $"allows {string.Join(", ", DevicePolicy.Minimal)}"
                : $"{(p.Name.Length > 0 ? p.Name : "id " + p.Id.ToString(CultureInfo.InvariantCulture))}, tag {p.Tag}: not RainForest's minimal policy")]);
    }

    private static string Describe(IReadOnlyList<string> programs) =>
        $"{programs.Count} device program{(programs.Count == 1 ? string.Empty : "s")} attached ({string.Join("; ", programs)})";

    public override void CreateCpusetOnly(string name, CpuSet cpus, string mems)
    {
        var dir = Dir(name);
        MakeDirectory(dir);
        Write(Path.Combine(dir, "cpuset.mems"), mems);
        Write(Path.Combine(dir, "cpuset.cpus"), cpus.ToString());
    }

    public override void SetCpus(string name, CpuSet cpus, string mems)
    {
        var dir = Dir(name);
        var oldMems = ReadOrNull(Path.Combine(dir, "cpuset.mems")) ?? string.Empty;
        Write(Path.Combine(dir, "cpuset.mems"), CpuSet.Parse(oldMems).Union(CpuSet.Parse(mems)).ToString());
        Write(Path.Combine(dir, "cpuset.cpus"), cpus.ToString());
        if (oldMems != mems)
        {
            Write(Path.Combine(dir, "cpuset.mems"), mems);
        }
    }

    public override void SetMemory(string name, ByteSize memory)
    {
        var dir = Dir(name);
        var bytes = memory.Bytes.ToString(CultureInfo.InvariantCulture);
        var current = ParseLimit(ReadOrNull(Path.Combine(dir, "memory.max")));

        // memory.low <= memory.max keeps the protection meaningful; order the writes so it always holds.
        if (current is { } old && memory < old)
        {
            Write(Path.Combine(dir, "memory.low"), bytes);
            Write(Path.Combine(dir, "memory.max"), bytes);
        }
        else
        {
            Write(Path.Combine(dir, "memory.max"), bytes);
            Write(Path.Combine(dir, "memory.low"), bytes);
        }
    }

    public override bool TryShrinkMemory(string name, ByteSize memory, TimeSpan budget)
    {
        // Writing memory.max below usage would make the kernel reclaim and then OOM-kill inside the group. Ask for
        // the reclaim alone first (memory.reclaim, Linux 5.19+; EAGAIN when it freed less than asked), and write
        // the limit only once what is in use fits: nothing has changed when the answer is no.
        var dir = Dir(name);
        var deadline = DateTime.UtcNow + budget;
        var excess = Usage(dir) - memory.Bytes;
        var reclaim = Path.Combine(dir, "memory.reclaim");
        if (excess > 0 && File.Exists(reclaim))
        {
            try
            {
                Write(reclaim, excess.ToString(CultureInfo.InvariantCulture));
            }
            catch (LinuxException e) when (e.Errno == Errno.EAGAIN)
            {
                // Freed less than asked; the check below decides.
            }
        }

        while (Usage(dir) > memory.Bytes)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        SetMemory(name, memory);
        return true;
    }

    public override void ForceMemory(string name, ByteSize memory, IReadOnlySet<int> spared, TimeSpan budget) =>
        // The kernel itself reclaims and then OOM-kills inside the group until usage fits memory.max. It honours
        // oom_score_adj, so the agent (-1000, or 0 with its programs at 500) is the last it would pick.
        SetMemory(name, memory);

    private static long Usage(string dir) => ParseLimit(ReadOrNull(Path.Combine(dir, "memory.current")))?.Bytes ?? 0;

    public override bool SetPids(string name, long max)
    {
        // pids.max exists once the pids controller is enabled in the prefix group's subtree_control.
        var file = Path.Combine(Dir(name), "pids.max");
        if (IsCgroupFs(file) && !File.Exists(file))
        {
            return false;
        }

        Write(file, max.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    public override long? ReadPidsLimit(string name) => ParsePidsMax(ReadOrNull(Path.Combine(Dir(name), "pids.max")));

    public override IReadOnlyList<string> ProcsFiles(string name) => [Path.Combine(Dir(name), "cgroup.procs")];

    public override bool Exists(string name) => Directory.Exists(Dir(name));

    public override CgroupState Read(string name)
    {
        var dir = Dir(name);
        return new CgroupState(
            CpuSet.Parse(ReadOrNull(Path.Combine(dir, "cpuset.cpus")) ?? string.Empty),
            ReadOrNull(Path.Combine(dir, "cpuset.mems")) ?? string.Empty,
            ParseLimit(ReadOrNull(Path.Combine(dir, "memory.max"))),
            new ByteSize(ParseLimit(ReadOrNull(Path.Combine(dir, "memory.current")))?.Bytes ?? 0),
            Pids(name));
    }

    public override IReadOnlyList<int> Pids(string name) => ReadPids(Path.Combine(Dir(name), "cgroup.procs"));

    protected override void KillGroup(string name)
    {
        // cgroup.kill (Linux 5.14+) kills the whole subtree atomically, racing no fork.
        var kill = Path.Combine(Dir(name), "cgroup.kill");
        if (IsCgroupFs(kill) && File.Exists(kill))
        {
            Write(kill, "1");
            return;
        }

        KillPids(Pids(name));
    }

    protected override void MoveGroupTasksToRoot(string name)
    {
        foreach (var pid in Pids(name))
        {
            TryMove(Path.Combine(_root, "cgroup.procs"), pid);
        }
    }

    public override IReadOnlyList<string> Children() =>
        Directory.Exists(Dir())
            ? [.. Directory.EnumerateDirectories(Dir()).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];

    public override IReadOnlyList<string> ParentDirectories() => [Dir()];

    protected override IReadOnlyList<string> GroupDirectories(string name) => [Dir(name)];
}
