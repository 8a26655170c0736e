namespace RainForest.Supervisor.Tests.Security;

/// <summary>
/// The attempts the suite makes from inside an unprivileged subOS: the theory data of
/// <see cref="GuardTests"/> and <see cref="PrivilegedControlTests"/>, and the table in docs/security.md.
/// </summary>
/// <remarks>
/// Each script writes back what a file already holds, opens without writing, sends signal 0, or hands the
/// kernel an argument it rejects after the permission check (bad reboot magic, bad kexec flags, a swap file
/// that does not exist): the suite runs on a machine that also runs other work, and must stay harmless
/// there even where the guard fails.
/// </remarks>
public static class Attempts
{
    private const string P = Probe.InsidePath;
    private const string Allowed = "allowed";
    private const string Denied = "denied";

    // runc's default capability set: CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID,
    // SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE.
    private const string RuncCaps = "00000000a80425fb";

    private static readonly Expectation s_eperm = Expectation.Errno("EPERM");
    private static readonly Expectation s_eacces = Expectation.Errno("EACCES");
    private static readonly Expectation s_erofs = Expectation.Errno("EROFS");
    private static readonly Expectation s_enoent = Expectation.Errno("ENOENT");
    private static readonly Expectation s_esrch = Expectation.Errno("ESRCH");
    private static readonly Expectation s_empty = Expectation.Output("0", "empty");

    /// <summary>Every attempt, in the order of the table.</summary>
    public static IReadOnlyList<Attempt> All { get; } =
    [
        // Capabilities and namespaces.
        new("C01", AttemptGroup.Capabilities, "effective capabilities", "grep CapEff /proc/self/status | cut -f2",
            Expectation.Output(RuncCaps, "runc's default set"), Allowed)
        {
            Privileged = Expectation.Output("0+1f[0-9a-f]+", "the host root's set"),
        },
        new("C02", AttemptGroup.Capabilities, "bounding set", "grep CapBnd /proc/self/status | cut -f2",
            Expectation.Output(RuncCaps, "runc's default set"), Allowed),
        new("C03", AttemptGroup.Capabilities, "no_new_privs and seccomp mode", "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status | cut -f2 | tr '\\n' ' '",
            Expectation.Output("1 2", "no_new_privs set, filter mode"), Allowed),
        new("C04", AttemptGroup.Capabilities, "uid_map is not the identity", "cat /proc/self/uid_map",
            Expectation.Output(@"0\s+1[0-9]{9}\s+65536", "root inside = a host id >= 2^30"), Allowed)
        {
            Privileged = Expectation.Output(@"0\s+0\s+4294967295", "identity"),
        },
        new("C05", AttemptGroup.Capabilities, "unshare -U (user namespace)", "unshare -U true", s_eperm, Allowed)
        {
            Privileged = Expectation.Output(string.Empty, "succeeded"),
        },
        new("C06", AttemptGroup.Capabilities, "unshare -m (mount namespace)", "unshare -m true", s_eperm, Allowed),
        new("C07", AttemptGroup.Capabilities, "unshare -n (network namespace)", "unshare -n true", s_eperm, Allowed),
        new("C08", AttemptGroup.Capabilities, "unshare -p -f (pid namespace)", "unshare -p -f true", s_eperm, Allowed),
        new("C09", AttemptGroup.Capabilities, "unshare -C (cgroup namespace)", "unshare -C true", s_eperm, Allowed),
        new("C10", AttemptGroup.Capabilities, "nsenter -t 1 -a (the agent's namespaces)", "nsenter -t 1 -a true", s_eacces, Allowed),
        new("C11", AttemptGroup.Capabilities, "setns into its own uts namespace", $"{P} setns-self", s_eperm, Allowed)
        {
            Privileged = Expectation.Output("OK", "succeeded"),
        },
        new("C12", AttemptGroup.Capabilities, "unshare(CLONE_NEWUSER) system call", $"{P} unshare-user", s_eperm, Allowed),
        new("C13", AttemptGroup.Capabilities, "clone(CLONE_NEWNS)", $"{P} clone-newns", s_eperm, Allowed),
        new("C14", AttemptGroup.Capabilities, "clone3 (flags out of seccomp's sight)", $"{P} clone3", Expectation.Errno("ENOSYS"), Allowed),
        new("C15", AttemptGroup.Capabilities, "capset: raise CAP_SYS_ADMIN", $"{P} capset-sys-admin", s_eperm, Allowed),
        new("C16", AttemptGroup.Capabilities, "prctl: ambient CAP_SYS_ADMIN", $"{P} ambient-sys-admin", s_eperm, Allowed),
        new("C17", AttemptGroup.Capabilities, "setpriv --inh-caps +sys_admin", "setpriv --inh-caps +sys_admin true", s_eperm, Allowed),
        new("C18", AttemptGroup.Capabilities, "prctl: clear no_new_privs", $"{P} clear-no-new-privs", Expectation.Errno("EINVAL"), Denied),
        new("C19", AttemptGroup.Capabilities, "setuid-root binary run by uid 1000",
            $"cp {P} /var/tmp/rf-suid && chmod 4755 /var/tmp/rf-suid && setpriv --reuid=1000 --regid=1000 --clear-groups /var/tmp/rf-suid euid",
            Expectation.Output("1000", "no gain (euid stays 1000)"), Allowed)
        {
            Privileged = Expectation.Output("0", "gained euid 0"),
        },
        new("C20", AttemptGroup.Capabilities, "kill -0 1 (the agent)", "kill -0 1", s_eperm, Allowed),
        new("C21", AttemptGroup.Capabilities, "personality(ADDR_NO_RANDOMIZE)", $"{P} personality", s_eperm, Allowed),

        // Mounts, remounts, root changes.
        new("M01", AttemptGroup.Mounts, "remount / rw", "mount -o remount,rw /", s_eperm, Allowed),
        new("M02", AttemptGroup.Mounts, "remount /sys rw", "mount -o remount,rw /sys", s_eperm, Allowed),
        new("M03", AttemptGroup.Mounts, "remount /proc/sys rw", "mount -o remount,rw /proc/sys", s_eperm, Allowed),
        new("M04", AttemptGroup.Mounts, "remount /run/rainforest rw", "mount -o remount,rw /run/rainforest", s_eperm, Allowed),
        new("M05", AttemptGroup.Mounts, "remount /run/rainforest/bin rw", "mount -o remount,rw /run/rainforest/bin", s_eperm, Allowed),
        new("M06", AttemptGroup.Mounts, "remount the cgroup file system rw", "mount -o remount,rw {cgdir}", s_eperm, Allowed),
        new("M07", AttemptGroup.Mounts, "umount -l /tmp", "umount -l /tmp", s_eperm, Allowed),
        new("M08", AttemptGroup.Mounts, "umount -l /run/rainforest", "umount -l /run/rainforest", s_eperm, Allowed),
        new("M09", AttemptGroup.Mounts, "umount -l /etc/hosts", "umount -l /etc/hosts", s_eperm, Allowed),
        new("M10", AttemptGroup.Mounts, "umount a masked file (/proc/kallsyms)", "umount -l /proc/kallsyms", s_eperm, Allowed),
        new("M11", AttemptGroup.Mounts, "umount a masked directory (/sys/firmware)", "umount -l /sys/firmware", s_eperm, Allowed),
        new("M12", AttemptGroup.Mounts, "mount a tmpfs", "mkdir -p /tmp/m && mount -t tmpfs rf-probe /tmp/m && umount /tmp/m && echo mounted", s_eperm, Allowed)
        {
            Privileged = Expectation.Output("mounted", "succeeded"),
        },
        new("M13", AttemptGroup.Mounts, "mount a fresh proc", "mkdir -p /tmp/m && mount -t proc proc /tmp/m", s_eperm, Allowed),
        new("M14", AttemptGroup.Mounts, "bind-mount / elsewhere", "mkdir -p /tmp/m && mount --bind / /tmp/m", s_eperm, Allowed),
        new("M15", AttemptGroup.Mounts, "pivot_root", "pivot_root /tmp /tmp/old", s_eperm, Allowed),
        new("M16", AttemptGroup.Mounts, "chroot escape (chroot, cd .. x64, chroot .) to a host-only file", $"{P} chroot-escape {{hostMarker}}",
            Expectation.Output("STILL-INSIDE", "still inside the subOS's root"), Denied),
        new("M17", AttemptGroup.Mounts, "fsopen (new mount API)", $"{P} fsopen", s_eperm, Allowed),
        new("M18", AttemptGroup.Mounts, "open_tree(OPEN_TREE_CLONE) of /", $"{P} open_tree", s_eperm, Allowed),

        // The cgroup file system.
        new("G01", AttemptGroup.Cgroups, "write own cpuset.cpus (same value)", "f={cg:cpuset.cpus}; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Denied)
        {
            HostFile = "{hostcg:cpuset.cpus}",
        },
        new("G02", AttemptGroup.Cgroups, "write own memory limit (same value)", "f={cg:memory.limit}; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Denied)
        {
            HostFile = "{hostcg:memory.limit}",
        },
        new("G03", AttemptGroup.Cgroups, "write own pids.max (same value)", "f={cg:pids.max}; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Denied)
        {
            HostFile = "{hostcg:pids.max}",
        },
        new("G04", AttemptGroup.Cgroups, "write own cgroup.procs (its own pid)", "echo $$ > {cg:cgroup.procs}", s_erofs, Denied),
        new("G05", AttemptGroup.Cgroups, "create a child cgroup", "mkdir {cgdir}/rf-child", s_erofs, Denied),
        new("G06", AttemptGroup.Cgroups, "mount cgroup v1 devices", "mkdir -p /tmp/m && mount -t cgroup -o devices none /tmp/m", s_eperm, Allowed),
        new("G07", AttemptGroup.Cgroups, "mount cgroup v1 freezer", "mkdir -p /tmp/m && mount -t cgroup -o freezer none /tmp/m", s_eperm, Allowed),
        new("G08", AttemptGroup.Cgroups, "mount cgroup2", "mkdir -p /tmp/m && mount -t cgroup2 none /tmp/m", s_eperm, Allowed),
        new("G09", AttemptGroup.Cgroups, "reach release_agent", "ls /sys/fs/cgroup/release_agent /sys/fs/cgroup/*/release_agent", s_enoent, Denied),
        new("G10", AttemptGroup.Cgroups, "own cgroup paths", "cut -d: -f3 /proc/self/cgroup | sort -u",
            Expectation.Output("/", "/ only (cgroup namespace)"), Denied),
        new("G11", AttemptGroup.Cgroups, "other groups under /sys/fs/cgroup", "find /sys/fs/cgroup -mindepth 1 -type d -name '*neighbour*' -o -name 'rf-*' | wc -l",
            s_empty, Denied),

        // /proc and /sys.
        new("P01", AttemptGroup.ProcSys, "kernel.core_pattern (same value)", "f=/proc/sys/kernel/core_pattern; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Allowed)
        {
            HostFile = "/proc/sys/kernel/core_pattern",
        },
        new("P02", AttemptGroup.ProcSys, "vm.drop_caches (open for writing only)", $"{P} openw /proc/sys/vm/drop_caches", Expectation.Errno("EACCES|EROFS"), Allowed),
        new("P03", AttemptGroup.ProcSys, "kernel.panic_on_oops (same value)", "f=/proc/sys/kernel/panic_on_oops; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Allowed)
        {
            HostFile = "/proc/sys/kernel/panic_on_oops",
        },
        new("P04", AttemptGroup.ProcSys, "kernel.kptr_restrict (same value)", "f=/proc/sys/kernel/kptr_restrict; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Allowed)
        {
            HostFile = "/proc/sys/kernel/kptr_restrict",
        },
        new("P05", AttemptGroup.ProcSys, "vm.overcommit_memory (same value)", "f=/proc/sys/vm/overcommit_memory; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Allowed)
        {
            HostFile = "/proc/sys/vm/overcommit_memory",
        },
        new("P06", AttemptGroup.ProcSys, "kernel.randomize_va_space (same value)", "f=/proc/sys/kernel/randomize_va_space; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Allowed)
        {
            HostFile = "/proc/sys/kernel/randomize_va_space",
        },
        new("P07", AttemptGroup.ProcSys, "an IRQ's smp_affinity (same value)", "f={irq}; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Allowed)
        {
            HostFile = "{irq}",
        },
        new("P08", AttemptGroup.ProcSys, "default_smp_affinity (same value)", "f=/proc/irq/default_smp_affinity; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Allowed)
        {
            HostFile = "/proc/irq/default_smp_affinity",
        },
        new("P09", AttemptGroup.ProcSys, "a CPU's online file (same value)", "f={cpuOnline}; v=$(cat $f) && echo \"$v\" > $f", s_erofs, Denied)
        {
            HostFile = "{cpuOnline}",
        },
        new("P10", AttemptGroup.ProcSys, "transparent_hugepage/enabled (open for writing only)", $"{P} openw /sys/kernel/mm/transparent_hugepage/enabled", s_erofs, Denied),
        new("P11", AttemptGroup.ProcSys, "/proc/sysrq-trigger", "if [ -e /proc/sysrq-trigger ]; then stat -c %t:%T /proc/sysrq-trigger; else echo absent; fi",
            Expectation.Output("1:3|absent", "/dev/null (or absent)"), Allowed),
        new("P12", AttemptGroup.ProcSys, "/proc/kcore", "if [ -e /proc/kcore ]; then wc -c < /proc/kcore; else echo 0; fi", s_empty, Allowed),
        new("P13", AttemptGroup.ProcSys, "/proc/kallsyms addresses", "grep -vc '^0000000000000000 ' /proc/kallsyms || true", s_empty, Allowed),
        new("P14", AttemptGroup.ProcSys, "/proc/keys", "wc -c < /proc/keys", s_empty, Allowed),
        new("P15", AttemptGroup.ProcSys, "/proc/timer_list", "if [ -e /proc/timer_list ]; then wc -c < /proc/timer_list; else echo 0; fi", s_empty, Allowed),
        new("P16", AttemptGroup.ProcSys, "/sys/firmware", "ls -A /sys/firmware | wc -l", s_empty, Allowed),
        new("P17", AttemptGroup.ProcSys, "/sys/kernel/debug", "ls -A /sys/kernel/debug | wc -l", s_empty, Allowed),
        new("P18", AttemptGroup.ProcSys, "/sys/kernel/tracing", "ls -A /sys/kernel/tracing | wc -l", s_empty, Allowed),
        new("P19", AttemptGroup.ProcSys, "own oom_score_adj to -1000 (never chosen by the OOM killer)", "/bin/echo -1000 > /proc/self/oom_score_adj", s_eacces, Allowed),
        new("P20", AttemptGroup.ProcSys, "the agent's oom_score_adj (same value)", "f=/proc/1/oom_score_adj; v=$(cat $f) && echo \"$v\" > $f", s_eacces, Allowed)
        {
            HostFile = "/proc/{agentPid}/oom_score_adj",
        },
        new("P21", AttemptGroup.ProcSys, "dmesg", "dmesg", s_eperm, Allowed),

        // Devices.
        new("D01", AttemptGroup.Devices, "mknod the host's disk (block) in /tmp", "mknod /tmp/rf-disk b {diskNumbers}", s_eperm, Allowed),
        new("D02", AttemptGroup.Devices, "mknod the host's disk in / (no nodev there)", "mknod /var/tmp/rf-disk b {diskNumbers}", s_eperm, Allowed),
        new("D03", AttemptGroup.Devices, "mknod /dev/kvm (char 10:232)", "mknod /tmp/rf-kvm c 10 232", s_eperm, Allowed),
        new("D04", AttemptGroup.Devices, "mknod /dev/mem (char 1:1) in /dev", "mknod /dev/rf-mem c 1 1", s_eacces, Allowed),
        new("D05", AttemptGroup.Devices, "open /dev/mem", "cat /dev/mem", s_enoent, Denied),
        new("D06", AttemptGroup.Devices, "open /dev/kmsg", "cat /dev/kmsg", s_enoent, Denied),
        new("D07", AttemptGroup.Devices, "open the host's disk by name", "cat /dev/{diskName}", s_enoent, Denied),
        new("D08", AttemptGroup.Devices, "list /dev", "ls /dev | tr '\\n' ' '",
            Expectation.Output("fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero", "the minimal set"), Denied),

        // Kernel interfaces, one system call each (probe.c).
        new("K01", AttemptGroup.Kernel, "bpf(BPF_MAP_CREATE)", $"{P} bpf", s_eperm, Allowed)
        {
            Privileged = Expectation.Output("OK", "succeeded"),
        },
        new("K02", AttemptGroup.Kernel, "perf_event_open system-wide (pid -1, cpu 0)", $"{P} perf-system-wide", s_eperm, Allowed)
        {
            Privileged = Expectation.Output("OK", "succeeded"),
        },
        new("K03", AttemptGroup.Kernel, "keyctl(GET_KEYRING_ID)", $"{P} keyctl", s_eperm, Allowed),
        new("K04", AttemptGroup.Kernel, "add_key", $"{P} add_key", s_eperm, Allowed),
        new("K05", AttemptGroup.Kernel, "init_module", $"{P} init_module", s_eperm, Allowed),
        new("K06", AttemptGroup.Kernel, "finit_module", $"{P} finit_module", s_eperm, Allowed),
        new("K07", AttemptGroup.Kernel, "delete_module", $"{P} delete_module", s_eperm, Allowed),
        new("K08", AttemptGroup.Kernel, "kexec_load (bad flags)", $"{P} kexec_load", s_eperm, Allowed),
        new("K09", AttemptGroup.Kernel, "kexec_file_load (bad flags)", $"{P} kexec_file_load", s_eperm, Allowed),
        new("K10", AttemptGroup.Kernel, "settimeofday(NULL, NULL)", $"{P} settimeofday", s_eperm, Allowed),
        new("K11", AttemptGroup.Kernel, "clock_settime (invalid time)", $"{P} clock_settime", s_eperm, Allowed),
        new("K12", AttemptGroup.Kernel, "syslog(SIZE_BUFFER)", $"{P} syslog", s_eperm, Allowed),
        new("K13", AttemptGroup.Kernel, "swapon (no such file)", $"{P} swapon", s_eperm, Allowed),
        new("K14", AttemptGroup.Kernel, "swapoff (no such file)", $"{P} swapoff", s_eperm, Allowed),
        new("K15", AttemptGroup.Kernel, "reboot (bad magic)", $"{P} reboot", s_eperm, Allowed),
        new("K16", AttemptGroup.Kernel, "acct (no such directory)", $"{P} acct", s_eperm, Allowed),
        new("K17", AttemptGroup.Kernel, "iopl(3)", $"{P} iopl", s_eperm, Allowed),
        new("K18", AttemptGroup.Kernel, "ioperm(0x80)", $"{P} ioperm", s_eperm, Allowed),
        new("K19", AttemptGroup.Kernel, "open_by_handle_at on / (shocker)", $"{P} open_by_handle_at", s_eperm, Allowed),
        new("K20", AttemptGroup.Kernel, "io_uring_setup", $"{P} io_uring_setup", s_eperm, Allowed),
        new("K21", AttemptGroup.Kernel, "userfaultfd", $"{P} userfaultfd", s_eperm, Allowed),
        new("K22", AttemptGroup.Kernel, "ioctl(TIOCSTI)", $"{P} tiocsti", s_eperm, Allowed),
        new("K23", AttemptGroup.Kernel, "socket(AF_VSOCK)", $"{P} vsock", s_eperm, Allowed),
        new("K24", AttemptGroup.Kernel, "sethostname (same name)", $"{P} sethostname", s_eperm, Allowed),
        new("K25", AttemptGroup.Kernel, "quotactl(Q_SYNC)", $"{P} quotactl", s_eperm, Allowed),
        new("K26", AttemptGroup.Kernel, "fanotify_init", $"{P} fanotify_init", s_eperm, Allowed),
        new("K27", AttemptGroup.Kernel, "kcmp", $"{P} kcmp", s_eperm, Allowed),
        new("K28", AttemptGroup.Kernel, "pidfd_getfd", $"{P} pidfd_getfd", s_eperm, Allowed),
        new("K29", AttemptGroup.Kernel, "set_mempolicy", $"{P} set_mempolicy", s_eperm, Allowed),
        new("K30", AttemptGroup.Kernel, "vhangup", $"{P} vhangup", s_eperm, Allowed),

        // The supervisor's state, the agent, the host's files.
        new("H01", AttemptGroup.HostFiles, "list the state directory", "ls -A {statePath}", s_enoent, Denied),
        new("H02", AttemptGroup.HostFiles, "read the ledger", "cat {statePath}/ledger.db", s_enoent, Denied),
        new("H03", AttemptGroup.HostFiles, "the agent's /proc/1/fd", "ls /proc/1/fd", s_eacces, Allowed),
        new("H04", AttemptGroup.HostFiles, "the agent's /proc/1/root", "ls /proc/1/root/", s_eacces, Allowed),
        new("H05", AttemptGroup.HostFiles, "the agent's /proc/1/environ", "cat /proc/1/environ", s_eacces, Allowed)
        {
            Privileged = Expectation.Output("(?s).*", "succeeded"),
        },
        new("H06", AttemptGroup.HostFiles, "the agent's /proc/1/mem", $"{P} openr /proc/1/mem", s_eacces, Allowed),
        new("H07", AttemptGroup.HostFiles, "the agent's /proc/1/cwd", "ls /proc/1/cwd/", s_eacces, Allowed),
        new("H08", AttemptGroup.HostFiles, "the agent's /proc/1/maps", "cat /proc/1/maps", s_eacces, Allowed),
        new("H09", AttemptGroup.HostFiles, "ptrace the agent (PTRACE_SEIZE)", $"{P} ptrace 1", s_eperm, Allowed),
        new("H10", AttemptGroup.HostFiles, "process_vm_readv from the agent", $"{P} vm-read 1", s_eperm, Allowed),
        new("H11", AttemptGroup.HostFiles, "a file in the host's /tmp", "cat {hostMarker}", s_enoent, Denied),
        new("H12", AttemptGroup.HostFiles, "overwrite a host file seen through the lower layer", "echo inside > {lowerFile} && cat {lowerFile}",
            Expectation.Output("inside", "the copy changes, the host's file does not"), Denied)
        {
            HostFile = "{lowerFile}",
        },
        new("H13", AttemptGroup.HostFiles, "write RainForest's programs (/run/rainforest/bin)", "touch /run/rainforest/bin/rf-new", s_erofs, Denied),
        new("H14", AttemptGroup.HostFiles, "write its own description (subos.json)", "echo x >> /run/rainforest/subos.json", Expectation.Errno("EACCES|EROFS"), Denied),

        // Another subOS.
        new("N01", AttemptGroup.Neighbours, "signal 0 to a neighbour's process (host pid)", $"{P} kill0 {{neighbourPid}}", s_esrch, Denied),
        new("N02", AttemptGroup.Neighbours, "ptrace a neighbour's process", $"{P} ptrace {{neighbourPid}}", s_esrch, Denied),
        new("N03", AttemptGroup.Neighbours, "/proc of a neighbour's process", "ls /proc/{neighbourPid}/", s_enoent, Denied),
        new("N04", AttemptGroup.Neighbours, "find a neighbour's process by command line",
            "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done 2>/dev/null | grep -c 'sleep 3601[.]7' || true", s_empty, Denied),
        new("N05", AttemptGroup.Neighbours, "read a file a neighbour wrote", "cat /var/tmp/rf-neighbour-secret", s_enoent, Denied),
        new("N06", AttemptGroup.Neighbours, "list channels (a neighbour's own channel)", "ls /run/rainforest/channels | wc -l", s_empty, Denied),
        new("N07", AttemptGroup.Neighbours, "open channel objects in the host's /dev/shm", "ls {channelRoot}", s_enoent, Denied),
        new("N08", AttemptGroup.Neighbours, "add a neighbour's RFloop address", "ip addr add {neighbourAddress}/32 dev $(ls /sys/class/net | grep -vx lo | head -1)", s_eperm, Allowed),
        new("N09", AttemptGroup.Neighbours, "forge a MAC address", "ip link set dev $(ls /sys/class/net | grep -vx lo | head -1) address 02:00:00:00:00:fa", s_eperm, Allowed),
        new("N10", AttemptGroup.Neighbours, "raw packet socket (AF_PACKET)", $"{P} packet", s_eperm, Allowed),
        new("N11", AttemptGroup.Neighbours, "bind a socket to a neighbour's address (send as it)", $"{P} bind {{neighbourAddress}}",
            Expectation.Errno("EADDRNOTAVAIL"), Denied),
    ];

    /// <summary>The ids of every attempt: theory data.</summary>
    public static TheoryData<string> Ids => [.. All.Select(a => a.Id)];

    /// <summary>The ids of the attempts harmless enough to succeed in a privileged subOS: theory data.</summary>
    public static TheoryData<string> PrivilegedIds => [.. All.Where(a => a.Privileged is not null).Select(a => a.Id)];

    /// <summary>The attempt called <paramref name="id"/>.</summary>
    public static Attempt Find(string id) => All.Single(a => a.Id == id);
}
