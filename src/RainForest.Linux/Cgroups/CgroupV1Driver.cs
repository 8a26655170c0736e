using System.Globalization;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Guard;
using RainForest.Linux.Kernel;

namespace RainForest.Linux.Cgroups;

/// <summary>cgroup v1 (and hybrid) driver: one group per controller hierarchy.</summary>
internal sealed class CgroupV1Driver : CgroupDriver
{
    public CgroupV1Driver(KernelFiles kernel, CgroupLayout layout, string prefix)
        : base(kernel, layout, prefix)
    {
    }

    private IEnumerable<string> Controllers =>
        CgroupLayout.Required.Concat(CgroupLayout.Optional.Where(Layout.V1Mounts.ContainsKey));

    // Every method joins names here: a name that is not one path component never reaches the file system.
    private string Dir(string controller, string? name = null) =>
        name is null ? Path.Combine(Layout.V1Mounts[controller], Prefix) : Path.Combine(Layout.V1Mounts[controller], Prefix, PrefixGuard.CheckComponent(name));

    public override void EnsureParent(CpuSet cpus, string mems)
    {
        foreach (var controller in Controllers)
        {
            MakeDirectory(Dir(controller), prefixGroup: true);
        }

        // v1 cpusets start empty and refuse tasks and children until cpus and mems are set.
        // Widen mems before cpus so that every intermediate state is valid. v1 also refuses a parent narrower
        // than a child (EBUSY), so the prefix keeps what its children hold: the host group of --confine-host
        // holds the reserve, which the CPUs for subOSes leave out.
        var cpuset = Dir("cpuset");
        var held = Children().Select(c => CpuSet.Parse(ReadOrNull(Path.Combine(Dir("cpuset", c), "cpuset.cpus")) ?? string.Empty));
        Write(Path.Combine(cpuset, "cpuset.mems"), mems);
        Write(Path.Combine(cpuset, "cpuset.cpus"), held.Aggregate(cpus, (all, child) => all.Union(child)).ToString());

        // Children of the prefix never share memory with the host's other groups' reclaim.
        var hierarchy = Path.Combine(Dir("memory"), "memory.use_hierarchy");
        if (Kernel.FileExists(hierarchy) && ReadOrNull(hierarchy) != "1" && Kernel.DirectoryNames(Dir("memory")).Count == 0)
        {
            Write(hierarchy, "1");
        }
    }

    public override void Create(string name, CpuSet cpus, string mems, ByteSize memory)
    {
        foreach (var controller in Controllers)
        {
            MakeDirectory(Dir(controller, name));
        }

        var cpuset = Dir("cpuset", name);
        Write(Path.Combine(cpuset, "cpuset.mems"), mems);
        Write(Path.Combine(cpuset, "cpuset.cpus"), cpus.ToString());
        SetMemory(name, memory);
        RestrictDevices(name);
    }

    /// <remarks>
    /// A new v1 devices group copies its parent's rules, and the prefix group keeps the default "a *:* rwm"
    /// (the supervisor's own group for host tasks may sit under it), so the subOS's group starts open.
    /// "a" to devices.deny first switches it to deny-by-default and drops every exception; then each allow adds
    /// one, one rule per write as the kernel parses them. Allowing first would be undone by the deny.
    /// </remarks>
    private void RestrictDevices(string name)
    {
        if (!Layout.V1Mounts.ContainsKey("devices"))
        {
            return;
        }

        var dir = Dir("devices", name);
        Write(Path.Combine(dir, "devices.deny"), "a");
        foreach (var rule in DevicePolicy.Minimal)
        {
            Write(Path.Combine(dir, "devices.allow"), rule.ToString());
        }
    }

    public override void AllowDevice(string name, DeviceRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (Layout.V1Mounts.ContainsKey("devices"))
        {
            Write(Path.Combine(Dir("devices", name), "devices.allow"), rule.ToString());
        }
    }

    public override string? DeviceRules(string name)
    {
        if (!Layout.V1Mounts.ContainsKey("devices"))
        {
            return null;
        }

        var list = ReadOrNull(Path.Combine(Dir("devices", name), "devices.list"));
        var rules = (list ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // "a *:* rwm" is the kernel's way of listing a group with no restriction.
        return rules.Length == 0 || rules is ["a *:* rwm"] ? null : string.Join("; ", rules);
    }

    public override void CreateCpusetOnly(string name, CpuSet cpus, string mems)
    {
        var cpuset = Dir("cpuset", name);
        MakeDirectory(cpuset);
        Write(Path.Combine(cpuset, "cpuset.mems"), mems);
        Write(Path.Combine(cpuset, "cpuset.cpus"), cpus.ToString());
    }

    public override string? MakeHostGroup(string name, CpuSet hostCpus, CpuSet online, string mems)
    {
        // A v1 cpuset partitions nothing: host tasks are confined by moving them into a group on the host's CPUs.
        EnsureParent(online, mems);
        CreateCpusetOnly(name, hostCpus, mems);
        return ProcsFiles(name)[0];
    }

    public override void SetCpus(string name, CpuSet cpus, string mems)
    {
        var cpuset = Dir("cpuset", name);
        var oldMems = ReadOrNull(Path.Combine(cpuset, "cpuset.mems")) ?? string.Empty;

        // A cpuset must never be left with CPUs outside its nodes' reach: add nodes first, remove them last.
        Write(Path.Combine(cpuset, "cpuset.mems"), UnionLists(oldMems, mems));
        Write(Path.Combine(cpuset, "cpuset.cpus"), cpus.ToString());
        if (oldMems != mems)
        {
            Write(Path.Combine(cpuset, "cpuset.mems"), mems);
        }
    }

    public override void SetMemory(string name, ByteSize memory)
    {
        var dir = Dir("memory", name);

        // v1 offers no hard protection; soft_limit_in_bytes makes global reclaim take from others first.
        Write(Path.Combine(dir, "memory.limit_in_bytes"), memory.Bytes.ToString(CultureInfo.InvariantCulture));
        var soft = Path.Combine(dir, "memory.soft_limit_in_bytes");
        if (Kernel.FileExists(soft))
        {
            Write(soft, memory.Bytes.ToString(CultureInfo.InvariantCulture));
        }
    }

    public override bool TryShrinkMemory(string name, ByteSize memory, TimeSpan budget)
    {
        // v1 refuses a limit below usage (EBUSY) after reclaiming inside the write itself; without swap, anonymous
        // and tmpfs pages cannot go, so a few retries only catch page cache freed meanwhile. The limit is untouched
        // by a refused write: nothing to restore.
        var deadline = DateTime.UtcNow + budget;
        while (!TryWriteLimit(name, memory))
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

    public override void ForceMemory(string name, ByteSize memory, IReadOnlySet<int> spared, TimeSpan budget)
    {
        // v1 never OOM-kills to honour a limit write (mem_cgroup_resize_max answers EBUSY), so the driver does what
        // v2's memory.max write does: kill the kernel's own pick, let its memory go, write again.
        var deadline = DateTime.UtcNow + budget;
        while (!TryWriteLimit(name, memory))
        {
            if (OomVictim(Pids(name), spared) is not { } victim || DateTime.UtcNow >= deadline)
            {
                throw new LinuxException(
                    $"cannot shrink subOS '{name}' to {memory}: it still uses {Read(name).MemoryUsage} with no program left to kill (files in its tmpfs hold the rest)",
                    Errno.EBUSY, "write", Path.Combine(Dir("memory", name), "memory.limit_in_bytes"));
            }

            KillMembers(name, [victim]);
            WaitGone(name, victim, deadline);
        }

        SetMemory(name, memory);
    }

    public override bool SetPids(string name, long max)
    {
        if (!Layout.V1Mounts.ContainsKey("pids"))
        {
            return false;
        }

        Write(Path.Combine(Dir("pids", name), "pids.max"), max.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    public override long? ReadPidsLimit(string name) =>
        Layout.V1Mounts.ContainsKey("pids") ? ParsePidsMax(ReadOrNull(Path.Combine(Dir("pids", name), "pids.max"))) : null;

    public override bool SetFrozen(string name, bool frozen)
    {
        var file = Layout.V1Mounts.ContainsKey("freezer") ? Path.Combine(Dir("freezer", name), "freezer.state") : null;
        if (file is null || !Kernel.FileExists(file))
        {
            return false;
        }

        Write(file, frozen ? "FROZEN" : "THAWED");
        return true;
    }

    public override bool? ReadFrozen(string name) =>
        Layout.V1Mounts.ContainsKey("freezer") && ReadOrNull(Path.Combine(Dir("freezer", name), "freezer.state")) is { } state
            ? state != "THAWED"
            : null;

    public override bool SetCpuQuota(string name, double? cpus)
    {
        var dir = Layout.V1Mounts.ContainsKey("cpu") ? Dir("cpu", name) : null;
        if (dir is null || !Kernel.FileExists(Path.Combine(dir, "cpu.cfs_quota_us")))
        {
            return false;
        }

        // An idle borrower's tasks run in its idle group (SetCpuIdle): the quota binds them there.
        foreach (var group in IdleDir(name) is { } idle && Kernel.DirectoryExists(idle) ? [dir, idle] : new[] { dir })
        {
            // The period first: a quota is checked against the period in force when it is written.
            Write(Path.Combine(group, "cpu.cfs_period_us"), CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
            Write(Path.Combine(group, "cpu.cfs_quota_us"), cpus is { } c ? QuotaMicroseconds(c).ToString(CultureInfo.InvariantCulture) : "-1");
        }

        return true;
    }

    public override double? ReadCpuQuota(string name)
    {
        if (!Layout.V1Mounts.ContainsKey("cpu"))
        {
            return null;
        }

        var dir = Dir("cpu", name);
        return long.TryParse(ReadOrNull(Path.Combine(dir, "cpu.cfs_quota_us")), CultureInfo.InvariantCulture, out var q) && q > 0
            && long.TryParse(ReadOrNull(Path.Combine(dir, "cpu.cfs_period_us")), CultureInfo.InvariantCulture, out var p) && p > 0
            ? (double)q / p
            : null;
    }

    public override bool SetCpuIdle(string name, bool idle)
    {
        var file = Layout.V1Mounts.ContainsKey("cpu") ? Path.Combine(Dir("cpu", name), "cpu.idle") : null;
        if (file is null || !Kernel.FileExists(file) || IdleDir(name) is not { } idleDir)
        {
            return false;
        }

        if (idle)
        {
            // Idle below the prefix first: a task not moved yet (one forked meanwhile) still yields to the other subOSes.
            Write(file, "1");
            var parent = IdleParent!;
            if (!Kernel.DirectoryExists(parent))
            {
                MakeDirectory(parent, prefixGroup: true);
            }

            Write(Path.Combine(parent, "cpu.idle"), "1");
            if (!Kernel.DirectoryExists(idleDir))
            {
                MakeDirectory(idleDir);
            }

            // A quota lent to the donor binds it wherever its tasks are.
            CopyQuota(Dir("cpu", name), idleDir);
            MoveAll(Dir("cpu", name), idleDir);
        }
        else
        {
            if (Kernel.DirectoryExists(idleDir))
            {
                MoveAll(idleDir, Dir("cpu", name));
                RemoveGroupDirectory(idleDir);
            }

            Write(file, "0");
        }

        return true;
    }

    /// <remarks>
    /// Idle only when the group below the prefix says so and no task was left in it: a borrower whose tasks an rfm
    /// killed halfway through the move did not finish reads as not idle, and reconcile moves the rest.
    /// </remarks>
    public override bool? ReadCpuIdle(string name)
    {
        if (!Layout.V1Mounts.ContainsKey("cpu") || ReadOrNull(Path.Combine(Dir("cpu", name), "cpu.idle")) is not { } value)
        {
            return null;
        }

        return value == "1" && IdleDir(name) is { } idleDir && Kernel.DirectoryExists(idleDir)
            && ReadPids(Path.Combine(Dir("cpu", name), "cgroup.procs")).Count == 0;
    }

    /// <summary>The root-level group of this supervisor's idle borrowers in the cpu hierarchy; null without one.</summary>
    /// <remarks>
    /// A sibling of the prefix group, not a child: only at the root does the idle class rank it below the host's
    /// tasks. The dot cannot occur in a prefix (<c>rainforest</c>, <c>rf-</c> and eight hex digits), so no other
    /// supervisor's prefix group can be named so.
    /// </remarks>
    private string? IdleParent => Layout.V1Mounts.TryGetValue("cpu", out var mount) ? Path.Combine(mount, Prefix + ".idle") : null;

    private string? IdleDir(string name) => IdleParent is { } parent ? Path.Combine(parent, PrefixGuard.CheckComponent(name)) : null;

    private void CopyQuota(string from, string to)
    {
        foreach (var knob in new[] { "cpu.cfs_period_us", "cpu.cfs_quota_us" })
        {
            if (ReadOrNull(Path.Combine(from, knob)) is { } value && Kernel.FileExists(Path.Combine(to, knob)))
            {
                Write(Path.Combine(to, knob), value);
            }
        }
    }

    /// <summary>
    /// Moves every task of one of the subOS's cpu groups into another, again until none is left: a task forked while
    /// the list was read joins its parent's old group. Bounded: a subOS forking faster than it can be moved keeps some
    /// tasks where they were (reconcile retries).
    /// </summary>
    private void MoveAll(string from, string to)
    {
        var procs = Guard.CheckInside(Path.Combine(to, "cgroup.procs"));
        for (var round = 0; round < 100; round++)
        {
            var pids = ReadPids(Path.Combine(Guard.CheckInside(from), "cgroup.procs"));
            if (pids.Count == 0)
            {
                return;
            }

            foreach (var pid in pids)
            {
                TryMove(procs, pid);
            }
        }
    }

    public override IReadOnlyList<string> ProcsFiles(string name) =>
        [.. Controllers.Select(c => Path.Combine(CpuAware(c, name), "cgroup.procs")).Where(f => Kernel.DirectoryExists(Path.GetDirectoryName(f)!))];

    /// <summary>The subOS's group in a hierarchy: in the cpu hierarchy its idle group while it idle-shares.</summary>
    private string CpuAware(string controller, string name) =>
        controller == "cpu" && IdleDir(name) is { } idleDir && Kernel.DirectoryExists(idleDir) ? idleDir : Dir(controller, name);

    public override bool Exists(string name) => CgroupLayout.Required.All(c => Kernel.DirectoryExists(Dir(c, name)));

    public override CgroupState Read(string name)
    {
        var cpuset = Dir("cpuset", name);
        var memory = Dir("memory", name);
        return new CgroupState(
            CpuSet.Parse(ReadOrNull(Path.Combine(cpuset, "cpuset.cpus")) ?? string.Empty),
            ReadOrNull(Path.Combine(cpuset, "cpuset.mems")) ?? string.Empty,
            ParseLimit(ReadOrNull(Path.Combine(memory, "memory.limit_in_bytes"))),
            new ByteSize(ParseLimit(ReadOrNull(Path.Combine(memory, "memory.usage_in_bytes")))?.Bytes ?? 0),
            Pids(name));
    }

    public override CgroupUsage ReadUsage(string name)
    {
        var memory = Dir("memory", name);
        var pids = Pids(name);
        var hasPids = Layout.V1Mounts.ContainsKey("pids");

        // A v1 subOS has groups for cpuset, memory, pids and devices only: its CPU time is its processes', and it
        // has no CPU bandwidth limit to be throttled by.
        return new CgroupUsage(
            ProcessCpuSeconds(pids),
            null,
            ParseLimit(ReadOrNull(Path.Combine(memory, "memory.limit_in_bytes")))?.Bytes,
            ParseLimit(ReadOrNull(Path.Combine(memory, "memory.usage_in_bytes")))?.Bytes ?? 0,
            ParseCount(ReadOrNull(Path.Combine(memory, "memory.failcnt"))),
            ParseKeyed(ReadOrNull(Path.Combine(memory, "memory.oom_control"))).TryGetValue("oom_kill", out var kills) ? kills : null,
            (hasPids ? ParseCount(ReadOrNull(Path.Combine(Dir("pids", name), "pids.current"))) : null) ?? pids.Count,
            ReadPidsLimit(name));
    }

    private bool TryWriteLimit(string name, ByteSize memory)
    {
        try
        {
            Write(Path.Combine(Dir("memory", name), "memory.limit_in_bytes"), memory.Bytes.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (LinuxException e) when (e.Errno == Errno.EBUSY)
        {
            return false;
        }
    }

    private void WaitGone(string name, int pid, DateTime deadline)
    {
        // Its memory is uncharged as it exits: wait for that, not a fixed time.
        while (Pids(name).Contains(pid) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5);
        }
    }

    public override IReadOnlyList<int> Pids(string name) =>
        [.. GroupDirectories(name).SelectMany(d => ReadPids(Path.Combine(d, "cgroup.procs"))).Distinct()];

    protected override void KillGroup(string name) => KillMembers(name);

    protected override void MoveGroupTasksToRoot(string name)
    {
        foreach (var controller in Controllers)
        {
            foreach (var pid in ReadPids(Path.Combine(Dir(controller, name), "cgroup.procs")))
            {
                TryMove(Path.Combine(Layout.V1Mounts[controller], "cgroup.procs"), pid);
            }
        }
    }

    // An idle group whose subOS lost every other group (an rfm killed mid-destroy) is still a child to clean up.
    public override IReadOnlyList<string> Children() =>
        [.. GuardRoots().SelectMany(Kernel.DirectoryNames).Distinct().Order(StringComparer.Ordinal)];

    public override IReadOnlyList<string> ParentDirectories() => [.. Controllers.Select(c => Dir(c))];

    protected override IReadOnlyList<string> GuardRoots() => IdleParent is { } idle ? [.. ParentDirectories(), idle] : ParentDirectories();

    protected override IReadOnlyList<string> GroupDirectories(string name) =>
        IdleDir(name) is { } idle ? [.. Controllers.Select(c => Dir(c, name)), idle] : [.. Controllers.Select(c => Dir(c, name))];

    private static string UnionLists(string a, string b) => CpuSet.Parse(a).Union(CpuSet.Parse(b)).ToString();
}
