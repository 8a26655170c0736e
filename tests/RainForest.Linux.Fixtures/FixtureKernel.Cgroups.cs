using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RainForest.Linux.Fixtures;

/// <summary>The fixture kernel's cgroup file systems: groups, tasks, controllers, limits and device rules.</summary>
public sealed partial class FixtureKernel
{
    // v1 prints an unlimited memory limit as the largest page-aligned long.
    private const string V1Unlimited = "9223372036854771712";

    // PID_MAX_LIMIT on 64-bit: no process has a pid above it, so a test may plant such pids as text for the parsers.
    private const int PidMaxLimit = 4 * 1024 * 1024;

    // The start time of each process a write made a task, by pid. The kernel drops a task from its group when it exits;
    // the fixture's files keep the pid, so a pid counts as the task only while a process with that pid and that start
    // time runs: a process that took the pid later, perhaps another test's or the session's, is never listed, and so is
    // never signalled by a removal that kills what its group lists.
    private readonly ConcurrentDictionary<int, long> _taskStarts = new();

    // The order the kernel lists controllers in (its subsystem ids), whatever order they were enabled in.
    private static readonly string[] s_controllerOrder = ["cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"];

    /// <summary>Fills a new group with the control files the kernel gives it.</summary>
    private void PopulateGroup(CgroupMount mount, string dir)
    {
        var parent = Path.GetDirectoryName(dir)!;
        Plant(dir, "cgroup.procs", string.Empty);
        if (!mount.IsV2)
        {
            Plant(dir, "tasks", string.Empty);
            foreach (var controller in mount.Controllers)
            {
                PlantController(dir, controller, v2: false, parent);
            }

            return;
        }

        var enabled = Get(parent, "cgroup.subtree_control") ?? string.Empty;
        Plant(dir, "cgroup.controllers", enabled);
        Plant(dir, "cgroup.subtree_control", string.Empty);
        Plant(dir, "cgroup.events", "populated 0\nfrozen 0\n");
        Plant(dir, "cgroup.freeze", "0");
        if (CgroupKill)
        {
            Plant(dir, "cgroup.kill", string.Empty);
        }

        foreach (var controller in Words(enabled))
        {
            PlantController(dir, controller, v2: true, parent);
        }

        RecomputeCpusets(mount);
    }

    private void PlantController(string dir, string controller, bool v2, string parent)
    {
        switch (controller, v2)
        {
            case ("cpuset", false):
                // A v1 cpuset starts empty: it takes no task until cpus and mems are written.
                Plant(dir, "cpuset.cpus", string.Empty);
                Plant(dir, "cpuset.mems", string.Empty);
                Plant(dir, "cpuset.effective_cpus", string.Empty);
                Plant(dir, "cpuset.cpu_exclusive", "0");
                break;
            case ("cpuset", true):
                Plant(dir, "cpuset.cpus", string.Empty);
                Plant(dir, "cpuset.mems", string.Empty);
                Plant(dir, "cpuset.cpus.effective", Get(parent, "cpuset.cpus.effective") ?? string.Empty);
                Plant(dir, "cpuset.mems.effective", Get(parent, "cpuset.mems.effective") ?? string.Empty);
                if (Partitions != PartitionSupport.None)
                {
                    Plant(dir, PartitionFile, "member");
                }

                if (Partitions == PartitionSupport.Exclusive)
                {
                    Plant(dir, ExclusiveFile, string.Empty);
                    Plant(dir, "cpuset.cpus.exclusive.effective", string.Empty);
                }

                break;
            case ("memory", false):
                Plant(dir, "memory.limit_in_bytes", V1Unlimited);
                Plant(dir, "memory.soft_limit_in_bytes", V1Unlimited);
                Plant(dir, "memory.usage_in_bytes", "0");
                Plant(dir, "memory.use_hierarchy", "1");
                break;
            case ("memory", true):
                Plant(dir, "memory.current", "0");
                Plant(dir, "memory.min", "0");
                Plant(dir, "memory.low", "0");
                Plant(dir, "memory.high", "max");
                Plant(dir, "memory.max", "max");
                if (SwapAccounting)
                {
                    Plant(dir, "memory.swap.current", "0");
                    Plant(dir, "memory.swap.max", "max");
                }

                break;
            case ("pids", _):
                Plant(dir, "pids.max", "max");
                Plant(dir, "pids.current", "0");
                break;
            case ("freezer", false):
                Plant(dir, "freezer.state", "THAWED");
                break;
            case ("cpu", false):
                Plant(dir, "cpu.shares", "1024");
                Plant(dir, "cpu.cfs_period_us", "100000");
                Plant(dir, "cpu.cfs_quota_us", "-1");
                Plant(dir, "cpu.idle", "0");
                break;
            case ("cpu", true):
                Plant(dir, "cpu.weight", "100");
                Plant(dir, "cpu.max", "max 100000");
                Plant(dir, "cpu.idle", "0");
                break;
            case ("devices", false):
                // A new group copies its parent's rules; the write-only files read empty.
                Plant(dir, "devices.allow", string.Empty);
                Plant(dir, "devices.deny", string.Empty);
                Plant(dir, "devices.list", Get(parent, "devices.list") is { Length: > 0 } rules ? rules + "\n" : string.Empty);
                break;
        }
    }

    /// <summary>rmdir(2) of a group: refused while it holds a live task or a child group, else gone with its files.</summary>
    private void RemoveGroup(CgroupMount mount, string dir)
    {
        if (Directory.EnumerateDirectories(dir).Any() || LiveTasks(dir).Count > 0)
        {
            throw KernelError.Of(KernelError.EBUSY, "rmdir", dir);
        }

        foreach (var file in Directory.EnumerateFiles(dir))
        {
            File.Delete(file);
        }

        Directory.Delete(dir);
        _programs.Remove(dir);

        // A partition's CPUs go back to its parent.
        RecomputeCpusets(mount);
    }

    private void WriteControlFile(CgroupMount mount, string dir, string name, string value, string path)
    {
        switch (name)
        {
            case "cgroup.procs" or "tasks":
                MoveTask(mount, dir, value, path);
                return;
            case "cgroup.kill" when mount.IsV2:
                if (value != "1")
                {
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                KillSubtree(dir);
                RecomputeCpusets(mount);
                return;
            case "cgroup.subtree_control" when mount.IsV2:
                WriteSubtreeControl(mount, dir, value, path);
                return;
            case "memory.max" or "memory.low" or "memory.high" or "memory.min" or "memory.swap.max" or "pids.max":
                if (value != "max" && !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                break;
            case "memory.limit_in_bytes" or "memory.soft_limit_in_bytes":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit) || limit < -1)
                {
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                // v1 does not reclaim to fit a lower limit: it refuses one below what is charged.
                if (name == "memory.limit_in_bytes" && limit >= 0
                    && long.TryParse(Get(dir, "memory.usage_in_bytes"), NumberStyles.None, CultureInfo.InvariantCulture, out var usage) && limit < usage)
                {
                    throw KernelError.Of(KernelError.EBUSY, "write", path);
                }

                break;
            case "memory.use_hierarchy":
                if (value is not ("0" or "1"))
                {
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                if (Directory.EnumerateDirectories(dir).Any())
                {
                    throw KernelError.Of(KernelError.EBUSY, "write", path);
                }

                break;
            case "devices.allow" or "devices.deny":
                WriteDeviceRule(dir, name == "devices.allow", value, path);
                return;
            case "freezer.state" when value is not ("FROZEN" or "THAWED"):
            case "cgroup.freeze" when value is not ("0" or "1"):
                throw KernelError.Of(KernelError.EINVAL, "write", path);
            case "cgroup.freeze":
                Store(Path.Combine(dir, "cgroup.events"), $"populated {(LiveTasks(dir).Count > 0 ? 1 : 0)}\nfrozen {value}\n");
                break;
            case "cpu.cfs_period_us":
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var period) || period < 1000 || period > 1_000_000)
                {
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                break;
            case "cpu.cfs_quota_us":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var quota) || (quota != -1 && quota < 1000))
                {
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                break;
            case "cpu.max":
                if (value.Split(' ') is not [var max, var maxPeriod]
                    || !(max == "max" || (long.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var q) && q >= 1000))
                    || !long.TryParse(maxPeriod, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1000 || p > 1_000_000)
                {
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                break;
            case "cpu.idle":
                // The kernel takes 0 or 1 only (sched_group_set_idle).
                if (value is not ("0" or "1"))
                {
                    throw KernelError.Of(KernelError.EINVAL, "write", path);
                }

                break;
            case "cpuset.cpus" or "cpuset.mems" or ExclusiveFile or PartitionFile:
                WriteCpuset(mount, dir, name, value, path);
                return;
        }

        Store(path, value);
    }

    /// <summary>A pid written to <c>cgroup.procs</c> leaves whatever group of the hierarchy held it and joins this one.</summary>
    private void MoveTask(CgroupMount mount, string dir, string value, string path)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            throw KernelError.Of(KernelError.EINVAL, "write", path);
        }

        if (!ProcessInfo.IsAlive(pid) || ProcessInfo.StartTime(pid) is not { } started)
        {
            throw KernelError.Of(KernelError.ESRCH, "write", path);
        }

        // cgroup v2's no-internal-process rule: a group that passes controllers on to children holds no task.
        if (mount.IsV2 && dir != mount.Path && Words(Get(dir, "cgroup.subtree_control")).Length > 0)
        {
            throw KernelError.Of(KernelError.EBUSY, "write", path);
        }

        // A task cannot join a cpuset without CPUs or memory nodes.
        if (mount.Controllers.Contains("cpuset") && dir != mount.Path
            && (mount.IsV2 ? Get(dir, "cpuset.cpus.effective") : Get(dir, "cpuset.cpus")) is not { Length: > 0 })
        {
            throw KernelError.Of(KernelError.ENOSPC, "write", path);
        }

        var line = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var procs in Directory.EnumerateFiles(mount.Path, "cgroup.procs", SearchOption.AllDirectories))
        {
            var pids = Lines(File.ReadAllText(procs));
            if (pids.Contains(line))
            {
                File.WriteAllText(procs, string.Concat(pids.Where(p => p != line).Select(p => p + "\n")));
            }
        }

        _taskStarts[pid] = started;
        File.AppendAllText(Path.Combine(dir, "cgroup.procs"), line + "\n");
        MoveInProcCgroup(mount, pid, dir);
        RecomputeCpusets(mount);
    }

    /// <summary>Where the fixture has a <c>/proc/PID/cgroup</c> for the task, its line for this hierarchy follows the move.</summary>
    private void MoveInProcCgroup(CgroupMount mount, int pid, string dir)
    {
        var file = PathOf($"/proc/{pid}/cgroup");
        if (!File.Exists(file))
        {
            return;
        }

        var path = dir == mount.Path ? "/" : dir[mount.Path.Length..];
        var lines = File.ReadAllLines(file).Select(l =>
        {
            // "3:cpuset:/path" for a v1 hierarchy, "0::/path" for cgroup2.
            var parts = l.Split(':', 3);
            var mine = parts.Length == 3 && (mount.IsV2 ? parts[0] == "0" && parts[1].Length == 0 : parts[1].Split(',').Any(mount.Controllers.Contains));
            return mine ? $"{parts[0]}:{parts[1]}:{path}" : l;
        });
        File.WriteAllText(file, string.Concat(lines.Select(l => l + "\n")));
    }

    /// <summary>SIGKILL to every task of the group and its descendants; they leave their groups at once.</summary>
    private void KillSubtree(string dir)
    {
        foreach (var procs in Directory.EnumerateFiles(dir, "cgroup.procs", SearchOption.AllDirectories))
        {
            // Only the test's own processes that still run: a pid whose process ended is not signalled.
            foreach (var pid in LiveTasks(Path.GetDirectoryName(procs)!))
            {
                ProcessInfo.Kill(pid);
            }

            File.WriteAllText(procs, string.Empty);
        }
    }

    /// <summary><c>+name</c> enables a controller for the children, <c>-name</c> disables it; the file reads back the list.</summary>
    private void WriteSubtreeControl(CgroupMount mount, string dir, string value, string path)
    {
        var offered = Words(Get(dir, "cgroup.controllers"));
        var enabled = Words(Get(dir, "cgroup.subtree_control")).ToHashSet(StringComparer.Ordinal);
        var enabling = new List<string>();
        var disabling = new List<string>();
        foreach (var token in Words(value))
        {
            if (token.Length < 2 || token[0] is not ('+' or '-'))
            {
                throw KernelError.Of(KernelError.EINVAL, "write", path);
            }

            // A name the kernel does not know is invalid; one it knows but this group is not offered is not found.
            var controller = token[1..];
            if (!s_controllerOrder.Contains(controller) && controller is not ("devices" or "freezer" or "perf_event" or "net_cls" or "net_prio" or "dmem"))
            {
                throw KernelError.Of(KernelError.EINVAL, "write", path);
            }

            if (!offered.Contains(controller))
            {
                throw KernelError.Of(KernelError.ENOENT, "write", path);
            }

            (token[0] == '+' ? enabling : disabling).Add(controller);
        }

        if (dir != mount.Path && enabling.Count > 0 && LiveTasks(dir).Count > 0)
        {
            throw KernelError.Of(KernelError.EBUSY, "write", path);
        }

        enabled.UnionWith(enabling);
        enabled.ExceptWith(disabling);
        var list = string.Join(' ', enabled.OrderBy(c => Array.IndexOf(s_controllerOrder, c) is var i and >= 0 ? i : int.MaxValue).ThenBy(c => c, StringComparer.Ordinal));
        Store(path, list);
        foreach (var child in Directory.EnumerateDirectories(dir).Where(c => IsGroup(mount, c)))
        {
            Plant(child, "cgroup.controllers", list);
            foreach (var controller in enabling)
            {
                if (!File.Exists(Path.Combine(child, FirstFileOf(controller))))
                {
                    PlantController(child, controller, v2: true, dir);
                }
            }

            foreach (var controller in disabling)
            {
                foreach (var file in Directory.EnumerateFiles(child, controller + ".*"))
                {
                    File.Delete(file);
                }
            }
        }

        RecomputeCpusets(mount);
    }

    private static string FirstFileOf(string controller) => controller switch
    {
        "cpuset" => "cpuset.cpus",
        "memory" => "memory.max",
        "pids" => "pids.max",
        "cpu" => "cpu.max",
        _ => controller + ".none",
    };

    /// <summary>v1 device rules: <c>a</c> to devices.deny denies everything, each devices.allow adds one rule to devices.list.</summary>
    private static void WriteDeviceRule(string dir, bool allow, string value, string path)
    {
        if (value != "a" && !DeviceRuleText().IsMatch(value))
        {
            throw KernelError.Of(KernelError.EINVAL, "write", path);
        }

        var list = Lines(Get(dir, "devices.list") ?? string.Empty);
        if (value == "a")
        {
            list = allow ? ["a *:* rwm"] : [];
        }
        else if (allow)
        {
            if (!list.Contains(value) && !list.Contains("a *:* rwm"))
            {
                list.Add(value);
            }
        }
        else
        {
            list.Remove(value);
        }

        File.WriteAllText(Path.Combine(dir, "devices.list"), string.Concat(list.Select(l => l + "\n")));
    }

    [GeneratedRegex(@"^[abc] (\*|[0-9]+):(\*|[0-9]+) [rwm]{1,3}$")]
    private static partial Regex DeviceRuleText();

    /// <summary>
    /// Lists a running process of the test's in a group's <c>cgroup.procs</c> as a task, as a write does, but without the
    /// write's move out of the other groups of the hierarchy: for a test that wants one process in several groups of
    /// a hierarchy (a guard test's look-alike groups), which the kernel itself never shows.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is not a group's <c>cgroup.procs</c>, or the process does not run.</exception>
    public void PlantTask(string procsFile, int pid)
    {
        var dir = Path.GetDirectoryName(procsFile)!;
        if (Path.GetFileName(procsFile) != "cgroup.procs" || MountOf(dir) is not { } mount || !IsGroup(mount, dir))
        {
            throw new InvalidOperationException($"fixture: {procsFile} is not the cgroup.procs of a group");
        }

        if (!ProcessInfo.IsAlive(pid) || ProcessInfo.StartTime(pid) is not { } started)
        {
            throw new InvalidOperationException($"fixture: process {pid} does not run");
        }

        _taskStarts[pid] = started;
        File.AppendAllText(procsFile, pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    /// <summary>The tasks a group holds now: the pids its file lists whose process still runs with the start time it joined with.</summary>
    private List<int> LiveTasks(string dir) =>
        [.. Lines(Get(dir, "cgroup.procs") ?? string.Empty)
            .Select(line => Vouch(line, Path.Combine(dir, "cgroup.procs")))
            .Where(pid => pid is > 0 and <= PidMaxLimit && IsTask(pid))];

    /// <summary>
    /// The text of a group's <c>cgroup.procs</c> or <c>tasks</c> as the kernel would show it now: without the tasks
    /// that ended (or whose pid another process took since), with the pids no process can have that a test planted.
    /// </summary>
    private string TaskListing(string text, string path) =>
        string.Concat(Lines(text)
            .Where(line => Vouch(line, path) is var pid && (pid is <= 0 or > PidMaxLimit || IsTask(pid)))
            .Select(line => line + "\n"));

    private bool IsTask(int pid) => _taskStarts.TryGetValue(pid, out var started) && ProcessInfo.IsAlive(pid, started);

    /// <summary>Parses a listed pid (0 for text that is none), refusing one a process may have that no write listed.</summary>
    /// <exception cref="InvalidOperationException">
    /// The pid was planted as plain text: the fixture cannot tell which process it names, and a removal would signal it.
    /// </exception>
    private int Vouch(string line, string path)
    {
        if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return 0;
        }

        if (pid is > 0 and <= PidMaxLimit && !_taskStarts.ContainsKey(pid))
        {
            throw new InvalidOperationException(
                $"fixture: {path} lists pid {pid}, which no write through the fixture kernel (nor PlantTask) put there; plant only pids above {PidMaxLimit}, which no process has");
        }

        return pid;
    }

    private static string[] Words(string? text) => (text ?? string.Empty).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
