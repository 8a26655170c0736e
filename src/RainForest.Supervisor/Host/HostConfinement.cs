using System.Globalization;
using RainForest.Core;
using RainForest.Linux;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Host;

/// <summary>
/// <c>rfm init --confine-host</c>: moves every user task, the unbound workqueues and the IRQ
/// affinities onto the supervisor's CPUs, so that subOS CPUs run only subOS work. Every value it
/// changes is saved in the ledger first, and <see cref="Release"/> puts them back.
/// </summary>
/// <remarks>
/// All paths are under a host root so that tests run it against fixture /proc and /sys trees;
/// it touches the real machine only when that root is "/".
/// </remarks>
public sealed class HostConfinement
{
    // PF_KTHREAD in /proc/PID/stat's flags: kernel threads are pinned by the kernel itself.
    private const long KernelThreadFlag = 0x00200000;
    private readonly string _root;
    private readonly CgroupDriver _cgroups;
    private readonly ResourceLedger _ledger;

    /// <summary>Creates the confinement for a host root, the supervisor's cgroups and its ledger.</summary>
    public HostConfinement(string hostRoot, CgroupDriver cgroups, ResourceLedger ledger)
    {
        _root = hostRoot;
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

        _cgroups.EnsureParent(online, "0");
        _cgroups.CreateCpusetOnly(RainForestSupervisor.SupervisorGroup, supervisorCpus, "0");
        var procsFile = _cgroups.ProcsFiles(RainForestSupervisor.SupervisorGroup)[0];
        try
        {
            var (moved, skipped) = MoveTasks(procsFile);
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
        var procDir = Path.Combine(_root, "proc");
        foreach (var dir in Directory.EnumerateDirectories(procDir))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var fields = ProcessInfo.StatFields(pid, procDir);
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
                File.AppendAllText(procsFile, pid.ToString(CultureInfo.InvariantCulture) + "\n");
                moved++;
            }
            catch (IOException)
            {
                skipped++;
            }
        }

        return (moved, skipped);
    }

    private static string? CpusetCgroupOf(string procDir)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(procDir, "cgroup")))
            {
                // v1 lines name their controllers ("3:cpuset:/path"); the v2 line is "0::/path".
                var parts = line.Split(':', 3);
                if (parts.Length == 3 && (parts[1].Split(',').Contains("cpuset") || (parts[0] == "0" && parts[1].Length == 0)))
                {
                    return parts[2];
                }
            }
        }
        catch (IOException)
        {
            return null;
        }

        return "/";
    }

    private void ConfineWorkqueues(CpuSet cpus)
    {
        var file = Path.Combine(_root, "sys/devices/virtual/workqueue/cpumask");
        if (!File.Exists(file))
        {
            return;
        }

        _ledger.SaveHostSetting("workqueue", "cpumask", File.ReadAllText(file).Trim());
        File.WriteAllText(file, HexMask(cpus));
    }

    private (int Steered, int Skipped) SteerIrqs(CpuSet cpus)
    {
        var steered = 0;
        var skipped = 0;
        var irqDir = Path.Combine(_root, "proc/irq");
        if (!Directory.Exists(irqDir))
        {
            return (0, 0);
        }

        foreach (var dir in Directory.EnumerateDirectories(irqDir))
        {
            var file = Path.Combine(dir, "smp_affinity_list");
            if (!File.Exists(file))
            {
                continue;
            }

            try
            {
                var old = File.ReadAllText(file).Trim();
                if (old == cpus.ToString())
                {
                    continue;
                }

                _ledger.SaveHostSetting("irq", Path.GetFileName(dir), old);
                File.WriteAllText(file, cpus.ToString());
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
                        File.WriteAllText(Path.Combine(_root, "proc/irq", key, "smp_affinity_list"), value);
                        break;
                    case "workqueue":
                        File.WriteAllText(Path.Combine(_root, "sys/devices/virtual/workqueue/cpumask"), value);
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
        if (File.Exists(file) || !file.StartsWith("/sys/", StringComparison.Ordinal))
        {
            File.AppendAllText(file, pid.ToString(CultureInfo.InvariantCulture) + "\n");
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
