using System.Globalization;
using RainForest.Core.Agent;
using RainForest.Linux;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Namespaces;
using RainForest.Linux.Security;
using RainForest.Supervisor.Ledger;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Security;

/// <summary>
/// Checks, from the host's side, the guards of a kernel subOS (<c>rfm audit</c>): what confines its QEMU, read from
/// /proc/PID of the recorded process and compared with the ledger.
/// </summary>
/// <remarks>
/// Inside the guest, root is the guest kernel's root; what stands between it and the host is QEMU, so QEMU is what is
/// audited: its ids, capabilities, seccomp filter, mount view, open files and 9p exports, and the subOS's cgroups.
/// </remarks>
internal sealed class GuestAudit
{
    private readonly CgroupDriver _cgroups;
    private readonly StateDirectory _state;

    public GuestAudit(CgroupDriver cgroups, StateDirectory state)
    {
        _cgroups = cgroups;
        _state = state;
    }

    /// <summary>Audits <paramref name="record"/>'s QEMU (<paramref name="pid"/>), whose files lie in <paramref name="dir"/>.</summary>
    /// <param name="record">The subOS.</param>
    /// <param name="pid">Its QEMU.</param>
    /// <param name="dir">The subOS's directory.</param>
    /// <param name="agentSocket">The guest agent's socket.</param>
    public AuditReport Run(SubOsRecord record, int pid, string dir, string agentSocket)
    {
        var security = ProcessSecurity.Read(pid) ?? throw Core.RfException.Failed($"subOS '{record.Name}': its QEMU (pid {pid}) is gone");
        var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var mounts = MountTable.Read(pid);
        var exports = ExportsOf(arguments);
        var shares = exports.Select(o => o.FirstOrDefault(x => x.StartsWith("path=", StringComparison.Ordinal))?[5..]).OfType<string>().ToList();
        return new AuditReport(record.Name, false, pid,
        [
            Identity(record, security, pid),
            CapabilitiesOf(security),
            SeccompOf(security, arguments),
            MountView(pid, mounts),
            StateHidden(pid),
            OpenFiles(pid, dir, [.. shares, _state.ChannelLinkDirectory(record.Name)]),
            Exports(exports, shares),
            Cgroup(record, pid),
            Agent(agentSocket),
            SubOsAudit.Pids(_cgroups, record),
            SubOsAudit.Devices(_cgroups, record),
        ]);
    }

    private static AuditCheck Identity(SubOsRecord record, ProcessSecurity security, int pid)
    {
        const string Guard = "unprivileged QEMU";
        var id = (uint)record.IdBase;
        var groups = GroupsOf(pid);
        var kvm = FileTypes.GroupOf("/dev/kvm");
        var ids = new[] { security.Uid.Real, security.Uid.Effective, security.Uid.Saved, security.Uid.FileSystem, security.Gid.Real, security.Gid.Effective, security.Gid.Saved, security.Gid.FileSystem };
        var passed = id != 0 && ids.All(i => i == id) && groups.All(g => g == kvm && g != 0);
        return new AuditCheck(Guard, passed,
            $"uid {security.Uid.Real}/{security.Uid.Effective}/{security.Uid.Saved}/{security.Uid.FileSystem}, gid {security.Gid.Real}/{security.Gid.Effective}/{security.Gid.Saved}/{security.Gid.FileSystem} "
            + $"(ledger: the subOS's id base {record.IdBase}); groups {(groups.Count == 0 ? "none" : string.Join(' ', groups) + " (/dev/kvm's)")}");
    }

    private static AuditCheck CapabilitiesOf(ProcessSecurity security)
    {
        const string Guard = "capabilities";
        var passed = security.Effective.Count == 0 && security.Permitted.Count == 0 && security.Bounding.Count == 0
            && security.Inheritable.Count == 0 && security.Ambient.Count == 0;
        return new AuditCheck(Guard, passed,
            passed ? "none: effective, permitted, inheritable, ambient and bounding sets are empty"
                   : $"effective {security.Effective.ToHex()}, permitted {security.Permitted.ToHex()}, bounding {security.Bounding.ToHex()}, ambient {security.Ambient.ToHex()}");
    }

    private static AuditCheck SeccompOf(ProcessSecurity security, string[] arguments)
    {
        const string Guard = "seccomp (QEMU -sandbox)";
        var index = Array.IndexOf(arguments, "-sandbox");
        var sandbox = index >= 0 && index + 1 < arguments.Length ? arguments[index + 1] : null;
        var passed = security.Seccomp == SeccompMode.Filter && security.SeccompFilters >= 1 && security.NoNewPrivs && sandbox == QemuOptions.StrictSandbox;
        return new AuditCheck(Guard, passed,
            $"seccomp {security.Seccomp.ToString().ToLowerInvariant()} ({security.SeccompFilters} filter(s)), no_new_privs {(security.NoNewPrivs ? 1 : 0)}, -sandbox {sandbox ?? "absent"}");
    }

    private static AuditCheck MountView(int pid, MountTable mounts)
    {
        const string Guard = "mount namespace";
        var own = NamespaceFiles.IdOf($"/proc/{pid}/ns/mnt");
        var host = NamespaceFiles.IdOf("/proc/self/ns/mnt");
        var proc = mounts.OptionsAt("/proc") ?? string.Empty;
        var hidepid = proc.Split(',').Any(o => o is "hidepid=invisible" or "hidepid=2");
        var homes = GuardedPaths.HostHomes.Select(h => "/" + h).Where(h => Directory.Exists(h) && Directory.EnumerateFileSystemEntries(h).Any()).ToList();
        var visible = homes.Where(h => Directory.Exists($"/proc/{pid}/root{h}") && Directory.EnumerateFileSystemEntries($"/proc/{pid}/root{h}").Any()).ToList();
        var passed = own is not null && own != host && hidepid && visible.Count == 0;
        return new AuditCheck(Guard, passed,
            $"own {own}, host {host}; /proc {(hidepid ? "shows QEMU's own processes only (hidepid)" : "shows every host process")}; "
            + (visible.Count == 0 ? $"the host's {string.Join(' ', homes.DefaultIfEmpty("homes"))} empty" : $"readable: {string.Join(' ', visible)}"));
    }

    private AuditCheck StateHidden(int pid)
    {
        const string Guard = "state directory hidden";

        // Looked up through QEMU's own root: what its 9p export of / would find at the ledger's path.
        var ledger = $"/proc/{pid}/root{_state.LedgerPath}";
        var hidden = !File.Exists(ledger);
        return new AuditCheck(Guard, hidden, hidden ? $"{_state.LedgerPath} does not exist in QEMU's view (only its own subOS directory is)" : $"{_state.LedgerPath} is reachable by QEMU");
    }

    private AuditCheck OpenFiles(int pid, string dir, IReadOnlyList<string> shares)
    {
        const string Guard = "open files";
        var targets = new List<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target)
                {
                    targets.Add(target);
                }
            }
            catch (IOException)
            {
                // Closed meanwhile.
            }
        }

        // Besides its own directory and the shares (9p keeps a descriptor for every file the guest has open), only
        // descriptors that name no host file and the few devices QEMU opens; nothing of the state directory but its own
        // directory, and nothing in the host's homes, even where the host's / is a share.
        var foreign = targets.Where(t => !IsExpected(t, dir, shares)).Distinct().ToList();
        var files = targets.Count(t => t.StartsWith('/') && !t.StartsWith("/memfd:", StringComparison.Ordinal) && !t.StartsWith("/dev/", StringComparison.Ordinal));
        return new AuditCheck(Guard, foreign.Count == 0,
            foreign.Count == 0
                ? $"{targets.Count} descriptors: {files} host files, all in its directory or the 9p shares ({string.Join(' ', shares)}); the rest memfd, sockets, pipes, event fds and devices"
                : $"outside what it was given: {string.Join(' ', foreign.Take(5))}");
    }

    private bool IsExpected(string target, string dir, IReadOnlyList<string> shares)
    {
        if (target.StartsWith("socket:[", StringComparison.Ordinal) || target.StartsWith("pipe:[", StringComparison.Ordinal)
            || target.StartsWith("anon_inode:", StringComparison.Ordinal) || target.StartsWith("/memfd:", StringComparison.Ordinal))
        {
            return true;
        }

        if (IsUnder(target, dir))
        {
            return true;
        }

        // The subOS's channel links (its ivshmem devices' files) are given to it, on /dev/shm.
        if (shares.Any(s => s.StartsWith("/dev/shm/", StringComparison.Ordinal) && IsUnder(target, s)))
        {
            return true;
        }

        if (IsUnder(target, "/dev"))
        {
            return target is "/dev/null" or "/dev/zero" or "/dev/urandom" or "/dev/random" or "/dev/kvm" or "/dev/net/tun";
        }

        // Shares other than the host's / are given as they are; under / the hidden places stay hidden.
        var hidden = IsUnder(target, _state.Path) || GuardedPaths.HostHomes.Any(h => IsUnder(target, "/" + h));
        return shares.Any(s => s != "/" && IsUnder(target, s)) || (!hidden && shares.Contains("/"));
    }

    private static bool IsUnder(string path, string dir) =>
        dir == "/" || path == dir || path.StartsWith(dir.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>The options of each <c>-fsdev</c> on QEMU's command line, split at commas.</summary>
    private static List<string[]> ExportsOf(string[] arguments) =>
        [.. arguments.Select((a, i) => (a, i)).Where(p => p.a == "-fsdev" && p.i + 1 < arguments.Length).Select(p => arguments[p.i + 1].Split(','))];

    private static AuditCheck Exports(List<string[]> exports, List<string> paths)
    {
        const string Guard = "9p exports";
        // Read-only, except a directory the subOS was given read-write as a descriptor (a share from another subOS).
        var writable = exports.Where(o => !o.Contains("security_model=none")
            || (!o.Contains("readonly=on") && !o.Any(x => x.StartsWith("path=/proc/self/fd/", StringComparison.Ordinal)))).ToList();
        var writableShares = exports.Count(o => !o.Contains("readonly=on"));
        return new AuditCheck(Guard, exports.Count > 0 && writable.Count == 0,
            writable.Count == 0
                ? $"{exports.Count} read-only{(writableShares > 0 ? $" but {writableShares} given read-write" : string.Empty)}, security_model=none (read with QEMU's uid): {string.Join(' ', paths)}"
                : $"writable or not with QEMU's own uid: {string.Join(' ', writable.Select(o => string.Join(',', o)))}");
    }

    private AuditCheck Cgroup(SubOsRecord record, int pid)
    {
        const string Guard = "cgroup";
        var inside = _cgroups.Pids(record.Name).Contains(pid);
        return new AuditCheck(Guard, inside,
            inside ? $"QEMU (pid {pid}) and its threads are in the subOS's cgroups: its CPUs, memory limit and pids limit"
                   : $"QEMU (pid {pid}) is not in the subOS's cgroups");
    }

    private static AuditCheck Agent(string socket)
    {
        const string Guard = "agent";
        var answers = StreamExecClient.Ping(socket, TimeSpan.FromSeconds(10));
        return new AuditCheck(Guard, answers, answers ? "the guest's agent answers on its virtio-serial port" : "the guest's agent does not answer");
    }

    private static List<uint> GroupsOf(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Groups:", StringComparison.Ordinal)) ?? "Groups:";
        return [.. line["Groups:".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(g => uint.Parse(g, CultureInfo.InvariantCulture))];
    }
}
