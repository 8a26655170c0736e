using RainForest.Interop;
using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Security;

/// <summary>The default filter on the real kernel, installed on a dedicated thread that then exits, so the test host stays unfiltered.</summary>
[Trait("Category", "Integration")]
public sealed class SeccompKernelTests
{
    private const int Eperm = 1;
    private const int Enosys = 38;
    private const long SyslogActionSizeBuffer = 10;
    private const long KeyctlGetKeyringId = 0;
    private const long KeySpecSessionKeyring = -3;
    private const long CloneNewUser = 0x10000000;
    private const long CloneFiles = 0x400;

    [Fact]
    public void Install_Default_DeniesOnTheInstallingThreadOnly()
    {
        var pid = Environment.ProcessId;
        var testTid = KernelNative.gettid();
        var before = ProcessSecurity.ReadTask(pid, testTid)!;

        var seen = KernelNative.OnNewThread(() =>
        {
            Seccomp.Install(SeccompProfiles.Default);
            return new
            {
                Tid = KernelNative.gettid(),
                Keyctl = KernelNative.Call(KernelNative.SysKeyctl, KeyctlGetKeyringId, KeySpecSessionKeyring),
                Syslog = KernelNative.Call(KernelNative.SysSyslog, SyslogActionSizeBuffer),
                UnshareUser = KernelNative.Call(KernelNative.SysUnshare, CloneNewUser),
                UnshareFiles = KernelNative.Call(KernelNative.SysUnshare, CloneFiles),
                Clone3 = KernelNative.Call(KernelNative.SysClone3, 0, 0),
                Personality = KernelNative.Call(KernelNative.SysPersonality, 0xFFFFFFFF),
                Getpid = KernelNative.Call(KernelNative.SysGetpid),
                NoNewPrivs = Seccomp.GetNoNewPrivs(),
                Self = ProcessSecurity.ReadDirectory("/proc/thread-self")!,
            };
        });

        Assert.Equal((-1L, Eperm), seen.Keyctl);
        Assert.Equal((-1L, Eperm), seen.Syslog);
        Assert.Equal((-1L, Eperm), seen.UnshareUser);
        Assert.Equal(0, seen.UnshareFiles.Errno);
        Assert.Equal((-1L, Enosys), seen.Clone3);
        Assert.Equal(0, seen.Personality.Errno);
        Assert.Equal(((long)pid, 0), seen.Getpid);
        Assert.True(seen.NoNewPrivs);
        Assert.Equal(SeccompMode.Filter, seen.Self.Seccomp);
        Assert.True(seen.Self.NoNewPrivs);

        // The filter and no_new_privs stayed on the dedicated thread: this one is as it was.
        var after = ProcessSecurity.ReadTask(pid, testTid)!;
        Assert.NotEqual(testTid, seen.Tid);
        Assert.Equal(before.Seccomp, after.Seccomp);
        Assert.Equal(before.NoNewPrivs, after.NoNewPrivs);
        Assert.Equal(before.SeccompFilters, after.SeccompFilters);
        Assert.False(Seccomp.GetNoNewPrivs() && !before.NoNewPrivs);
    }

    [Fact]
    public void Install_EmptyProgram_Throws()
    {
        Assert.Throws<ArgumentException>(() => Seccomp.Install(ReadOnlySpan<SockFilter>.Empty));
    }

    [Fact]
    public void Install_ProgramTheKernelRejects_ThrowsLinuxExceptionWithEinval()
    {
        // A load past the end of seccomp_data fails the kernel's checker; runs on its own thread because
        // no_new_privs is set before the filter is tried.
        var error = KernelNative.OnNewThread(() =>
            Assert.Throws<LinuxException>(() => Seccomp.Install([new SockFilter(Bpf.Ld | Bpf.W | Bpf.Abs, 0, 0, 1000), new SockFilter(Bpf.Ret | Bpf.K, 0, 0, SeccompAction.Allow.Value)])));

        Assert.Equal(22, error.Errno);
        Assert.Contains("PR_SET_SECCOMP", error.Operation, StringComparison.Ordinal);
    }
}
