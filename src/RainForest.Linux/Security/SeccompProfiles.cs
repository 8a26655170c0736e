using RainForest.Interop;

namespace RainForest.Linux.Security;

/// <summary>The seccomp profiles RainForest ships.</summary>
/// <remarks>
/// <see cref="Default"/> is a deny list taken from Docker's default profile (moby
/// profiles/seccomp/default.json): every x86_64 call that profile does not allow to a container without
/// extra capabilities, plus io_uring and the two terminal-injection ioctls. Docker's profile is an allow
/// list; a deny list lets new, harmless system calls through without a RainForest release, at the cost of
/// letting new dangerous ones through too, which is why the list is reviewed with each kernel RainForest
/// supports. Calls Docker allows are allowed here: <c>chroot</c>, <c>ptrace</c>, <c>process_vm_readv</c>,
/// <c>process_vm_writev</c>, <c>name_to_handle_at</c>, <c>adjtimex</c> and <c>clock_adjtime</c> (the kernel
/// still asks CAP_SYS_TIME before either changes the clock), and netlink sockets.
/// <para>
/// Argument tests compare the low 32 bits only (<see cref="SeccompArgWidth.Low32"/>): each argument tested
/// is an <c>int</c> or <c>unsigned int</c> in the kernel (socket's family, ioctl's request, personality,
/// perf_event_open's pid) or is cut to 32 bits by it (clone's flags), so the high half never reaches the
/// kernel and testing it would only open a way around an equality test. unshare's flags are
/// <c>unsigned long</c>, but the kernel fails any bit above 31 with EINVAL, so a high half cannot carry a
/// namespace either.
/// </para>
/// </remarks>
public static class SeccompProfiles
{
    // Namespace bits of clone(2) flags. CLONE_NEWTIME (0x80) is left out for clone: there the low byte is
    // the exit signal (CSIGNAL), so 0x80 is not a namespace bit; unshare and clone3 take it.
    private const ulong CloneNamespaceFlags = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
    private const ulong CloneNewTime = 0x80;
    private const ulong PidAll = 0xFFFFFFFF;
    private const ulong Tiocsti = 0x5412;
    private const ulong Tioclinux = 0x541C;
    private const ulong AfVsock = 40;

    /// <summary>The default profile for the running machine.</summary>
    /// <exception cref="PlatformNotSupportedException">The machine is not x86_64.</exception>
    public static SeccompProfile Default => DefaultFor(SeccompArchitecture.Current);

    /// <summary>The default profile for <paramref name="architecture"/>, whatever the running machine is.</summary>
    public static SeccompProfile DefaultFor(SeccompArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var eperm = SeccompAction.Errno(Errno.EPERM);
        var rules = new List<SeccompRule>();

        void Deny(string reason, params string[] names)
        {
            foreach (var name in names)
            {
                rules.Add(new SeccompRule(name, architecture.Number(name), eperm, reason));
            }
        }

        void DenyWhen(string name, SeccompArgCondition when, string reason) =>
            rules.Add(new SeccompRule(name, architecture.Number(name), eperm, reason, when));

        Deny("kernel keyrings are not namespaced", "keyctl", "add_key", "request_key");
        Deny("loads programs into the kernel (CAP_BPF)", "bpf");
        Deny("loads or removes kernel modules (CAP_SYS_MODULE)", "init_module", "finit_module", "delete_module");
        Deny("replaces the running kernel (CAP_SYS_BOOT)", "kexec_load", "kexec_file_load");
        Deny("opens files by handle past path checks, the 'shocker' escape (CAP_DAC_READ_SEARCH)", "open_by_handle_at");
        Deny("the clock is not namespaced (CAP_SYS_TIME)", "settimeofday", "clock_settime");
        Deny("the kernel log is the host's and leaks kernel addresses (CAP_SYSLOG)", "syslog");
        Deny("swap is the host's (CAP_SYS_ADMIN)", "swapon", "swapoff");
        Deny("reboots the host or kills the pid namespace's init (CAP_SYS_BOOT)", "reboot");
        Deny("process accounting is host-wide (CAP_SYS_PACCT)", "acct");
        Deny("disk quotas are the host's (CAP_SYS_ADMIN)", "quotactl", "quotactl_fd");
        Deny("raw I/O port access (CAP_SYS_RAWIO)", "iopl", "ioperm");
        Deny(
            "changes the mount table (CAP_SYS_ADMIN)",
            "mount", "umount2", "pivot_root", "open_tree", "open_tree_attr", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr");
        Deny("joins another namespace (CAP_SYS_ADMIN)", "setns");
        Deny("names are set by the agent before the workload starts (CAP_SYS_ADMIN)", "sethostname", "setdomainname");
        Deny("kernel profiling internals (CAP_SYS_ADMIN)", "lookup_dcookie");
        Deny("watches whole file systems (CAP_SYS_ADMIN)", "fanotify_init");
        Deny("lets user space stall kernel page faults, a common exploit aid", "userfaultfd");
        Deny("io_uring operations run outside seccomp's view and its kernel code has a long CVE record", "io_uring_setup", "io_uring_enter", "io_uring_register");
        Deny("inspects or acts on other processes' files and memory (CAP_SYS_PTRACE)", "kcmp", "pidfd_getfd", "process_madvise");
        Deny(
            "NUMA placement belongs to the supervisor's cpuset (CAP_SYS_NICE)",
            "mbind", "set_mempolicy", "get_mempolicy", "set_mempolicy_home_node", "migrate_pages", "move_pages");
        Deny("hangs up the terminal (CAP_SYS_TTY_CONFIG)", "vhangup");
        Deny("obsolete interface", "uselib", "ustat", "sysfs", "_sysctl", "nfsservctl", "get_kernel_syms", "create_module", "query_module");
        Deny("never implemented", "getpmsg", "putpmsg", "afs_syscall", "tuxcall", "security", "vserver");

        rules.Add(new SeccompRule(
            "clone3",
            architecture.Number("clone3"),
            SeccompAction.Errno(Errno.ENOSYS),
            "its flags are in memory seccomp cannot read; ENOSYS makes glibc fall back to clone"));
        DenyWhen(
            "clone",
            SeccompArgCondition.AnyBitSet(0, CloneNamespaceFlags),
            "creates namespaces (CAP_SYS_ADMIN; user namespaces open kernel code to the unprivileged)");
        DenyWhen(
            "unshare",
            SeccompArgCondition.AnyBitSet(0, CloneNamespaceFlags | CloneNewTime),
            "creates namespaces (CAP_SYS_ADMIN; user namespaces open kernel code to the unprivileged)");
        DenyWhen(
            "perf_event_open",
            SeccompArgCondition.OneOf(1, SeccompArgWidth.Low32, PidAll),
            "pid -1 counts system-wide or per CPU, seeing other subOSes; per-task counting stays allowed");
        DenyWhen(
            "personality",
            SeccompArgCondition.NoneOf(0, SeccompArgWidth.Low32, 0x0, 0x8, 0x20000, 0x20008, 0xFFFFFFFF),
            "only PER_LINUX, UNAME26, PER_LINUX32 and the query are harmless; others can turn off ASLR or NX");
        DenyWhen(
            "ioctl",
            SeccompArgCondition.OneOf(1, SeccompArgWidth.Low32, Tiocsti, Tioclinux),
            "TIOCSTI and TIOCLINUX inject input into a terminal another process reads");
        DenyWhen(
            "socket",
            SeccompArgCondition.OneOf(0, SeccompArgWidth.Low32, AfVsock),
            "AF_VSOCK reaches the hypervisor host (Docker denies it); netlink stays allowed");

        return new SeccompProfile("rainforest-default", architecture, rules);
    }
}
