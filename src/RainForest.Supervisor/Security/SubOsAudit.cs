using System.Globalization;
using System.Security.Cryptography;
using RainForest.Core;
using RainForest.Core.Agent;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Namespaces;
using RainForest.Linux.Security;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Security;

/// <summary>
/// Checks, from the host's side, every guard of a running subOS (<c>rfm audit</c>): it starts a probe program
/// inside, as any program would start, and reads what the kernel says of it in the host's /proc.
/// </summary>
/// <remarks>
/// Nothing here trusts the subOS: the probe only has to exist; its credentials, filter, namespaces and mounts
/// are read by the supervisor from /proc/PID and compared with the ledger.
/// </remarks>
internal sealed class SubOsAudit
{
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(5);
    private readonly CgroupDriver _cgroups;
    private readonly StateDirectory _state;

    public SubOsAudit(CgroupDriver cgroups, StateDirectory state)
    {
        _cgroups = cgroups;
        _state = state;
    }

    /// <summary>Audits <paramref name="record"/>, whose agent listens on <paramref name="socket"/>.</summary>
    public AuditReport Run(SubOsRecord record, string socket)
    {
        // A sleep whose argument no other program has, so that the probe can be told from the subOS's own programs.
        var marker = "3600." + RandomNumberGenerator.GetInt32(100000, 999999).ToString(CultureInfo.InvariantCulture);
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        var run = Task.Run(() => ExecClient.Run(socket, ["sleep", marker], fds: [devNull, devNull, devNull]));
        var probe = 0;
        try
        {
            probe = FindProbe(record.Name, marker, run);
            var checks = new List<AuditCheck>();
            var security = ProcessSecurity.Read(probe) ?? throw RfException.Failed($"subOS '{record.Name}': the audit probe ended early");
            var mounts = MountTable.Read(probe);
            checks.Add(UserNamespace(record, security, probe));
            checks.Add(CapabilitiesOf(security));
            checks.Add(SeccompOf(security));
            checks.Add(LockedMounts(probe));
            checks.Add(Masked(mounts));
            if (record.RootFs == "/")
            {
                checks.Add(HostSecrets(mounts));
            }

            checks.Add(ReadOnlyPaths(mounts));
            checks.Add(StateHidden(probe));
            checks.Add(Agent(socket));
            checks.Add(Pids(_cgroups, record));
            checks.Add(Devices(_cgroups, record));
            return new AuditReport(record.Name, record.Privileged, probe, checks);
        }
        finally
        {
            // The probe is in the subOS's cgroup, so it is a program the supervisor started; nothing else is signalled.
            if (probe > 0 && _cgroups.Pids(record.Name).Contains(probe))
            {
                ProcessInfo.Kill(probe);
            }

            run.Wait(s_probeTimeout);
        }
    }

    private int FindProbe(string name, string marker, Task<int> run)
    {
        var deadline = DateTime.UtcNow + s_probeTimeout;

        while (DateTime.UtcNow < deadline)
        {
            if (run.IsCompleted)
            {
                throw RfException.Failed($"subOS '{name}': the audit probe (sleep) did not start inside: exit {run.Result}");
            }

            foreach (var pid in _cgroups.Pids(name))
            {
                try
                {
                    // The program itself, not one of the sandbox's stages (nsenter, setpriv) still on its way to
                    // exec it: exactly two arguments, the second the marker.
                    if (File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries) is [_, var arg] && arg == marker)
                    {
                        return pid;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile.
                }
            }

            Thread.Sleep(2);
        }

        throw RfException.Failed($"subOS '{name}': the audit probe did not appear within {s_probeTimeout.TotalSeconds:0} s");
    }

    private static AuditCheck UserNamespace(SubOsRecord record, ProcessSecurity security, int probe)
    {
        const string Guard = "user namespace";
        var uid = security.UidMap;
        var gid = security.GidMap;
        var map = string.Join(", ", uid.Select(r => $"{r.Inside} {r.Outside} {r.Count}"));
        if (record.Privileged)
        {
            return new AuditCheck(Guard, false, $"--privileged: root inside is the host's root (uid_map {map})");
        }

        var own = NamespaceFiles.IdOf($"/proc/{probe}/ns/user");
        var host = NamespaceFiles.IdOf("/proc/self/ns/user");
        var expected = uid is [{ Inside: 0, Count: (uint)IdRanges.Size } only] && only.Outside == record.IdBase
            && gid is [{ Inside: 0, Count: (uint)IdRanges.Size } g] && g.Outside == record.IdBase;
        return new AuditCheck(Guard, expected && own != host,
            $"uid_map {map}; root inside is host uid {record.IdBase} (ledger: {record.IdBase}); own namespace {own}, host {host}");
    }

    private static AuditCheck CapabilitiesOf(ProcessSecurity security)
    {
        const string Guard = "capabilities";
        var allowed = Capabilities.ContainerDefault;
        var extra = security.Bounding.Except(allowed);
        var passed = extra.Count == 0 && security.Effective.Except(allowed).Count == 0 && security.Ambient.Count == 0;
        return new AuditCheck(Guard, passed,
            passed ? $"bounding set {security.Bounding.ToHex()} = runc's default ({allowed.Count} capabilities), inside the subOS's user namespace only"
                   : $"bounding set {security.Bounding.ToHex()} holds more than runc's default: {extra}");
    }

    private static AuditCheck SeccompOf(ProcessSecurity security)
    {
        const string Guard = "seccomp and no_new_privs";
        var passed = security.Seccomp == SeccompMode.Filter && security.SeccompFilters >= 1 && security.NoNewPrivs;
        return new AuditCheck(Guard, passed,
            $"seccomp {security.Seccomp.ToString().ToLowerInvariant()} ({security.SeccompFilters} filter(s)), no_new_privs {(security.NoNewPrivs ? 1 : 0)}");
    }

    private static AuditCheck LockedMounts(int probe)
    {
        const string Guard = "locked mounts";
        var mnt = $"/proc/{probe}/ns/mnt";
        var owner = NamespaceFiles.OwnerOf(mnt);
        var own = NamespaceFiles.IdOf($"/proc/{probe}/ns/user");
        var host = NamespaceFiles.IdOf("/proc/self/ns/user");

        // The kernel locks every mount it copies into a mount namespace that a less privileged user
        // namespace owns: such mounts can neither be unmounted nor lose read-only, nosuid, nodev or noexec.
        var passed = owner == own && own != host;
        return new AuditCheck(Guard, passed,
            passed ? $"mount namespace {NamespaceFiles.IdOf(mnt)} is owned by the subOS's {own}: every mount the agent made is locked (lxcfs's files lie above locked masks)"
                   : $"mount namespace {NamespaceFiles.IdOf(mnt)} is owned by {owner} (host {host}): mounts can be changed from inside");
    }

    private static AuditCheck Masked(MountTable mounts)
    {
        const string Guard = "masked paths";
        var expected = GuardedPaths.MaskedFiles.Where(f => File.Exists("/" + f))
            .Concat(GuardedPaths.MaskedDirectories.Where(d => Directory.Exists("/" + d))).ToList();
        var missing = expected.Where(p => !mounts.IsMountPoint("/" + p)).ToList();
        return new AuditCheck(Guard, missing.Count == 0,
            missing.Count == 0 ? $"{expected.Count} paths masked ({string.Join(' ', expected.Take(4))} ...)" : $"not masked: {string.Join(' ', missing)}");
    }

    private static AuditCheck HostSecrets(MountTable mounts)
    {
        const string Guard = "host secrets";
        var keys = Directory.Exists("/" + GuardedPaths.SshDirectory)
            ? Directory.EnumerateFiles("/" + GuardedPaths.SshDirectory, "ssh_host_*_key").Select(k => k.TrimStart('/')) : [];
        var expected = GuardedPaths.HostSecretFiles.Concat(keys).Concat(GuardedPaths.HostHomes).Where(p => Path.Exists("/" + p)).ToList();
        var missing = expected.Where(p => !mounts.IsMountPoint("/" + p)).ToList();
        return new AuditCheck(Guard, missing.Count == 0,
            missing.Count == 0 ? $"the host's {string.Join(' ', expected)} are replaced by empty ones" : $"the host's own, readable inside: {string.Join(' ', missing)}");
    }

    private static AuditCheck ReadOnlyPaths(MountTable mounts)
    {
        const string Guard = "read-only paths";
        var paths = GuardedPaths.ReadOnly.Select(p => "/" + p).Where(Directory.Exists)
            .Concat(["/sys", "/run/rainforest", Cells.CellBackend.ToolsInside]).ToList();
        var writable = paths.Where(p => mounts.IsReadOnly(p) != true).ToList();
        return new AuditCheck(Guard, writable.Count == 0,
            writable.Count == 0 ? $"read-only: {string.Join(' ', paths)}" : $"writable: {string.Join(' ', writable)}");
    }

    private AuditCheck StateHidden(int probe)
    {
        const string Guard = "state directory hidden";

        // Looked up through the probe's own root: what a program inside would find at the ledger's path.
        var ledger = $"/proc/{probe}/root{_state.LedgerPath}";
        var hidden = !File.Exists(ledger);
        return new AuditCheck(Guard, hidden, hidden ? $"{_state.LedgerPath} does not exist inside" : $"{_state.LedgerPath} is reachable inside");
    }

    private static AuditCheck Agent(string socket)
    {
        const string Guard = "agent";
        var pong = ExecClient.Status(socket);
        if (pong is null)
        {
            return new AuditCheck(Guard, false, "the agent does not answer");
        }

        return new AuditCheck(Guard, !pong.Dumpable,
            $"{(pong.Dumpable ? "dumpable: its /proc/1 files are open to root inside" : "not dumpable: /proc/1/fd, mem and environ are closed to everything inside")}; "
            + $"programs start under {pong.Sandbox ?? "no seccomp filter"}");
    }

    /// <summary>The subOS's pids.max against the ledger's (every backend).</summary>
    internal static AuditCheck Pids(CgroupDriver cgroups, SubOsRecord record)
    {
        const string Guard = "pids limit";
        var max = cgroups.ReadPidsLimit(record.Name);
        return new AuditCheck(Guard, max is not null && max == record.PidsMax,
            $"pids.max {max?.ToString(CultureInfo.InvariantCulture) ?? "max or no pids controller"}; ledger {record.PidsMax}");
    }

    /// <summary>The device rules in force on the subOS's cgroup (every backend).</summary>
    internal static AuditCheck Devices(CgroupDriver cgroups, SubOsRecord record)
    {
        const string Guard = "device rules";
        var rules = cgroups.DeviceRules(record.Name);
        return new AuditCheck(Guard, rules is not null && !rules.Contains("not RainForest's", StringComparison.Ordinal),
            rules ?? "no device rules in force: every device node the subOS can reach may be opened");
    }
}
