using System.Globalization;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Guard;
using RainForest.Linux.Kernel;

namespace RainForest.Linux.Cgroups;

/// <summary>
/// Creates and adjusts the cgroups of one supervisor: a group named by the supervisor's prefix,
/// and below it one group per subOS. Every file goes through the injected <see cref="KernelFiles"/>:
/// the running kernel's, or in tests a fixture that behaves like it, so both run the same code.
/// </summary>
/// <remarks>
/// The driver never touches cgroups outside its prefix except, on cgroup v2, to enable the
/// controllers it needs in the parent's <c>cgroup.subtree_control</c>, which the kernel requires,
/// and to move released host tasks back to the root of a hierarchy. A <see cref="PrefixGuard"/> over
/// <see cref="ParentDirectories"/> enforces this: every group a method kills in, removes, moves tasks
/// out of, creates or writes is proven to lie below the prefix first, and every name must be one path
/// component, so <c>..</c> can never reach the root groups and the host's tasks.
/// </remarks>
public abstract class CgroupDriver
{
    private PrefixGuard? _guard;

    /// <summary>Creates the driver for a layout on the kernel's files.</summary>
    protected CgroupDriver(KernelFiles kernel, CgroupLayout layout, string prefix)
    {
        Kernel = kernel;
        Layout = layout;
        Prefix = prefix;
    }

    /// <summary>The kernel's files the driver reads and writes.</summary>
    public KernelFiles Kernel { get; }

    /// <summary>The layout the driver works on.</summary>
    public CgroupLayout Layout { get; }

    /// <summary>The supervisor's prefix: the name of its parent group.</summary>
    public string Prefix { get; }

    /// <summary>Returns the driver for the layout (v1 and hybrid share one) on the kernel's files.</summary>
    public static CgroupDriver For(KernelFiles kernel, CgroupLayout layout, string prefix) =>
        layout.Mode == CgroupMode.V2 ? new CgroupV2Driver(kernel, layout, prefix) : new CgroupV1Driver(kernel, layout, prefix);

    /// <summary>Returns the driver for the layout on the running kernel's files (<see cref="KernelFiles.Host"/>).</summary>
    public static CgroupDriver For(CgroupLayout layout, string prefix) => For(KernelFiles.Host, layout, prefix);

    /// <summary>Creates the prefix group (if needed) able to hold children on <paramref name="cpus"/> and <paramref name="mems"/>.</summary>
    public abstract void EnsureParent(CpuSet cpus, string mems);

    /// <summary>Creates the group of a subOS with its CPUs, memory nodes and memory size.</summary>
    public abstract void Create(string name, CpuSet cpus, string mems, ByteSize memory);

    /// <summary>Creates a group holding only a cpuset (the supervisor's own group for host tasks); no memory limit.</summary>
    public abstract void CreateCpusetOnly(string name, CpuSet cpus, string mems);

    /// <summary>
    /// Prepares <c>--confine-host</c>: makes the prefix group and, below it, the group <paramref name="name"/> that
    /// holds the host's tasks on <paramref name="hostCpus"/>. Returns the <c>cgroup.procs</c> file that moves a task
    /// into that group, or null where the prefix group is a cpuset partition root: the kernel then already keeps every
    /// host task off the other CPUs, and a group of host tasks inside the partition would put them back on.
    /// </summary>
    /// <exception cref="LinuxException">The kernel refused a write, or did not make the partition it offers.</exception>
    public abstract string? MakeHostGroup(string name, CpuSet hostCpus, CpuSet online, string mems);

    /// <summary>Changes a subOS's CPUs and memory nodes; the kernel moves its threads before this returns.</summary>
    public abstract void SetCpus(string name, CpuSet cpus, string mems);

    /// <summary>Changes a subOS's memory size (limit and protection).</summary>
    public abstract void SetMemory(string name, ByteSize memory);

    /// <summary>
    /// Shrinks a subOS's memory only if what it uses fits without an OOM kill: the kernel reclaims for at most
    /// <paramref name="budget"/>; then the new size is written and the result is true, or nothing was changed
    /// (the limit is as before) and the result is false.
    /// </summary>
    public abstract bool TryShrinkMemory(string name, ByteSize memory, TimeSpan budget);

    /// <summary>
    /// Shrinks a subOS's memory even below what its programs use (<c>rfm resize --force</c>): programs are
    /// OOM-killed, the one with the highest <c>oom_score</c> first, until the rest fit; the processes in
    /// <paramref name="spared"/> (the agent) are never killed.
    /// </summary>
    /// <exception cref="LinuxException">It still does not fit once nothing killable is left (memory held by files in its tmpfs).</exception>
    public abstract void ForceMemory(string name, ByteSize memory, IReadOnlySet<int> spared, TimeSpan budget);

    /// <summary>
    /// The process the kernel's OOM killer would pick among <paramref name="pids"/>: the highest
    /// <c>/proc/PID/oom_score</c>, leaving out <paramref name="spared"/> and those at -1000; null when none is left.
    /// </summary>
    protected int? OomVictim(IEnumerable<int> pids, IReadOnlySet<int> spared)
    {
        int? victim = null;
        var highest = -1;
        foreach (var pid in pids.Where(p => !spared.Contains(p)))
        {
            var adj = ReadOrNull(Kernel.PathOf($"/proc/{pid}/oom_score_adj"));
            var score = ReadOrNull(Kernel.PathOf($"/proc/{pid}/oom_score"));
            if (adj is null || score is null || adj == "-1000" || !int.TryParse(score, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            if (value > highest)
            {
                (victim, highest) = (pid, value);
            }
        }

        return victim;
    }

    /// <summary>
    /// Sets the subOS's pids limit: the most tasks (processes and threads) it may hold at once. False when the
    /// pids controller is not available, so that the caller can say so.
    /// </summary>
    public abstract bool SetPids(string name, long max);

    /// <summary>The subOS's pids limit as the kernel holds it; null without a pids controller or when unlimited.</summary>
    public abstract long? ReadPidsLimit(string name);

    /// <summary>What the subOS's group has used so far and holds now (CPU time, throttling, memory, OOM kills, tasks), for metrics.</summary>
    /// <remarks>Reads only; a counter the kernel does not keep here is null, never a guess.</remarks>
    public abstract CgroupUsage ReadUsage(string name);

    /// <summary>The CFS period a CPU quota is expressed over: 100 ms, the kernel's default.</summary>
    public const int CpuPeriodMicroseconds = 100_000;

    /// <summary>
    /// Freezes every process of the subOS (a parked donor holds no CPU) or thaws them: <c>freezer.state</c>
    /// FROZEN/THAWED on cgroup v1, <c>cgroup.freeze</c> 1/0 on v2. False where there is no freezer (v1 without the hierarchy,
    /// or a group made before it was used), so that the caller can say so.
    /// </summary>
    public abstract bool SetFrozen(string name, bool frozen);

    /// <summary>Whether the kernel holds the subOS frozen (or freezing); null where there is no freezer.</summary>
    public abstract bool? ReadFrozen(string name);

    /// <summary>
    /// Limits the subOS's CPU time to <paramref name="cpus"/> CPUs' worth per period (0.5: half a CPU), or lifts the
    /// limit (null): <c>cpu.cfs_quota_us</c> on v1, <c>cpu.max</c> on v2. False where there is no cpu controller for it.
    /// </summary>
    public abstract bool SetCpuQuota(string name, double? cpus);

    /// <summary>The subOS's CPU time limit in CPUs; null when unlimited or without a cpu controller.</summary>
    public abstract double? ReadCpuQuota(string name);

    /// <summary>
    /// Puts the subOS's processes in the scheduler's idle class as a group (<c>cpu.idle</c> 1, Linux 5.15 or later; both
    /// cgroup versions), or back to normal (0): a normal task waking on a CPU the group runs on preempts it at once, so
    /// the group may share CPUs it does not own without delaying their owner. False where there is no
    /// <c>cpu.idle</c> for it.
    /// </summary>
    /// <remarks>
    /// The idle class only ranks a group among its siblings. Below the prefix group that makes the subOS idle against
    /// the other subOSes, while the prefix group itself, always runnable while the borrower is, still competes at the
    /// root as an ordinary entity with the host's tasks on the lender's CPUs (the LC's clients, its softirq threads).
    /// cgroup v1 keeps the cpu controller in a hierarchy of its own, so there the driver also moves the subOS's tasks
    /// (cpu hierarchy only) into a group below a root-level idle group, <c>PREFIX.idle/NAME</c>, idle against
    /// everything on the machine, and back when sharing ends. cgroup v2 has one hierarchy for every controller, and a
    /// subOS's tasks cannot leave its group for one controller: there it is idle among the subOSes only.
    /// </remarks>
    public abstract bool SetCpuIdle(string name, bool idle);

    /// <summary>Whether the subOS's group is in the idle class; null where there is no <c>cpu.idle</c>.</summary>
    public abstract bool? ReadCpuIdle(string name);

    /// <summary>
    /// Lets the subOS's cpuset overlap other subOSes' (<paramref name="shared"/>) or makes its CPUs exclusive again.
    /// Only cgroup v2 partitions keep cpusets apart in the kernel: a shared group leaves its partition (a member, its
    /// CPUs back in the prefix's partition, where a sibling's cpuset can reach them), and an unshared one becomes an
    /// isolated partition of <paramref name="cpus"/> again. On v1 and without partitions nothing changes: the ledger
    /// alone kept them apart.
    /// </summary>
    public virtual void SetShared(string name, bool shared, CpuSet cpus)
    {
    }

    /// <summary>A CPU count as a quota over <see cref="CpuPeriodMicroseconds"/> (at least the kernel's 1 ms).</summary>
    protected static long QuotaMicroseconds(double cpus) => Math.Max(1000, (long)Math.Round(cpus * CpuPeriodMicroseconds));

    /// <summary>The <c>cgroup.procs</c> files a process writes its pid to in order to join the subOS.</summary>
    public abstract IReadOnlyList<string> ProcsFiles(string name);

    /// <summary>True when the subOS's group exists in every hierarchy it needs.</summary>
    public abstract bool Exists(string name);

    /// <summary>Reads the subOS's cgroups back from the kernel, its cpuset partition included.</summary>
    public abstract CgroupState Read(string name);

    /// <summary>The prefix group's cpuset partition (cgroup v2): a valid root keeps host tasks off the subOSes' CPUs.</summary>
    public virtual PartitionState ParentPartition() => PartitionState.None;

    /// <summary>
    /// The device rules the kernel holds for the subOS, in one line for <c>rfm audit</c>; null when it holds none
    /// (access to every device is allowed, or the group or the mechanism is missing).
    /// </summary>
    /// <remarks>
    /// cgroup v1 reads the group's <c>devices.list</c> (<c>c 1:3 rwm; c 1:5 rwm; ...</c>). cgroup v2 asks the kernel
    /// which device programs are attached to the group's directory and says whether each is the one RainForest
    /// generates for <see cref="DevicePolicy.Minimal"/> (by the kernel's program tag).
    /// </remarks>
    /// <exception cref="GuardViolationException">The name is not one path component.</exception>
    /// <exception cref="LinuxException">cgroup v2: the kernel refused to say which programs are attached (no CAP_SYS_ADMIN).</exception>
    public abstract string? DeviceRules(string name);

    /// <summary>
    /// Allows the subOS's tasks one device beyond <see cref="DevicePolicy.Minimal"/>: one more rule in cgroup v1's
    /// devices group; on cgroup v2 a device program for the minimal policy with the rule, in place of the minimal one.
    /// </summary>
    public virtual void AllowDevice(string name, DeviceRule rule)
    {
    }

    /// <summary>
    /// Where the driver reports, one line each, what it could not do and went on without (the kernel refused a
    /// device program, say). Standard error by default.
    /// </summary>
    public Action<string> Warnings { get; set; } = static line => Console.Error.WriteLine("rfm: warning: " + line);

    /// <summary>Processes in the subOS's group.</summary>
    public abstract IReadOnlyList<int> Pids(string name);

    /// <summary>Kills every process in the subOS's group; each was started by this supervisor.</summary>
    /// <exception cref="GuardViolationException">The group does not lie below the prefix; nothing was killed.</exception>
    public void KillAll(string name)
    {
        CheckGroup(name);
        KillGroup(name);
    }

    /// <summary>Kills every process in a group that <see cref="CheckGroup"/> has proven to be below the prefix.</summary>
    protected abstract void KillGroup(string name);

    /// <summary>Names of the child groups under the prefix, in any hierarchy.</summary>
    public abstract IReadOnlyList<string> Children();

    /// <summary>Directories this supervisor's groups live in (for reports and cleanup checks).</summary>
    public abstract IReadOnlyList<string> ParentDirectories();

    /// <summary>The directories of the subOS's group, one per hierarchy.</summary>
    protected abstract IReadOnlyList<string> GroupDirectories(string name);

    /// <summary>
    /// Every group of this supervisor's that holds others: the <see cref="ParentDirectories"/>, and on cgroup v1 the
    /// root-level group of idle borrowers (<see cref="SetCpuIdle"/>).
    /// </summary>
    protected virtual IReadOnlyList<string> GuardRoots() => ParentDirectories();

    /// <summary>The guard over this driver's prefix groups (built on first use: the parent directories come from the subclass).</summary>
    protected PrefixGuard Guard => _guard ??= new PrefixGuard(GuardRoots(), Prefix);

    /// <summary>Proves that <paramref name="name"/> is one path component and that its group lies below the prefix in every hierarchy.</summary>
    /// <exception cref="GuardViolationException">It does not; nothing was touched.</exception>
    protected void CheckGroup(string name)
    {
        PrefixGuard.CheckComponent(name);
        foreach (var dir in GroupDirectories(name))
        {
            Guard.CheckInside(dir);
        }
    }

    /// <summary>
    /// Kills what is left in the group, waits for it to empty and removes it from every hierarchy.
    /// Missing directories are fine: removal is idempotent so that repair can call it on half-made groups.
    /// </summary>
    /// <exception cref="GuardViolationException">The group does not lie below the prefix; nothing was touched.</exception>
    public void Remove(string name, TimeSpan timeout)
    {
        CheckGroup(name);
        var deadline = DateTime.UtcNow + timeout;
        KillGroup(name);
        foreach (var dir in GroupDirectories(name))
        {
            RemoveDirectory(Guard.CheckInside(dir), deadline, () => KillGroup(name));
        }
    }

    /// <summary>
    /// Removes a group that should be empty without killing anything in it: for the supervisor's own
    /// group, which holds host tasks the supervisor did not start. Returns false when it still holds tasks.
    /// </summary>
    /// <exception cref="GuardViolationException">The group does not lie below the prefix; nothing was touched.</exception>
    public bool RemoveIfEmpty(string name)
    {
        CheckGroup(name);
        if (Pids(name).Count > 0)
        {
            return false;
        }

        foreach (var dir in GroupDirectories(name))
        {
            RemoveDirectory(Guard.CheckInside(dir), DateTime.UtcNow + TimeSpan.FromSeconds(1), static () => { });
        }

        return true;
    }

    /// <summary>Moves every task of a group to the root of its hierarchy (used to release host tasks).</summary>
    /// <exception cref="GuardViolationException">The group does not lie below the prefix; nothing was moved.</exception>
    public void MoveTasksToRoot(string name)
    {
        CheckGroup(name);
        MoveGroupTasksToRoot(name);
    }

    /// <summary>Moves the tasks of a group that <see cref="CheckGroup"/> has proven to be below the prefix.</summary>
    protected abstract void MoveGroupTasksToRoot(string name);

    /// <summary>Removes the prefix groups when no child is left; a no-op while children remain.</summary>
    /// <exception cref="GuardViolationException">A parent directory is not the guard's own root (a symlink swapped in).</exception>
    public void RemoveParentIfEmpty()
    {
        foreach (var parent in GuardRoots())
        {
            var dir = Guard.CheckRoot(parent);
            if (!Kernel.DirectoryExists(dir) || Kernel.DirectoryNames(dir).Count > 0)
            {
                continue;
            }

            try
            {
                RemoveDirectory(dir, DateTime.UtcNow + TimeSpan.FromSeconds(1), static () => { });
            }
            catch (LinuxException)
            {
                // Another supervisor command may have just created a child; the group stays.
            }
        }
    }

    /// <summary>Removes an empty group directory below the prefix, waiting a moment for exiting tasks to leave it; a missing one is fine.</summary>
    /// <exception cref="GuardViolationException">The directory does not lie below the prefix; nothing was removed.</exception>
    /// <exception cref="LinuxException">It still holds tasks or children.</exception>
    protected void RemoveGroupDirectory(string dir) => RemoveDirectory(Guard.CheckInside(dir), DateTime.UtcNow + TimeSpan.FromSeconds(1), static () => { });

    private void RemoveDirectory(string dir, DateTime deadline, Action retry)
    {
        var delay = 0;
        while (true)
        {
            try
            {
                if (!Kernel.DirectoryExists(dir))
                {
                    return;
                }

                // rmdir(2), though the directory still lists its control files: the kernel removes them with it.
                Kernel.RemoveDirectory(dir);
                return;
            }
            catch (IOException e) when (DateTime.UtcNow < deadline)
            {
                // EBUSY while exiting tasks are still charged to the group: they leave within milliseconds.
                _ = e;
                retry();
                Thread.Sleep(Math.Min(++delay, 10));
            }
            catch (IOException e)
            {
                throw new LinuxException($"cannot remove cgroup {dir}: {e.Message}", Interop.Errors.ErrnoOf(e), "rmdir", dir, e);
            }
        }
    }

    /// <summary>Writes a control file below the prefix, turning a kernel refusal into one clear line.</summary>
    /// <exception cref="GuardViolationException">The file does not lie below the prefix; nothing was written.</exception>
    protected void Write(string file, string value) => WriteFile(Guard.CheckInside(file), value, file);

    /// <summary>
    /// Writes a control file without the guard: only for the files the kernel makes a supervisor write
    /// outside its prefix (cgroup v2's <c>cgroup.subtree_control</c> at the mount root). Say why at each call.
    /// </summary>
    protected void WriteAnywhere(string file, string value) => WriteFile(file, value, file);

    private void WriteFile(string target, string value, string file)
    {
        try
        {
            Kernel.Write(target, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The error names the control file as the driver knows it, not where a symlink led.
            throw new LinuxException($"cannot write '{value.Trim()}' to {file}: {e.Message}", Interop.Errors.ErrnoOf(e), "write", file, e);
        }
    }

    /// <summary>Reads a control file, or null when it does not exist.</summary>
    protected string? ReadOrNull(string file) => Kernel.ReadText(file)?.Trim();

    /// <summary>Parses a <c>cgroup.procs</c> file.</summary>
    protected IReadOnlyList<int> ReadPids(string file)
    {
        var text = ReadOrNull(file);
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
    }

    /// <summary>Moves one task by writing its pid to a <c>cgroup.procs</c> file; a task that is gone is ignored.</summary>
    protected void TryMove(string procsFile, int pid)
    {
        try
        {
            // One pid per write: the kernel takes one per write.
            Kernel.Write(procsFile, pid.ToString(CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            // ESRCH: the task exited meanwhile.
        }
    }

    /// <summary>
    /// Kills the processes of a group <see cref="CheckGroup"/> has proven (all of them, or those of <paramref name="only"/>),
    /// without racing pid reuse: each is pinned by pidfd, the group is read again, and only a process whose pid is
    /// still in it is signalled (<see cref="PinnedProcesses"/>). A pid read once may belong to a host process by the
    /// time a plain kill(2) follows.
    /// </summary>
    protected void KillMembers(string name, IReadOnlyList<int>? only = null)
    {
        using var pinned = PinnedProcesses.Pin(only ?? Pids(name));
        if (pinned.Pids.Count > 0)
        {
            pinned.Kill(Pids(name).ToHashSet());
        }
    }

    /// <summary>Creates a group directory below the prefix, or the prefix group itself; the kernel fills it with its control files.</summary>
    /// <exception cref="GuardViolationException">The directory is neither; nothing was created.</exception>
    protected void MakeDirectory(string dir, bool prefixGroup = false)
    {
        dir = prefixGroup ? Guard.CheckRoot(dir) : Guard.CheckInside(dir);
        try
        {
            Kernel.CreateDirectory(dir);
        }
        catch (IOException e)
        {
            throw new LinuxException($"cannot create cgroup {dir}: {e.Message}", Interop.Errors.ErrnoOf(e), "mkdir", dir, e);
        }
    }

    /// <summary>Parses a flat keyed file (<c>cpu.stat</c>, <c>memory.events</c>, <c>memory.oom_control</c>): one <c>key value</c> per line.</summary>
    protected static Dictionary<string, long> ParseKeyed(string? text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                values[parts[0]] = value;
            }
        }

        return values;
    }

    /// <summary>Parses a single number (<c>memory.failcnt</c>, <c>pids.current</c>); null when missing.</summary>
    protected static long? ParseCount(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>
    /// CPU seconds of <paramref name="pids"/>: their own user and system time and that of the children they reaped
    /// (<c>/proc/PID/stat</c> fields 14 to 17), in USER_HZ ticks, 100 a second on Linux.
    /// </summary>
    /// <remarks>
    /// A subOS's agent is pid 1 inside and reaps every orphan, so its reaped-children time holds what exited; a
    /// process that exited but was not yet reaped counts nowhere until it is.
    /// </remarks>
    protected double ProcessCpuSeconds(IEnumerable<int> pids)
    {
        const double ticksPerSecond = 100;
        long ticks = 0;
        foreach (var pid in pids)
        {
            if (ProcessInfo.ParseStatFields(Kernel.ReadText(Kernel.PathOf($"/proc/{pid}/stat"))) is { Length: > 14 } fields)
            {
                for (var i = 11; i <= 14; i++)
                {
                    ticks += long.TryParse(fields[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var t) && t > 0 ? t : 0;
                }
            }
        }

        return ticks / ticksPerSecond;
    }

    /// <summary>Parses a pids.max file: a number, or null for "max" or a missing file.</summary>
    protected static long? ParsePidsMax(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max : null;

    /// <summary>Parses a memory limit file (<c>max</c> or a huge v1 number means unlimited).</summary>
    protected static ByteSize? ParseLimit(string? text)
    {
        if (text is null || text == "max" || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            || bytes >= long.MaxValue / 2)
        {
            return null;
        }

        return new ByteSize(bytes);
    }
}
