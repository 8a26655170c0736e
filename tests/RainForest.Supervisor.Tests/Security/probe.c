/*
 * rfprobe: one system call per command, run inside a subOS by the security suite.
 *
 * Every command is harmless when the call SUCCEEDS, because the suite also runs on machines where the
 * guard might fail: arguments are chosen so that a call the guard lets through either changes nothing
 * (it reads, or writes back what is there) or fails later in the kernel on a bad argument (bad reboot
 * magic, bad kexec flags, a swap file that does not exist, an invalid time).
 *
 * Prints "OK" and exits 0 when the call succeeded, else prints the errno's name and exits 1.
 * Built statically on the host (gcc -static) and copied into the subOS through stdin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/quota.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

static const char *errno_name(int e)
{
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case EROFS: return "EROFS";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return "E?";
    }
}

/* Reports a call's result: a non-negative return is success. */
static int report(long rc)
{
    if (rc >= 0) {
        puts("OK");
        return 0;
    }
    printf("%s\n", errno_name(errno));
    return 1;
}

static long bpf_map_create(void)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    return syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
}

/* A software clock counter on CPU 0 for every task (pid -1): system-wide observation. */
static long perf_system_wide(void)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_CPU_CLOCK;
    attr.disabled = 1;
    return syscall(SYS_perf_event_open, &attr, -1, 0, -1, 0);
}

static long open_root_by_handle(void)
{
    struct { struct file_handle h; unsigned char bytes[128]; } fh;
    int mount_id;
    fh.h.handle_bytes = sizeof fh.bytes;
    if (name_to_handle_at(AT_FDCWD, "/", &fh.h, &mount_id, 0) < 0) {
        /* overlayfs exports no handles by default: forge the one "shocker" used, ext4's root inode 2. */
        memset(&fh, 0, sizeof fh);
        fh.h.handle_bytes = 8;
        fh.h.handle_type = 1;
        fh.bytes[0] = 2;
    }
    int mount_fd = open("/", O_RDONLY | O_DIRECTORY);
    return syscall(SYS_open_by_handle_at, mount_fd, &fh.h, O_RDONLY);
}

/* The classic chroot escape: chroot into a subdirectory, climb out with "..", chroot to where that ends. */
static int chroot_escape(const char *marker)
{
    mkdir("/tmp/rf-jail", 0755);
    if (chroot("/tmp/rf-jail") < 0) {
        return report(-1);
    }
    for (int i = 0; i < 64; i++) {
        if (chdir("..") < 0) {
            return report(-1);
        }
    }
    if (chroot(".") < 0) {
        return report(-1);
    }
    puts(access(marker, F_OK) == 0 ? "ESCAPED" : "STILL-INSIDE");
    return 0;
}

static long clone_new_mount_ns(void)
{
    long pid = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
        _exit(0);
    }
    if (pid > 0) {
        waitpid((pid_t)pid, NULL, 0);
    }
    return pid;
}

static long clone3_plain(void)
{
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0) {
        _exit(0);
    }
    if (pid > 0) {
        waitpid((pid_t)pid, NULL, 0);
    }
    return pid;
}

static long raise_effective(int cap)
{
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) < 0) {
        return -1;
    }
    data[cap / 32].effective |= 1u << (cap % 32);
    data[cap / 32].permitted |= 1u << (cap % 32);
    return syscall(SYS_capset, &hdr, data);
}

static long same_hostname(void)
{
    struct utsname u;
    uname(&u);
    return sethostname(u.nodename, strlen(u.nodename));
}

static long ptrace_seize(pid_t pid)
{
    /* SEIZE does not stop the target; detach at once if it was let through. */
    long rc = ptrace(PTRACE_SEIZE, pid, 0, 0);
    if (rc == 0) {
        ptrace(PTRACE_DETACH, pid, 0, 0);
    }
    return rc;
}

static long vm_read(pid_t pid)
{
    char byte;
    struct iovec local = { &byte, 1 };
    struct iovec remote = { (void *)0x400000, 1 };
    return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

static long pidfd_getfd_self(void)
{
    long pidfd = syscall(SYS_pidfd_open, getpid(), 0);
    if (pidfd < 0) {
        return pidfd;
    }
    return syscall(SYS_pidfd_getfd, (int)pidfd, 0, 0);
}

/*
 * A bounded fork bomb: up to `count` children that each sleep, counted failures, held for `hold` seconds,
 * then every child is killed by its pid (this process's own children only) and reaped.
 */
static int fork_bomb(int count, int hold)
{
    pid_t *children = calloc((size_t)count, sizeof *children);
    int forked = 0, failed = 0;
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            sleep((unsigned)hold + 30);
            _exit(0);
        }
        if (pid < 0) {
            failed++;
        } else {
            children[forked++] = pid;
        }
    }
    sleep((unsigned)hold);
    for (int i = 0; i < forked; i++) {
        kill(children[i], SIGKILL);
    }
    for (int i = 0; i < forked; i++) {
        waitpid(children[i], NULL, 0);
    }
    printf("forked=%d failed=%d\n", forked, failed);
    return 0;
}

/* A UDP socket bound to an address: sending from an address the subOS does not own. */
static long bind_source(const char *address)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    if (inet_pton(AF_INET, address, &sin.sin_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    return fd < 0 ? fd : bind(fd, (struct sockaddr *)&sin, sizeof sin);
}

/*
 * One ICMP echo to `target`, from `source` when given (an address the caller added to its own interface):
 * OK when the reply comes back within 2 s. Needs a raw socket, so root with CAP_NET_RAW in the network namespace.
 */
static long ping_once(const char *target, const char *source)
{
    struct sockaddr_in to, from;
    memset(&to, 0, sizeof to);
    memset(&from, 0, sizeof from);
    to.sin_family = from.sin_family = AF_INET;
    inet_pton(AF_INET, target, &to.sin_addr);
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd < 0) {
        return -1;
    }
    if (*source && (inet_pton(AF_INET, source, &from.sin_addr) != 1 || bind(fd, (struct sockaddr *)&from, sizeof from) < 0)) {
        return -1;
    }
    struct timeval timeout = { 2, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    unsigned char packet[8] = { 8, 0, 0, 0, 0x52, 0x46, 0, 1 };
    unsigned sum = 0;
    for (int i = 0; i < 8; i += 2) {
        sum += (unsigned)(packet[i] << 8 | packet[i + 1]);
    }
    sum = ~((sum & 0xffff) + (sum >> 16)) & 0xffff;
    packet[2] = (unsigned char)(sum >> 8);
    packet[3] = (unsigned char)sum;
    if (sendto(fd, packet, sizeof packet, 0, (struct sockaddr *)&to, sizeof to) < 0) {
        return -1;
    }
    unsigned char reply[128];
    for (;;) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        ssize_t n = recvfrom(fd, reply, sizeof reply, 0, (struct sockaddr *)&peer, &len);
        if (n < 0) {
            return -1;
        }
        /* An echo reply (type 0) from the target after the 20-byte IP header. */
        if (n >= 28 && reply[20] == 0 && peer.sin_addr.s_addr == to.sin_addr.s_addr) {
            return 0;
        }
    }
}

/* Run on the host: how many device-cgroup BPF programs a cgroup v2 directory has attached. */
static int device_progs(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.query.target_fd = (unsigned)fd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.query_flags = BPF_F_QUERY_EFFECTIVE;
    if (fd < 0 || syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof attr) < 0) {
        return report(-1);
    }
    printf("%u\n", attr.query.prog_cnt);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: rfprobe COMMAND [ARG]\n", stderr);
        return 2;
    }
    const char *c = argv[1];
    const char *arg = argc > 2 ? argv[2] : "";
    struct timespec bad_time = { 0, -1 };
    struct io_uring_params uring;
    memset(&uring, 0, sizeof uring);

    if (!strcmp(c, "bpf")) return report(bpf_map_create());
    if (!strcmp(c, "perf-system-wide")) return report(perf_system_wide());
    if (!strcmp(c, "keyctl")) return report(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
    if (!strcmp(c, "add_key")) return report(syscall(SYS_add_key, "user", "rf-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
    if (!strcmp(c, "init_module")) return report(syscall(SYS_init_module, NULL, 0, ""));
    if (!strcmp(c, "finit_module")) return report(syscall(SYS_finit_module, -1, "", 0));
    if (!strcmp(c, "delete_module")) return report(syscall(SYS_delete_module, "rf_no_such_module", O_NONBLOCK));
    if (!strcmp(c, "kexec_load")) return report(syscall(SYS_kexec_load, 0, 0, NULL, 0xdead0000UL));
    if (!strcmp(c, "kexec_file_load")) return report(syscall(SYS_kexec_file_load, -1, -1, 0, NULL, 0xdead0000UL));
    if (!strcmp(c, "settimeofday")) return report(syscall(SYS_settimeofday, NULL, NULL));
    if (!strcmp(c, "clock_settime")) return report(syscall(SYS_clock_settime, CLOCK_REALTIME, &bad_time));
    if (!strcmp(c, "syslog")) return report(syscall(SYS_syslog, 10, NULL, 0));
    if (!strcmp(c, "swapon")) return report(syscall(SYS_swapon, "/rf-no-such-swap", 0));
    if (!strcmp(c, "swapoff")) return report(syscall(SYS_swapoff, "/rf-no-such-swap"));
    if (!strcmp(c, "reboot")) return report(syscall(SYS_reboot, 0, 0, 0, NULL));
    if (!strcmp(c, "acct")) return report(syscall(SYS_acct, "/rf-no-such-dir/acct"));
    if (!strcmp(c, "iopl")) return report(syscall(SYS_iopl, 3));
    if (!strcmp(c, "ioperm")) return report(syscall(SYS_ioperm, 0x80, 1, 1));
    if (!strcmp(c, "open_by_handle_at")) return report(open_root_by_handle());
    if (!strcmp(c, "io_uring_setup")) return report(syscall(SYS_io_uring_setup, 4, &uring));
    if (!strcmp(c, "userfaultfd")) return report(syscall(SYS_userfaultfd, 0));
    if (!strcmp(c, "fsopen")) return report(syscall(SYS_fsopen, "tmpfs", 0));
    if (!strcmp(c, "open_tree")) return report(syscall(SYS_open_tree, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */));
    if (!strcmp(c, "setns-self")) return report(setns(open("/proc/self/ns/uts", O_RDONLY), CLONE_NEWUTS));
    if (!strcmp(c, "unshare-user")) return report(syscall(SYS_unshare, CLONE_NEWUSER));
    if (!strcmp(c, "clone-newns")) return report(clone_new_mount_ns());
    if (!strcmp(c, "clone3")) return report(clone3_plain());
    if (!strcmp(c, "personality")) return report(personality(ADDR_NO_RANDOMIZE));
    if (!strcmp(c, "tiocsti")) return report(ioctl(0, TIOCSTI, "x"));
    if (!strcmp(c, "vsock")) return report(socket(AF_VSOCK, SOCK_STREAM, 0));
    if (!strcmp(c, "sethostname")) return report(same_hostname());
    if (!strcmp(c, "quotactl")) return report(syscall(SYS_quotactl, QCMD(Q_SYNC, USRQUOTA), "/rf-no-such-device", 0, NULL));
    if (!strcmp(c, "fanotify_init")) return report(syscall(SYS_fanotify_init, 0, 0));
    if (!strcmp(c, "kcmp")) return report(syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, 0, 0));
    if (!strcmp(c, "pidfd_getfd")) return report(pidfd_getfd_self());
    if (!strcmp(c, "set_mempolicy")) return report(syscall(SYS_set_mempolicy, 0 /* MPOL_DEFAULT */, NULL, 0));
    if (!strcmp(c, "vhangup")) return report(syscall(SYS_vhangup));
    if (!strcmp(c, "capset-sys-admin")) return report(raise_effective(CAP_SYS_ADMIN));
    if (!strcmp(c, "ambient-sys-admin")) return report(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN, 0, 0));
    if (!strcmp(c, "clear-no-new-privs")) return report(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
    if (!strcmp(c, "chroot-escape")) return chroot_escape(arg);
    if (!strcmp(c, "ptrace")) return report(ptrace_seize(atoi(arg)));
    if (!strcmp(c, "vm-read")) return report(vm_read(atoi(arg)));
    if (!strcmp(c, "kill0")) return report(kill(atoi(arg), 0));
    if (!strcmp(c, "openw")) return report(open(arg, O_WRONLY));
    if (!strcmp(c, "openr")) return report(open(arg, O_RDONLY));
    if (!strcmp(c, "fork-bomb")) return fork_bomb(atoi(arg), argc > 3 ? atoi(argv[3]) : 5);
    if (!strcmp(c, "ping")) return report(ping_once(arg, argc > 3 ? argv[3] : ""));
    if (!strcmp(c, "bind")) return report(bind_source(arg));
    if (!strcmp(c, "packet")) return report(socket(AF_PACKET, SOCK_RAW, 0));
    if (!strcmp(c, "device-progs")) return device_progs(arg);
    if (!strcmp(c, "euid")) {
        printf("%d\n", (int)geteuid());
        return 0;
    }
    fprintf(stderr, "rfprobe: unknown command %s\n", c);
    return 2;
}
