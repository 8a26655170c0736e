using System.Globalization;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Guard;
using RainForest.Linux.Kernel;

namespace RainForest.Linux.Cgroups;

/// <summary>cgroup v2 driver: one unified hierarchy, controllers enabled top-down through subtree_control.</summary>
/// <remarks>
/// <para>
/// Where the kernel offers cpuset partitions (<c>cpuset.cpus.partition</c>), the prefix group is a partition root
/// over the CPUs subOSes may use, which takes them away from every task outside it, and each subOS group is an
/// <c>isolated</c> partition of its own CPUs (with <c>cpuset.cpus.exclusive</c> from Linux 6.7), so no task is
/// balanced onto them. Without partitions a subOS's CPUs are exclusive in the ledger only, as on cgroup v1.
/// </para>
/// <para>
/// The kernel accepts a partition request it cannot honour and records it as <c>root invalid (reason)</c>, so every
/// change is read back. An invalid partition is a degraded state, not a failure: the group behaves like a member,
/// the ledger still gives each CPU one owner, the driver says so on <see cref="CgroupDriver.Warnings"/>, and the
/// state stays visible (<see cref="CgroupState.Partition"/>) until the kernel can make it valid again.
/// </para>
/// </remarks>
internal sealed class CgroupV2Driver : CgroupDriver
{
    private const string PartitionFile = "cpuset.cpus.partition";
    private const string ExclusiveFile = "cpuset.cpus.exclusive";

    private readonly string _root;

    public CgroupV2Driver(KernelFiles kernel, CgroupLayout layout, string prefix)
        : base(kernel, layout, prefix)
    {
        _root = layout.V2Mount ?? throw new ArgumentException("A v2 layout needs a cgroup2 mount.", nameof(layout));
    }

    // Every method joins names here: a name that is not one path component never reaches the file system.
    private string Dir(string? name = null) => name is null ? Path.Combine(_root, Prefix) : Path.Combine(_root, Prefix, PrefixGuard.CheckComponent(name));

    public override void EnsureParent(CpuSet cpus, string mems)
    {
        var wanted = CgroupLayout.Required.Concat(CgroupLayout.Optional.Except(CgroupLayout.V1Only).Except(CgroupLayout.V2OnDemand)).ToList();
        var available = CgroupLayout.ReadControllers(Kernel, _root);
        var enable = wanted.Where(available.Contains).ToList();
        EnableControllers(_root, enable);
        var made = !Kernel.DirectoryExists(Dir());
        MakeDirectory(Dir(), prefixGroup: true);

        // The prefix group holds no process (v2's no-internal-process rule), only subOS groups.
        MakePartitionRoot(cpus, made);
        EnableControllers(Dir(), enable);
    }

    /// <summary>Makes the prefix group a partition root over <paramref name="cpus"/>, where the kernel offers partitions.</summary>
    /// <param name="cpus">The CPUs subOSes may use.</param>
    /// <param name="made">The prefix group was made just now: what this kernel lacks is said once, here.</param>
    private void MakePartitionRoot(CpuSet cpus, bool made)
    {
        var dir = Dir();
        var file = Path.Combine(dir, PartitionFile);
        if (!Kernel.FileExists(file))
        {
            // The prefix's cpuset stays empty, which in v2 means "all of the parent's": children choose theirs.
            if (made)
            {
                Warnings($"this kernel offers no cpuset partitions (no {PartitionFile}; Linux 5.0 or later has them): host tasks may still run on subOS CPUs, which are exclusive in the ledger only");
            }

            return;
        }

        if (made && !Kernel.FileExists(Path.Combine(dir, ExclusiveFile)))
        {
            Warnings($"this kernel has no {ExclusiveFile} (Linux 6.7 or later has it): each subOS's partition is made from its cpuset.cpus alone");
        }

        var before = ReadPartition(dir);

        // The CPUs before the request: a partition root over an empty cpuset is invalid.
        Write(Path.Combine(dir, "cpuset.cpus"), cpus.ToString());
        if (before.Kind != PartitionKind.Root && !TryRequest(file, "root", out var refusal))
        {
            // Linux before 6.1 refuses a request it cannot honour (EINVAL) where later ones record it as invalid.
            if (made)
            {
                Warnings($"the kernel refused to make {dir} a cpuset partition root ({refusal}): host tasks may still run on subOS CPUs, which are exclusive in the ledger only");
            }

            return;
        }

        var after = ReadPartition(dir);
        if (!after.Valid && after != before)
        {
            Warnings($"the kernel did not make {dir} a cpuset partition root ({after}): host tasks may still run on subOS CPUs, which are exclusive in the ledger only");
        }
    }

    private void EnableControllers(string dir, IEnumerable<string> controllers)
    {
        var file = Path.Combine(dir, "cgroup.subtree_control");
        var current = (ReadOrNull(file) ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var missing = controllers.Where(c => !current.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            var value = string.Join(' ', missing.Select(c => "+" + c));
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

        // Before any task joins: a partition takes its CPUs from the parent only while nothing else runs there.
        MakePartition(name, cpus);
        SetMemory(name, memory);
        var swap = Path.Combine(dir, "memory.swap.max");
        if (Kernel.FileExists(swap))
        {
            // Swap would let a subOS use more memory than it owns, at the host's expense.
            Write(swap, "0");
        }
    }

    /// <summary>Makes a new subOS group an isolated partition of <paramref name="cpus"/>, where the kernel offers partitions.</summary>
    private void MakePartition(string name, CpuSet cpus)
    {
        var dir = Dir(name);
        var file = Path.Combine(dir, PartitionFile);
        if (!Kernel.FileExists(file))
        {
            return;
        }

        // The exclusivity rule covers groups the ledger does not know (another tool's partition): a refusal
        // leaves the subOS a member, as where there are no partitions.
        var exclusive = Path.Combine(dir, ExclusiveFile);
        string? refusal = null;
        if (Kernel.FileExists(exclusive) && !TryRequest(exclusive, cpus.ToString(), out refusal))
        {
            Warnings($"subOS '{name}': the kernel refused its CPUs as exclusive ({refusal}): host tasks may still run on its CPUs, which are exclusive in the ledger only");
            return;
        }

        if (!TryRequest(file, "isolated", out _))
        {
            // Linux before 6.1 knows only "root" (EINVAL for "isolated"): the CPUs are still the subOS's own, but the
            // scheduler balances its tasks across them. Said once: the first subOS made a root partition says it.
            var first = !Children().Any(c => c != name && ReadPartition(Dir(c)).Kind == PartitionKind.Root);
            if (!TryRequest(file, "root", out refusal))
            {
                // Before 6.1 the kernel also refuses, rather than records, a partition it cannot honour.
                Warnings($"subOS '{name}': the kernel refused its cpuset partition ({refusal}): host tasks may still run on its CPUs, which are exclusive in the ledger only");
                return;
            }

            if (first)
            {
                Warnings("this kernel has no isolated cpuset partitions (Linux 6.1 or later has them): subOSes are root partitions, whose CPUs the scheduler balances");
            }
        }

        var state = ReadPartition(dir);
        if (!state.Valid)
        {
            Warnings($"subOS '{name}': the kernel did not make its cpuset a partition ({state}): host tasks may still run on its CPUs, which are exclusive in the ledger only");
        }
    }

    /// <summary>Writes a partition request below the prefix; false, with the kernel's words, when the kernel refused it.</summary>
    /// <exception cref="GuardViolationException">The file does not lie below the prefix; nothing was written.</exception>
    private bool TryRequest(string file, string value, out string? refusal)
    {
        try
        {
            Kernel.Write(Guard.CheckInside(file), value);
            refusal = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            refusal = e.Message;
            return false;
        }
    }

    private void RestrictDevices(string name)
    {
        var dir = Guard.CheckInside(Dir(name));
        try
        {
            // Create may run again on a half-made group (repair): one copy of the program is enough.
            var tags = DeviceProgram.Tags(DeviceProgram.Generate(DevicePolicy.Minimal));
            if (!Kernel.DevicePrograms(dir).Any(p => tags.Contains(p.Tag)))
            {
                Kernel.AttachDeviceProgram(dir, DevicePolicy.Minimal);
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

    /// <remarks>
    /// The wider program is attached before the minimal one is detached: while both are attached an access needs both
    /// to allow it, so at no moment does the group allow more than the wider policy, nor lose its rules.
    /// </remarks>
    public override void AllowDevice(string name, DeviceRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var dir = Guard.CheckInside(Dir(name));
        IReadOnlyList<DeviceRule> wider = [.. DevicePolicy.Minimal, rule];
        try
        {
            var minimal = DeviceProgram.Tags(DeviceProgram.Generate(DevicePolicy.Minimal));
            var widerTags = DeviceProgram.Tags(DeviceProgram.Generate(wider));
            var attached = Kernel.DevicePrograms(dir);
            if (!attached.Any(p => widerTags.Contains(p.Tag)))
            {
                Kernel.AttachDeviceProgram(dir, wider);
            }

            foreach (var program in attached.Where(p => minimal.Contains(p.Tag)))
            {
                Kernel.DetachDeviceProgram(dir, program.Id);
            }
        }
        catch (LinuxException e) when (CgroupDevicePrograms.IsUnavailable(e))
        {
            // Create already warned that the group has no device rules: the device is open anyway.
        }
        catch (LinuxException e)
        {
            throw new LinuxException($"cannot allow {rule} in {dir}: {e.Message}", e.Errno, e.Operation, dir, e);
        }
    }

    public override string? DeviceRules(string name)
    {
        var dir = Dir(name);
        if (!Kernel.DirectoryExists(dir))
        {
            return null;
        }

        var known = DevicePolicy.Known.Select(policy => (Policy: policy, Tags: DeviceProgram.Tags(DeviceProgram.Generate(policy)))).ToList();
        var programs = Kernel.DevicePrograms(dir);
        return programs.Count == 0
            ? null
            : Describe([.. programs.Select(p => known.FirstOrDefault(k => k.Tags.Contains(p.Tag)).Policy is { } policy
                ? $"allows {string.Join(", ", policy)}"
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

    public override string? MakeHostGroup(string name, CpuSet hostCpus, CpuSet online, string mems)
    {
        EnsureParent(online.Except(hostCpus), mems);
        var prefix = ParentPartition();
        if (prefix.Isolates())
        {
            // The partition root already keeps host tasks on the other CPUs; none needs to move.
            return null;
        }

        if (prefix.Kind != PartitionKind.None)
        {
            // A group of host tasks below the prefix would run on the subOSes' CPUs once the partition became valid.
            var file = Path.Combine(Dir(), PartitionFile);
            throw new LinuxException($"cannot confine the host: the kernel did not make {Dir()} a cpuset partition root ({prefix})", Interop.Errno.EINVAL, "write", file);
        }

        CreateCpusetOnly(name, hostCpus, mems);
        return ProcsFiles(name)[0];
    }

    public override void SetCpus(string name, CpuSet cpus, string mems)
    {
        var dir = Dir(name);
        var oldMems = ReadOrNull(Path.Combine(dir, "cpuset.mems")) ?? string.Empty;
        Write(Path.Combine(dir, "cpuset.mems"), CpuSet.Parse(oldMems).Union(CpuSet.Parse(mems)).ToString());
        var partition = ReadPartition(dir);
        if (partition.Kind is PartitionKind.Root or PartitionKind.Isolated)
        {
            MovePartition(name, partition, cpus);
        }
        else
        {
            Write(Path.Combine(dir, "cpuset.cpus"), cpus.ToString());
        }

        if (oldMems != mems)
        {
            Write(Path.Combine(dir, "cpuset.mems"), mems);
        }
    }

    /// <summary>Moves a partition to <paramref name="cpus"/>: it gives back what it loses before it takes what it gains.</summary>
    /// <remarks>
    /// With <c>cpuset.cpus.exclusive</c> the partition is its exclusive CPUs, which stay a subset of <c>cpuset.cpus</c>
    /// throughout: exclusive shrinks to the CPUs it keeps (the rest return to the prefix's partition), then
    /// <c>cpuset.cpus</c> becomes the new set, then exclusive grows to it (taking the new CPUs from the prefix). A
    /// partition that keeps none of its CPUs cannot hand all of them over at once (an empty partition is invalid), so it
    /// becomes a member for the move and a partition again after it. Without the exclusive file (Linux before 6.7) the
    /// kernel moves the partition with <c>cpuset.cpus</c> itself. A refused write puts the partition back as it was.
    /// </remarks>
    private void MovePartition(string name, PartitionState before, CpuSet cpus)
    {
        var dir = Dir(name);
        var cpusFile = Path.Combine(dir, "cpuset.cpus");
        var exclusiveFile = Path.Combine(dir, ExclusiveFile);
        var partitionFile = Path.Combine(dir, PartitionFile);
        var kind = before.Kind.ToString().ToLowerInvariant();
        if (!Kernel.FileExists(exclusiveFile))
        {
            Write(cpusFile, cpus.ToString());
        }
        else
        {
            var oldCpus = ReadOrNull(cpusFile) ?? string.Empty;
            var oldExclusive = ReadOrNull(exclusiveFile) ?? string.Empty;
            var keep = CpuSet.Parse(oldExclusive.Length > 0 ? oldExclusive : oldCpus).Intersect(cpus);
            try
            {
                if (keep.IsEmpty)
                {
                    Write(partitionFile, "member");
                    Write(exclusiveFile, string.Empty);
                    Write(cpusFile, cpus.ToString());
                    Write(exclusiveFile, cpus.ToString());
                    Write(partitionFile, kind);
                }
                else
                {
                    Write(exclusiveFile, keep.ToString());
                    Write(cpusFile, cpus.ToString());
                    Write(exclusiveFile, cpus.ToString());
                }
            }
            catch (LinuxException)
            {
                // Nothing may move: the partition takes back what it had, in an order that is valid from any step above.
                foreach (var (file, value) in new[] { (exclusiveFile, string.Empty), (cpusFile, oldCpus), (exclusiveFile, oldExclusive), (partitionFile, kind) })
                {
                    try
                    {
                        Write(file, value);
                    }
                    catch (LinuxException)
                    {
                        // Best effort: the caller reports the first failure, and reconcile compares the cpuset later.
                    }
                }

                throw;
            }
        }

        var after = ReadPartition(dir);
        if (!after.Valid && after != before)
        {
            Warnings($"subOS '{name}': after the move to CPUs {cpus} the kernel reports its cpuset partition as {after}: host tasks may run on its CPUs");
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
        if (excess > 0 && Kernel.FileExists(reclaim))
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

    private long Usage(string dir) => ParseLimit(ReadOrNull(Path.Combine(dir, "memory.current")))?.Bytes ?? 0;

    public override bool SetPids(string name, long max)
    {
        // pids.max exists once the pids controller is enabled in the prefix group's subtree_control.
        var file = Path.Combine(Dir(name), "pids.max");
        if (!Kernel.FileExists(file))
        {
            return false;
        }

        Write(file, max.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    public override long? ReadPidsLimit(string name) => ParsePidsMax(ReadOrNull(Path.Combine(Dir(name), "pids.max")));

    public override bool SetFrozen(string name, bool frozen)
    {
        var file = Path.Combine(Dir(name), "cgroup.freeze");
        if (!Kernel.FileExists(file))
        {
            return false;
        }

        Write(file, frozen ? "1" : "0");
        return true;
    }

    public override bool? ReadFrozen(string name) => ReadOrNull(Path.Combine(Dir(name), "cgroup.freeze")) switch
    {
        null => null,
        var v => v == "1",
    };

    public override bool SetCpuQuota(string name, double? cpus)
    {
        var file = Path.Combine(Dir(name), "cpu.max");
        if (!Kernel.FileExists(file) && !EnableCpuController(file))
        {
            return false;
        }

        var period = CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture);
        Write(file, cpus is { } c ? $"{QuotaMicroseconds(c).ToString(CultureInfo.InvariantCulture)} {period}" : $"max {period}");
        return true;
    }

    public override bool SetCpuIdle(string name, bool idle)
    {
        var file = Path.Combine(Dir(name), "cpu.idle");
        if (!Kernel.FileExists(file) && !EnableCpuController(file))
        {
            return false;
        }

        Write(file, idle ? "1" : "0");
        return true;
    }

    public override bool? ReadCpuIdle(string name) => ReadOrNull(Path.Combine(Dir(name), "cpu.idle")) switch
    {
        null => null,
        var v => v == "1",
    };

    public override void SetShared(string name, bool shared, CpuSet cpus)
    {
        var dir = Dir(name);
        var partitionFile = Path.Combine(dir, PartitionFile);
        if (!Kernel.FileExists(partitionFile))
        {
            return;
        }

        if (!shared)
        {
            // Its own CPUs first: the partition is made of cpuset.cpus (and cpuset.cpus.exclusive from 6.7).
            Write(Path.Combine(dir, "cpuset.cpus"), cpus.ToString());
            if (ReadPartition(dir).Kind == PartitionKind.Member)
            {
                MakePartition(name, cpus);
            }

            return;
        }

        if (ReadPartition(dir).Kind != PartitionKind.Member)
        {
            // A member gives its CPUs back to the prefix's partition, whose members may all name them.
            Write(partitionFile, "member");
            var exclusive = Path.Combine(dir, ExclusiveFile);
            if (Kernel.FileExists(exclusive))
            {
                Write(exclusive, string.Empty);
            }
        }
    }

    /// <summary>Enables the cpu controller down to the subOS groups; true when <paramref name="file"/> exists afterwards.</summary>
    private bool EnableCpuController(string file)
    {
        if (!CgroupLayout.ReadControllers(Kernel, _root).Contains("cpu"))
        {
            return false;
        }

        // Enabled on first use, down from the root, so that a host where it cannot be enabled still creates subOSes.
        EnableControllers(_root, CgroupLayout.V2OnDemand);
        EnableControllers(Dir(), CgroupLayout.V2OnDemand);
        return Kernel.FileExists(file);
    }

    public override double? ReadCpuQuota(string name)
    {
        var fields = ReadOrNull(Path.Combine(Dir(name), "cpu.max"))?.Split(' ');
        return fields is [var quota, var period] && long.TryParse(quota, CultureInfo.InvariantCulture, out var q) && long.TryParse(period, CultureInfo.InvariantCulture, out var p) && p > 0
            ? (double)q / p
            : null;
    }

    public override IReadOnlyList<string> ProcsFiles(string name) => [Path.Combine(Dir(name), "cgroup.procs")];

    public override bool Exists(string name) => Kernel.DirectoryExists(Dir(name));

    public override CgroupState Read(string name)
    {
        var dir = Dir(name);
        return new CgroupState(
            CpuSet.Parse(ReadOrNull(Path.Combine(dir, "cpuset.cpus")) ?? string.Empty),
            ReadOrNull(Path.Combine(dir, "cpuset.mems")) ?? string.Empty,
            ParseLimit(ReadOrNull(Path.Combine(dir, "memory.max"))),
            new ByteSize(ParseLimit(ReadOrNull(Path.Combine(dir, "memory.current")))?.Bytes ?? 0),
            Pids(name))
        {
            Partition = ReadPartition(dir),
        };
    }

    public override CgroupUsage ReadUsage(string name)
    {
        var dir = Dir(name);

        // cpu.stat's usage is kept for every group; throttling only where the cpu controller is enabled.
        var cpu = ParseKeyed(ReadOrNull(Path.Combine(dir, "cpu.stat")));
        var events = ParseKeyed(ReadOrNull(Path.Combine(dir, "memory.events")));
        return new CgroupUsage(
            cpu.TryGetValue("usage_usec", out var usage) ? usage / 1e6 : null,
            cpu.TryGetValue("throttled_usec", out var throttled) ? throttled / 1e6 : null,
            ParseLimit(ReadOrNull(Path.Combine(dir, "memory.max")))?.Bytes,
            ParseLimit(ReadOrNull(Path.Combine(dir, "memory.current")))?.Bytes ?? 0,
            events.TryGetValue("max", out var max) ? max : null,
            events.TryGetValue("oom_kill", out var kills) ? kills : null,
            ParseCount(ReadOrNull(Path.Combine(dir, "pids.current"))) ?? Pids(name).Count,
            ParsePidsMax(ReadOrNull(Path.Combine(dir, "pids.max"))));
    }

    public override PartitionState ParentPartition() => ReadPartition(Dir());

    private PartitionState ReadPartition(string dir) => PartitionState.Parse(ReadOrNull(Path.Combine(dir, PartitionFile)));

    public override IReadOnlyList<int> Pids(string name) => ReadPids(Path.Combine(Dir(name), "cgroup.procs"));

    protected override void KillGroup(string name)
    {
        // cgroup.kill (Linux 5.14+) kills the whole subtree atomically, racing no fork.
        var kill = Path.Combine(Dir(name), "cgroup.kill");
        if (Kernel.FileExists(kill))
        {
            Write(kill, "1");
            return;
        }

        KillMembers(name);
    }

    protected override void MoveGroupTasksToRoot(string name)
    {
        foreach (var pid in Pids(name))
        {
            TryMove(Path.Combine(_root, "cgroup.procs"), pid);
        }
    }

    public override IReadOnlyList<string> Children() => Kernel.DirectoryNames(Dir());

    public override IReadOnlyList<string> ParentDirectories() => [Dir()];

    protected override IReadOnlyList<string> GroupDirectories(string name) => [Dir(name)];
}
