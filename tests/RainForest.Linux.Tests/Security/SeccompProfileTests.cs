using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Security;

/// <summary>Runs the compiled default profile in <see cref="SeccompInterpreter"/>: one case per rule, its allowed neighbours, and the arch and x32 checks.</summary>
public sealed class SeccompProfileTests
{
    private const int Eperm = 1;
    private const int Enosys = 38;

    private static readonly SeccompProfile s_profile = SeccompProfiles.DefaultFor(SeccompArchitecture.X64);
    private static readonly SockFilter[] s_program = s_profile.Compile();

    private static readonly string[] s_documentedDenials =
    [
        "keyctl", "add_key", "request_key", "bpf", "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
        "open_by_handle_at", "settimeofday", "clock_settime", "syslog", "swapon", "swapoff", "reboot", "acct", "quotactl", "quotactl_fd",
        "iopl", "ioperm", "mount", "umount2", "pivot_root", "open_tree", "open_tree_attr", "move_mount", "fsopen", "fsconfig", "fsmount",
        "fspick", "mount_setattr", "setns", "sethostname", "setdomainname", "lookup_dcookie", "fanotify_init", "userfaultfd",
        "io_uring_setup", "io_uring_enter", "io_uring_register", "kcmp", "pidfd_getfd", "process_madvise", "mbind", "set_mempolicy",
        "get_mempolicy", "set_mempolicy_home_node", "migrate_pages", "move_pages", "vhangup", "uselib", "ustat", "sysfs", "_sysctl",
        "nfsservctl", "get_kernel_syms", "create_module", "query_module", "getpmsg", "putpmsg", "afs_syscall", "tuxcall", "security",
        "vserver", "clone3", "clone", "unshare", "perf_event_open", "personality", "ioctl", "socket",
    ];

    public static TheoryData<string> UnconditionalRules()
    {
        var data = new TheoryData<string>();
        foreach (var rule in s_profile.Rules.Where(r => r.When is null))
        {
            data.Add(rule.Name);
        }

        return data;
    }

    private static int Nr(string name) => SeccompArchitecture.X64.Number(name);

    private static SeccompAction Run(string name, params ulong[] args) => SeccompInterpreter.Run(s_program, Nr(name), SeccompInterpreter.AuditArchX64, args);

    [Fact]
    public void Default_Rules_AreTheDocumentedListWithReasons()
    {
        Assert.Equal(s_documentedDenials.Order(StringComparer.Ordinal), s_profile.Rules.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.All(s_profile.Rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
    }

    [Fact]
    public void Default_Program_FitsAndEndsInAllow()
    {
        Assert.InRange(s_program.Length, 1, Bpf.MaxInstructions);
        Assert.Equal(new SockFilter(Bpf.Ret | Bpf.K, 0, 0, SeccompAction.Allow.Value), s_program[^1]);
    }

    [Theory]
    [MemberData(nameof(UnconditionalRules))]
    public void UnconditionalRule_AnyArguments_GetsItsAction(string name)
    {
        var expected = name == "clone3" ? SeccompAction.Errno(Enosys) : SeccompAction.Errno(Eperm);

        Assert.Equal(expected, Run(name));
        Assert.Equal(expected, Run(name, ulong.MaxValue, 1, 2, 3, 4, 5));
    }

    [Fact]
    public void Clone3_IsEnosysSoGlibcFallsBackToClone()
    {
        Assert.Equal(Enosys, Run("clone3").ErrnoValue);
        Assert.Equal(Eperm, Run("keyctl").ErrnoValue);
    }

    [Theory]
    [InlineData(0x01200011UL, true)] // fork(): CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD
    [InlineData(0x003D0F00UL, true)] // pthread_create's flags
    [InlineData(0x80UL | 0x11, true)] // 0x80 is part of the exit signal for clone, not CLONE_NEWTIME
    [InlineData(0x00020000UL | 0x11, false)] // CLONE_NEWNS
    [InlineData(0x02000000UL, false)] // CLONE_NEWCGROUP
    [InlineData(0x04000000UL, false)] // CLONE_NEWUTS
    [InlineData(0x08000000UL, false)] // CLONE_NEWIPC
    [InlineData(0x10000000UL, false)] // CLONE_NEWUSER
    [InlineData(0x20000000UL, false)] // CLONE_NEWPID
    [InlineData(0x40000000UL, false)] // CLONE_NEWNET
    [InlineData(0xFFFFFFFF00000011UL, true)] // high half ignored: the kernel takes the low 32 bits
    [InlineData(0xFFFFFFFF10000000UL, false)]
    public void Clone_NamespaceFlags_AreDenied(ulong flags, bool allowed)
    {
        Assert.Equal(allowed ? SeccompAction.Allow : SeccompAction.Errno(Eperm), Run("clone", flags));
    }

    [Theory]
    [InlineData(0x400UL, true)] // CLONE_FILES
    [InlineData(0x200UL, true)] // CLONE_FS
    [InlineData(0x80UL, false)] // CLONE_NEWTIME
    [InlineData(0x00020000UL, false)]
    [InlineData(0x10000000UL, false)]
    [InlineData(0x40000400UL, false)]
    public void Unshare_NamespaceFlags_AreDenied(ulong flags, bool allowed)
    {
        Assert.Equal(allowed ? SeccompAction.Allow : SeccompAction.Errno(Eperm), Run("unshare", flags));
    }

    [Theory]
    [InlineData(0UL, true)] // the calling task
    [InlineData(1234UL, true)]
    [InlineData(0xFFFFFFFFUL, false)] // pid -1 as an int
    [InlineData(0xFFFFFFFFFFFFFFFFUL, false)] // pid -1 sign-extended
    public void PerfEventOpen_OnlyPidMinusOne_IsDenied(ulong pid, bool allowed)
    {
        Assert.Equal(allowed ? SeccompAction.Allow : SeccompAction.Errno(Eperm), Run("perf_event_open", 0x7fff0000, pid, 0xFFFFFFFF));
    }

    [Theory]
    [InlineData(0x0UL, true)]
    [InlineData(0x8UL, true)]
    [InlineData(0x20000UL, true)]
    [InlineData(0x20008UL, true)]
    [InlineData(0xFFFFFFFFUL, true)]
    [InlineData(0x0040000UL, false)] // ADDR_NO_RANDOMIZE
    [InlineData(0x0400000UL, false)] // READ_IMPLIES_EXEC
    [InlineData(0x1UL, false)]
    public void Personality_OnlyDockersValues_AreAllowed(ulong persona, bool allowed)
    {
        Assert.Equal(allowed ? SeccompAction.Allow : SeccompAction.Errno(Eperm), Run("personality", persona));
    }

    [Theory]
    [InlineData(0x5412UL, false)] // TIOCSTI
    [InlineData(0x541CUL, false)] // TIOCLINUX
    [InlineData(0x5413UL, true)] // TIOCGWINSZ
    [InlineData(0x5401UL, true)] // TCGETS
    public void Ioctl_TerminalInjection_IsDenied(ulong request, bool allowed)
    {
        Assert.Equal(allowed ? SeccompAction.Allow : SeccompAction.Errno(Eperm), Run("ioctl", 0, request));
    }

    [Theory]
    [InlineData(16UL, true)] // AF_NETLINK
    [InlineData(2UL, true)] // AF_INET
    [InlineData(1UL, true)] // AF_UNIX
    [InlineData(40UL, false)] // AF_VSOCK
    public void Socket_OnlyVsock_IsDenied(ulong family, bool allowed)
    {
        Assert.Equal(allowed ? SeccompAction.Allow : SeccompAction.Errno(Eperm), Run("socket", family, 1, 0));
    }

    [Theory]
    [InlineData(0)] // read
    [InlineData(39)] // getpid
    [InlineData(59)] // execve
    [InlineData(101)] // ptrace (Docker allows on 4.8+)
    [InlineData(159)] // adjtimex
    [InlineData(161)] // chroot
    [InlineData(303)] // name_to_handle_at
    [InlineData(305)] // clock_adjtime
    [InlineData(310)] // process_vm_readv
    [InlineData(311)] // process_vm_writev
    [InlineData(462)] // mseal
    public void NotListed_IsAllowed(int nr)
    {
        Assert.Equal(SeccompAction.Allow, SeccompInterpreter.Run(s_program, nr, SeccompInterpreter.AuditArchX64, 0x10000000, 0x5412, 0xFFFFFFFF));
    }

    [Theory]
    [InlineData(SeccompInterpreter.AuditArchI386)]
    [InlineData(SeccompInterpreter.AuditArchAarch64)]
    [InlineData(0u)]
    public void WrongArchitecture_KillsTheProcess(uint arch)
    {
        Assert.Equal(SeccompAction.KillProcess, SeccompInterpreter.Run(s_program, 39, arch));
        Assert.Equal(SeccompAction.KillProcess, SeccompInterpreter.Run(s_program, 250, arch));
    }

    [Theory]
    [InlineData(0x40000000 | 250)] // x32 keyctl
    [InlineData(0x40000000 | 39)] // x32 getpid
    [InlineData(0x40000000 | 513)] // x32-only numbers start at 512
    [InlineData(unchecked((int)0xFFFFFFFF))] // -1 as unsigned is above the x32 bit too
    public void X32Abi_IsEnosys(int nr)
    {
        Assert.Equal(SeccompAction.Errno(Enosys), SeccompInterpreter.Run(s_program, nr, SeccompInterpreter.AuditArchX64));
    }

    [Fact]
    public void Compile_Full64Conditions_CompareBothHalves()
    {
        var profile = new SeccompProfile("t", SeccompArchitecture.X64,
        [
            new SeccompRule("ioctl", 16, SeccompAction.Errno(Eperm), "t", SeccompArgCondition.OneOf(1, SeccompArgWidth.Full64, 0x1_0000_5412)),
            new SeccompRule("clone", 56, SeccompAction.Errno(Eperm), "t", SeccompArgCondition.AnyBitSet(0, 0x1_0000_0000, SeccompArgWidth.Full64)),
            new SeccompRule("personality", 135, SeccompAction.Errno(Eperm), "t", SeccompArgCondition.NoneOf(0, SeccompArgWidth.Full64, 0x2_0000_0008)),
        ]);
        var program = profile.Compile();

        Assert.Equal(SeccompAction.Errno(Eperm), SeccompInterpreter.Run(program, 16, SeccompInterpreter.AuditArchX64, 0, 0x1_0000_5412));
        Assert.Equal(SeccompAction.Allow, SeccompInterpreter.Run(program, 16, SeccompInterpreter.AuditArchX64, 0, 0x5412));
        Assert.Equal(SeccompAction.Errno(Eperm), SeccompInterpreter.Run(program, 56, SeccompInterpreter.AuditArchX64, 0x1_0000_0000));
        Assert.Equal(SeccompAction.Allow, SeccompInterpreter.Run(program, 56, SeccompInterpreter.AuditArchX64, 0xFFFF_FFFF));
        Assert.Equal(SeccompAction.Allow, SeccompInterpreter.Run(program, 135, SeccompInterpreter.AuditArchX64, 0x2_0000_0008));
        Assert.Equal(SeccompAction.Errno(Eperm), SeccompInterpreter.Run(program, 135, SeccompInterpreter.AuditArchX64, 0x8));
    }

    [Fact]
    public void Profile_DuplicateSyscall_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SeccompProfile("t", SeccompArchitecture.X64,
        [
            new SeccompRule("bpf", 321, SeccompAction.Errno(Eperm), "a"),
            new SeccompRule("bpf", 321, SeccompAction.Errno(Eperm), "b"),
        ]));
    }

    [Fact]
    public void Condition_Low32WithHighBits_Throws()
    {
        Assert.Throws<ArgumentException>(() => SeccompArgCondition.OneOf(0, SeccompArgWidth.Low32, 0x1_0000_0000));
        Assert.Throws<ArgumentException>(() => SeccompArgCondition.AnyBitSet(6, 1));
    }

    [Fact]
    public void Default_OnThisMachine_IsX64()
    {
        Assert.Equal(System.Runtime.InteropServices.Architecture.X64, System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture);
        Assert.Same(SeccompArchitecture.X64, SeccompProfiles.Default.Architecture);
    }
}
