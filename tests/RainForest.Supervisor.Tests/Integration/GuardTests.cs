using RainForest.Core;
using RainForest.Core.Model;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// The Security Guard's machinery on the real kernel: id ranges from the ledger, the idmapped root with --rootfs,
/// --privileged as an explicit opt-out, the pids limit, and rfm audit. The attempts from inside live in Security/.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class GuardTests : IDisposable
{
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    private Ledger.SubOsRecord Create(string name, bool privileged = false, string? rootFs = null, long? pids = null) =>
        _host.Supervisor.Create(new CreateOptions
        {
            Name = name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("128M"), Privileged = privileged, RootFs = rootFs, Pids = pids,
        });

    [Fact]
    public void Create_TwoSubOses_GetDisjointRangesAndAFreedRangeIsReused()
    {
        _host.Create("first", cpus: "1", memory: "64M");
        var first = _host.Supervisor.Show("first").Record;
        _host.Supervisor.Destroy("first");
        var again = Create("again");

        Assert.False(first.Privileged);
        Assert.Equal(IdRanges.Start, first.IdBase);
        Assert.Equal(first.IdBase, again.IdBase);
        var (code, map) = _host.Exec("again", "cat", "/proc/self/uid_map");
        Assert.Equal(0, code);
        Assert.Equal($"0 {again.IdBase} {IdRanges.Size}", string.Join(' ', map.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim());
    }

    [Fact]
    public void Exec_Unprivileged_RootInsideOwnsTheRootAndCanWriteIt()
    {
        Create("owner");

        var (code, output) = _host.Exec("owner", "sh", "-c", "id -u; stat -c %u:%g / /etc /tmp; echo x > /etc/rf-owner && cat /etc/rf-owner");

        Assert.Equal(0, code);
        Assert.Equal(["0", "0:0", "0:0", "0:0", "x"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists("/etc/rf-owner"));
    }

    [Fact]
    public void Create_Privileged_IsMarkedJournalledAndHasTheHostsRoot()
    {
        Create("wide", privileged: true);

        var (code, output) = _host.Exec("wide", "sh", "-c", "cat /proc/self/uid_map; grep CapEff /proc/self/status");

        Assert.Equal(0, code);
        Assert.Contains("4294967295", output, StringComparison.Ordinal);
        Assert.True(_host.Supervisor.Show("wide").Record.Privileged);
        var entry = _host.Supervisor.Journal(10, "wide").Single(e => e.Operation == "create");
        Assert.Contains("PRIVILEGED", entry.After, StringComparison.Ordinal);
        var audit = _host.Supervisor.Audit("wide");
        Assert.False(audit.Passed);
        Assert.False(audit.Checks.Single(c => c.Guard == "user namespace").Passed);
    }

    [Fact]
    public void Audit_Unprivileged_EveryGuardIsInForce()
    {
        Create("audited", pids: 300);

        var audit = _host.Supervisor.Audit("audited");

        foreach (var check in audit.Checks)
        {
            Assert.True(check.Passed, $"{check.Guard}: {check.Detail}");
        }

        Assert.Contains("300", audit.Checks.Single(c => c.Guard == "pids limit").Detail, StringComparison.Ordinal);
        Assert.NotEqual(_host.Supervisor.Show("audited").Record.AgentPid, audit.ProbePid);
        Assert.DoesNotContain(audit.ProbePid, _host.Cgroups.Pids("audited"));
    }

    [Fact]
    public void Exec_OnTheHostsRoot_HostSecretsAndHomesAreEmpty()
    {
        Create("secrets");

        var (code, output) = _host.Exec("secrets", "sh", "-c", "wc -c < /etc/shadow; ls -A /root | wc -l; ls -A /home | wc -l; touch /root/mine && echo writable");

        Assert.Equal(0, code);
        Assert.Equal(["0", "0", "0", "writable"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        Assert.True(new FileInfo("/etc/shadow").Length > 0, "the host's own /etc/shadow is untouched");
    }

    [Fact]
    public void Exec_Program_OutranksTheAgentForTheOomKiller()
    {
        Create("oom");
        var agent = _host.Supervisor.Show("oom").Record.AgentPid;

        var (code, output) = _host.Exec("oom", "cat", "/proc/self/oom_score_adj");
        var agentScore = int.Parse(File.ReadAllText($"/proc/{agent}/oom_score_adj").Trim(), System.Globalization.CultureInfo.InvariantCulture);

        // Shielded (-1000) where the host grants CAP_SYS_RESOURCE, programs then at the default 0; where it
        // does not (this project's CI), the agent stays at 0 and programs start at 500. Either way a program
        // never inherits the agent's protection and always ranks above it.
        Assert.Equal(0, code);
        Assert.Equal(agentScore == -1000 ? "0" : "500", output.Trim());
        Assert.True(int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture) > agentScore);
    }

    [Fact]
    public void Pids_LimitReached_ForksFailInsideAndResizeRaisesIt()
    {
        Create("bounded", pids: 32);

        // 60 background sleeps in a subOS that may hold 32 tasks: the shell's fork fails, and it gives up.
        var (code, _) = _host.Exec("bounded", "sh", "-c", "for i in $(seq 60); do sleep 30 & done; wait");
        var held = _host.Supervisor.Show("bounded").Processes;
        _host.Supervisor.Resize("bounded", null, null, 64);
        var (readCode, limit) = _host.Exec("bounded", "cat", "/sys/fs/cgroup/pids/pids.max");

        Assert.NotEqual(0, code);
        Assert.InRange(held, 2, 32);
        Assert.Equal(0, readCode);
        Assert.Equal("64", limit.Trim());
        Assert.Equal(64, _host.Supervisor.Show("bounded").Record.PidsMax);
    }

    [Fact]
    public void Create_RootFsWithTheToolsItNeeds_RunsUnprivilegedOnIt()
    {
        var rootFs = Path.Combine("/var/tmp", $"rf-test-rootfs-{Guid.NewGuid():N}");
        try
        {
            MinimalRootFs.Build(rootFs, "sh", "cat", "id", "unshare", "nsenter", "setpriv", "choom", "sleep");
            Create("ownroot", rootFs: rootFs);

            var (code, output) = _host.Exec("ownroot", "sh", "-c", "id -u; echo inside > /written; cat /written");

            Assert.Equal(0, code);
            Assert.Equal(["0", "inside"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.False(File.Exists(Path.Combine(rootFs, "written")));
        }
        finally
        {
            if (Directory.Exists(rootFs))
            {
                Directory.Delete(rootFs, recursive: true);
            }
        }
    }

    [Fact]
    public void Create_RootFsThatCannotBeIdmapped_FailsSayingWhatToUseInstead()
    {
        // ramfs has no idmapped-mount support on any kernel: the same refusal 9p, NFS and older tmpfs give.
        var rootFs = Path.Combine("/var/tmp", $"rf-test-ramfs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(rootFs);
        Assert.Equal(0, Run("mount", "-t", "ramfs", "rf-test-ramfs", rootFs));
        try
        {
            MinimalRootFs.Build(rootFs, "sh", "cat", "unshare", "nsenter", "setpriv");

            var e = Assert.Throws<RfException>(() => Create("ramroot", rootFs: rootFs));

            Assert.Contains($"the root {rootFs} is on a ramfs file system, which this kernel cannot idmap", e.Message, StringComparison.Ordinal);
            Assert.Contains("--privileged", e.Message, StringComparison.Ordinal);
            Assert.Empty(_host.Supervisor.List());
        }
        finally
        {
            Run("umount", rootFs);
            Directory.Delete(rootFs, recursive: true);
        }
    }

    [Fact]
    public void Create_RootFsWithoutUtilLinux_FailsWithOneLineThatSaysWhat()
    {
        var rootFs = Path.Combine("/var/tmp", $"rf-test-rootfs-{Guid.NewGuid():N}");
        try
        {
            MinimalRootFs.Build(rootFs, "sh", "cat");

            var e = Assert.Throws<RfException>(() => Create("bare", rootFs: rootFs));

            Assert.Contains("util-linux", e.Message, StringComparison.Ordinal);
            Assert.Empty(_host.Supervisor.List());
        }
        finally
        {
            if (Directory.Exists(rootFs))
            {
                Directory.Delete(rootFs, recursive: true);
            }
        }
    }

    private static int Run(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
