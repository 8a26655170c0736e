using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Security;

public sealed class ProcessSecurityTests : IDisposable
{
    // Trimmed /proc/PID/status of a process in a container: runc's caps, a filter, no_new_privs.
    private const string ContainerStatus = """
        Name:	sh
        Umask:	0022
        State:	S (sleeping)
        Tgid:	4242
        Pid:	4242
        Uid:	1000	1000	1000	1000
        Gid:	100	101	102	103
        Groups:	100
        CapInh:	0000000000000000
        CapPrm:	00000000a80425fb
        CapEff:	00000000a80425fb
        CapBnd:	00000000a80425fb
        CapAmb:	0000000000000000
        NoNewPrivs:	1
        Seccomp:	2
        Seccomp_filters:	1
        Speculation_Store_Bypass:	thread force mitigated
        Cpus_allowed_list:	0-3

        """;

    private readonly string _root = Directory.CreateTempSubdirectory("rf-proctest-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void Read_FixtureContainer_ParsesEveryField()
    {
        Write("4242/status", ContainerStatus);
        Write("4242/uid_map", "         0     100000      65536\n     65536    1000000          1\n");
        Write("4242/gid_map", "         0     100000      65536\n");

        var security = ProcessSecurity.Read(4242, _root)!;

        Assert.Equal(Capabilities.ContainerDefault, security.Effective);
        Assert.Equal(Capabilities.ContainerDefault, security.Permitted);
        Assert.Equal(Capabilities.ContainerDefault, security.Bounding);
        Assert.Equal(CapabilitySet.Empty, security.Inheritable);
        Assert.Equal(CapabilitySet.Empty, security.Ambient);
        Assert.Equal(SeccompMode.Filter, security.Seccomp);
        Assert.Equal(1, security.SeccompFilters);
        Assert.True(security.NoNewPrivs);
        Assert.Equal(new ProcessIds(1000, 1000, 1000, 1000), security.Uid);
        Assert.Equal(new ProcessIds(100, 101, 102, 103), security.Gid);
        Assert.Equal([new IdMapRange(0, 100000, 65536), new IdMapRange(65536, 1000000, 1)], security.UidMap);
        Assert.Equal([new IdMapRange(0, 100000, 65536)], security.GidMap);
    }

    [Fact]
    public void Read_OldKernelWithoutNewerLines_DefaultsThem()
    {
        Write("7/status", "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\nCapPrm:\t0000003fffffffff\nCapEff:\t0000003fffffffff\nCapBnd:\t0000003fffffffff\nSeccomp:\t0\n");

        var security = ProcessSecurity.Read(7, _root)!;

        Assert.Equal(CapabilitySet.UpTo(37), security.Bounding);
        Assert.Equal(CapabilitySet.Empty, security.Ambient);
        Assert.False(security.NoNewPrivs);
        Assert.Equal(0, security.SeccompFilters);
        Assert.Empty(security.UidMap);
    }

    [Fact]
    public void Read_MissingProcess_IsNull()
    {
        Assert.Null(ProcessSecurity.Read(99999, _root));
    }

    [Fact]
    public void ReadTask_Fixture_ReadsTheTaskDirectory()
    {
        Write("10/task/11/status", ContainerStatus.Replace("Seccomp:\t2", "Seccomp:\t0", StringComparison.Ordinal));

        Assert.Equal(SeccompMode.Disabled, ProcessSecurity.ReadTask(10, 11, _root)!.Seccomp);
    }

    [Fact]
    public void ParseIdMap_BadLine_Throws()
    {
        Assert.Throws<FormatException>(() => ProcessSecurity.ParseIdMap("0 0\n"));
    }

    [Fact]
    public void Read_Self_MatchesProcSelfStatus()
    {
        var security = ProcessSecurity.Read(Environment.ProcessId)!;
        var status = File.ReadAllLines("/proc/self/status").ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());

        Assert.Equal(CapabilitySet.Parse(status["CapBnd"]), security.Bounding);
        Assert.Equal(CapabilitySet.Parse(status["CapEff"]), security.Effective);
        Assert.Equal(status["Seccomp"], ((int)security.Seccomp).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(status["Uid"].Split('\t')[0], security.Uid.Real.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty(security.UidMap);
        Assert.NotEmpty(security.GidMap);
    }
}
