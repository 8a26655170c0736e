using System.Globalization;
using RainForest.Core;
using RainForest.Linux;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Kernel;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Host;

/// <summary>
/// <c>rfm init --confine-host</c>: moves every user task, the unbound workqueues and the IRQ
/// affinities onto the supervisor's CPUs, so that subOS CPUs run only subOS work. Every value it
/// changes is saved in the ledger first, and <see cref="Release"/> puts them back.
/// </summary>
/// <remarks>
/// Every /proc and /sys file goes through the injected <see cref="KernelFiles"/>, so tests run it against
/// a fixture kernel; it touches the real machine only through <see cref="KernelFiles.Host"/>.
/// </remarks>
public sealed class HostConfinement
{
    // PF_KTHREAD in /proc/PID/stat's flags: kernel threads are pinned by the kernel itself.
    private const long KernelThreadFlag = 0x00200000;
    private const string WorkqueueMask = "/sys/devices/virtual/workqueue/cpumask";
    private readonly KernelFiles _kernel;
    private readonly CgroupDriver _cgroups;
    private readonly ResourceLedger _ledger;

    /// <summary>Creates the confinement for the kernel's files, the supervisor's cgroups and its ledger.</summary>
    public HostConfinement(KernelFiles kernel, CgroupDriver cgroups, ResourceLedger ledger)
    {
        _kernel = kernel;
        _cgroups = cgroups;
        _ledger = ledger;
    }

    /// <summary>What one confinement did.</summary>
    /// <param name="TasksMoved">User tasks moved into the supervisor's group.</param>
    /// <param name="TasksSkipped">Tasks that vanished or refused to move.</param>
    /// <param name="IrqsSteered">IRQs whose affinity now is the supervisor's CPUs.</param>
    /// <param name="IrqsSkipped">IRQs the kernel would not steer (per-CPU or managed ones).</param>
    public sealed record Result(int TasksMoved, int TasksSkipped, int IrqsSteered, int IrqsSkipped);

    /// <summary>Confines the host to <paramref name="supervisorCpus"/> (inside the ledger's write transaction).</summary>
    public Result Confine(CpuSet supervisorCpus, CpuSet online)
    {
        if (supervisorCpus.IsEmpty)
        {
            throw RfException.Invalid("--confine-host needs a CPU reserve (--reserve-cpus): host tasks must run somewhere");
        }

        // Null where a cgroup v2 partition root keeps host tasks off the subOSes' CPUs: then none is moved.
        var procsFile = _cgroups.MakeHostGroup(RainForestSupervisor.SupervisorGroup, supervisorCpus, online, "0");
        try
        {
            var (moved, skipped) = procsFile is null ? (0, 0) : MoveTasks(procsFile);
            ConfineWorkqueues(supervisorCpus);
            var (steered, irqSkipped) = SteerIrqs(supervisorCpus);
            return new Result(moved, skipped, steered, irqSkipped);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Every change so far is saved in this transaction: put it all back before it rolls back.
            Release();
            throw RfException.Failed($"--confine-host failed and was undone: {e.Message}");
        }
    }

    private (int Moved, int Skipped) MoveTasks(string procsFile)
    {
        var moved = 0;
        var skipped = 0;
        var procDir = _kernel.PathOf("/proc");
        foreach (var name in _kernel.DirectoryNames(procDir))
        {
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var dir = Path.Combine(procDir, name);
            var fields = ProcessInfo.ParseStatFields(ReadOrNull(Path.Combine(dir, "stat")));
            if (fields is null || (long.Parse(fields[6], CultureInfo.InvariantCulture) & KernelThreadFlag) != 0)
            {
                continue;
            }

            var cpusetPath = CpusetCgroupOf(dir);
            if (cpusetPath is null || cpusetPath.Contains("/" + _cgroups.Prefix + "/", StringComparison.Ordinal)
                || cpusetPath.EndsWith("/" + _cgroups.Prefix, StringComparison.Ordinal))
            {
                // Already a subOS's or the supervisor's: subOS processes stay where they are.
                continue;
            }

            try
            {
                _ledger.SaveHostSetting("task", pid.ToString(CultureInfo.InvariantCulture), cpusetPath);
                _kernel.Write(procsFile, pid.ToString(CultureInfo.InvariantCulture));
                moved++;
            }
            catch (IOException)
            {
                skipped++;
            }
        }

        return (moved, skipped);
    }

    private string? CpusetCgroupOf(string procDir)
    {
        if (ReadOrNull(Path.Combine(procDir, "cgroup")) is not { } text)
        {
            return null;
        }

        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // v1 lines name their controllers ("3:cpuset:/path"); the v2 line is "0::/path".
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && (parts[1].Split(',').Contains("cpuset") || (parts[0] == "0" && parts[1].Length == 0)))
            {
                return parts[2];
            }
        }

        return "/";
    }

    /// <summary>A /proc file of a task, or null when the task is gone (or never readable).</summary>
    private string? ReadOrNull(string file)
    {
        try
        {
            return _kernel.ReadText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void ConfineWorkqueues(CpuSet cpus)
    {
        var file = _kernel.PathOf(WorkqueueMask);
        if (!_kernel.FileExists(file))
        {
            return;
        }

        var old = _kernel.ReadText(file) ?? throw new FileNotFoundException($"{file} vanished", file);
        _ledger.SaveHostSetting("workqueue", "cpumask", old.Trim());
        _kernel.Write(file, HexMask(cpus));
    }

    private (int Steered, int Skipped) SteerIrqs(CpuSet cpus)
    {
        var steered = 0;
        var skipped = 0;
        var irqDir = _kernel.PathOf("/proc/irq");
        foreach (var irq in _kernel.DirectoryNames(irqDir))
        {
            var file = Path.Combine(irqDir, irq, "smp_affinity_list");
            if (!_kernel.FileExists(file))
            {
                continue;
            }

            try
            {
                var old = (_kernel.ReadText(file) ?? throw new FileNotFoundException($"IRQ {irq} vanished", file)).Trim();
                if (old == cpus.ToString())
                {
                    continue;
                }

                _ledger.SaveHostSetting("irq", irq, old);
                _kernel.Write(file, cpus.ToString());
                steered++;
            }
            catch (IOException)
            {
                // Per-CPU and kernel-managed IRQs refuse new affinities (EIO); they stay as they are.
                skipped++;
            }
        }

        return (steered, skipped);
    }

    /// <summary>
    /// Puts back every saved host setting, moves confined tasks to their old cpuset groups and every task
    /// started since (still in the supervisor's group) to the root group, then removes that group without killing anything.
    /// </summary>
    public void Release()
    {
        foreach (var (kind, key, value) in _ledger.SavedHostSettings())
        {
            try
            {
                switch (kind)
                {
                    case "irq":
                        _kernel.Write(_kernel.PathOf($"/proc/irq/{key}/smp_affinity_list"), value);
                        break;
                    case "workqueue":
                        _kernel.Write(_kernel.PathOf(WorkqueueMask), value);
                        break;
                    case "task":
                        RestoreTask(int.Parse(key, CultureInfo.InvariantCulture), value);
                        break;
                }
            }
            catch (IOException)
            {
                // The IRQ or task is gone; nothing to put back.
            }
        }

        _cgroups.MoveTasksToRoot(RainForestSupervisor.SupervisorGroup);

        _ledger.ClearHostSettings();
    }

    private void RestoreTask(int pid, string cgroupPath)
    {
        var parent = _cgroups.ParentDirectories()[0];
        var mount = Path.GetDirectoryName(parent) ?? parent;
        var file = Path.Combine(mount, cgroupPath.TrimStart('/'), "cgroup.procs");
        if (_kernel.FileExists(file))
        {
            _kernel.Write(file, pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Formats a CPU set as the kernel's comma-separated 32-bit hex mask (<c>00000000,0000000f</c>).</summary>
    public static string HexMask(CpuSet cpus)
    {
        var words = cpus.IsEmpty ? 1 : (cpus.Max() / 32) + 1;
        var mask = new uint[words];
        foreach (var cpu in cpus)
        {
            mask[cpu / 32] |= 1u << (cpu % 32);
        }

        return string.Join(',', mask.Reverse().Select(w => w.ToString("x8", CultureInfo.InvariantCulture)));
    }
}
