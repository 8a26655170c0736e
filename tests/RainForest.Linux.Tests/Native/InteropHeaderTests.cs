using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using RainForest.Interop;
using RainForest.Linux.Tests.Security;

namespace RainForest.Linux.Tests.Native;

/// <summary>
/// The raw layer's constants and struct layouts (RainForest.Interop), checked against the installed C headers.
/// The seccomp, capability and bpf ones have tests of their own (HeaderConstantsTests, DeviceHeaderConstantsTests).
/// </summary>
public sealed class InteropHeaderTests
{
    private const string Headers = """
        #define _GNU_SOURCE
        #include <stdio.h>
        #include <stddef.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <poll.h>
        #include <sched.h>
        #include <signal.h>
        #include <spawn.h>
        #include <termios.h>
        #include <time.h>
        #include <net/if.h>
        #include <sys/ioctl.h>
        #include <sys/mman.h>
        #include <sys/mount.h>
        #include <sys/prctl.h>
        #include <sys/socket.h>
        #include <sys/stat.h>
        #include <sys/syscall.h>
        #include <sys/uio.h>
        #include <sys/wait.h>
        #include <linux/futex.h>
        #include <linux/nsfs.h>
        """;

    /// <summary>Each C expression and the value RainForest uses for it.</summary>
    public static TheoryData<string, long> SameValue => new()
    {
        // errno
        { "EPERM", Errno.EPERM }, { "ENOENT", Errno.ENOENT }, { "ESRCH", Errno.ESRCH }, { "EINTR", Errno.EINTR },
        { "EIO", Errno.EIO }, { "ENXIO", Errno.ENXIO }, { "EBADF", Errno.EBADF }, { "ECHILD", Errno.ECHILD },
        { "EAGAIN", Errno.EAGAIN }, { "EACCES", Errno.EACCES }, { "EBUSY", Errno.EBUSY }, { "EEXIST", Errno.EEXIST },
        { "ENOTDIR", Errno.ENOTDIR }, { "EINVAL", Errno.EINVAL }, { "ENOSPC", Errno.ENOSPC }, { "EPIPE", Errno.EPIPE },
        { "ENAMETOOLONG", Errno.ENAMETOOLONG }, { "ENOSYS", Errno.ENOSYS }, { "EBADMSG", Errno.EBADMSG },
        { "EMSGSIZE", Errno.EMSGSIZE }, { "EOPNOTSUPP", Errno.EOPNOTSUPP }, { "ENOBUFS", Errno.ENOBUFS }, { "ENOTCONN", Errno.ENOTCONN },
        { "ETIMEDOUT", Errno.ETIMEDOUT }, { "EDQUOT", Errno.EDQUOT },

        // open, fcntl, lseek
        { "O_RDONLY", Interop.Libc.O_RDONLY }, { "O_RDWR", Interop.Libc.O_RDWR }, { "O_CREAT", Interop.Libc.O_CREAT },
        { "O_EXCL", Interop.Libc.O_EXCL }, { "O_NOCTTY", Interop.Libc.O_NOCTTY }, { "O_DIRECTORY", Interop.Libc.O_DIRECTORY },
        { "O_CLOEXEC", Interop.Libc.O_CLOEXEC },
        { "F_OFD_GETLK", Interop.Libc.F_OFD_GETLK }, { "F_OFD_SETLK", Interop.Libc.F_OFD_SETLK },
        { "F_RDLCK", Interop.Libc.F_RDLCK }, { "F_WRLCK", Interop.Libc.F_WRLCK }, { "F_UNLCK", Interop.Libc.F_UNLCK },
        { "SEEK_SET", Interop.Libc.SEEK_SET }, { "SEEK_END", Interop.Libc.SEEK_END },
        { "sizeof(struct flock)", Unsafe.SizeOf<Interop.Libc.Flock>() },
        { "offsetof(struct flock, l_type)", Offset<Interop.Libc.Flock>("Type") },
        { "offsetof(struct flock, l_whence)", Offset<Interop.Libc.Flock>("Whence") },
        { "offsetof(struct flock, l_start)", Offset<Interop.Libc.Flock>("Start") },
        { "offsetof(struct flock, l_len)", Offset<Interop.Libc.Flock>("Length") },
        { "offsetof(struct flock, l_pid)", Offset<Interop.Libc.Flock>("Pid") },

        // mmap, futex
        { "PROT_READ", Interop.Libc.PROT_READ }, { "PROT_WRITE", Interop.Libc.PROT_WRITE }, { "MAP_SHARED", Interop.Libc.MAP_SHARED },
        { "FUTEX_WAIT", Interop.Libc.FUTEX_WAIT }, { "FUTEX_WAKE", Interop.Libc.FUTEX_WAKE }, { "SYS_futex", Interop.Libc.SYS_futex },
        { "sizeof(struct timespec)", Unsafe.SizeOf<Interop.Libc.Timespec>() },
        { "offsetof(struct timespec, tv_nsec)", Offset<Interop.Libc.Timespec>("Nanoseconds") },

        // mounts
        { "MS_RDONLY", (long)Interop.Libc.MS_RDONLY }, { "MS_NOSUID", (long)Interop.Libc.MS_NOSUID }, { "MS_NODEV", (long)Interop.Libc.MS_NODEV },
        { "MS_NOEXEC", (long)Interop.Libc.MS_NOEXEC }, { "MS_REMOUNT", (long)Interop.Libc.MS_REMOUNT }, { "MS_BIND", (long)Interop.Libc.MS_BIND },
        { "MS_REC", (long)Interop.Libc.MS_REC }, { "MS_PRIVATE", (long)Interop.Libc.MS_PRIVATE }, { "MNT_DETACH", Interop.Libc.MNT_DETACH },
        { "UMOUNT_NOFOLLOW", Interop.Libc.UMOUNT_NOFOLLOW },
        { "MOUNT_ATTR_RDONLY", (long)Interop.Libc.MOUNT_ATTR_RDONLY }, { "MOUNT_ATTR_NOSUID", (long)Interop.Libc.MOUNT_ATTR_NOSUID },
        { "MOUNT_ATTR_NODEV", (long)Interop.Libc.MOUNT_ATTR_NODEV }, { "MOUNT_ATTR_NOEXEC", (long)Interop.Libc.MOUNT_ATTR_NOEXEC },
        { "CLONE_FS", Interop.Libc.CLONE_FS }, { "CLONE_NEWNS", Interop.Libc.CLONE_NEWNS }, { "CLONE_NEWNET", Interop.Libc.CLONE_NEWNET },
        { "SYS_open_tree", Interop.Libc.SYS_open_tree }, { "SYS_move_mount", Interop.Libc.SYS_move_mount },
        { "SYS_mount_setattr", Interop.Libc.SYS_mount_setattr }, { "SYS_pivot_root", Interop.Libc.SYS_pivot_root },
        { "AT_FDCWD", Interop.Libc.AT_FDCWD }, { "AT_EMPTY_PATH", Interop.Libc.AT_EMPTY_PATH },
        { "OPEN_TREE_CLONE", Interop.Libc.OPEN_TREE_CLONE }, { "OPEN_TREE_CLOEXEC", Interop.Libc.OPEN_TREE_CLOEXEC },
        { "MOVE_MOUNT_F_EMPTY_PATH", Interop.Libc.MOVE_MOUNT_F_EMPTY_PATH }, { "MOUNT_ATTR_IDMAP", (long)Interop.Libc.MOUNT_ATTR_IDMAP },
        { "sizeof(struct mount_attr)", Interop.Libc.MountAttr.Size },
        { "offsetof(struct mount_attr, userns_fd)", Offset<Interop.Libc.MountAttr>("UsernsFd") },
        { "S_IFCHR", Interop.Libc.S_IFCHR },

        // processes
        { "SIGKILL", Interop.Libc.SIGKILL }, { "SIGTERM", Interop.Libc.SIGTERM }, { "WNOHANG", Interop.Libc.WNOHANG },
        { "PR_GET_DUMPABLE", Interop.Libc.PR_GET_DUMPABLE }, { "PR_SET_DUMPABLE", Interop.Libc.PR_SET_DUMPABLE },
        { "POSIX_SPAWN_SETSIGDEF", Interop.Libc.POSIX_SPAWN_SETSIGDEF }, { "POSIX_SPAWN_SETSIGMASK", Interop.Libc.POSIX_SPAWN_SETSIGMASK },
        { "POSIX_SPAWN_SETSID", Interop.Libc.POSIX_SPAWN_SETSID }, { "sizeof(sigset_t)", Interop.Libc.SigsetSize },

        // descriptors, terminals, sockets
        { "POLLIN", Interop.Libc.POLLIN }, { "sizeof(struct pollfd)", Unsafe.SizeOf<Interop.Libc.PollFd>() },
        { "offsetof(struct pollfd, events)", Offset<Interop.Libc.PollFd>("Events") },
        { "offsetof(struct pollfd, revents)", Offset<Interop.Libc.PollFd>("Revents") },
        { "TIOCGWINSZ", (long)Interop.Libc.TIOCGWINSZ }, { "TIOCSWINSZ", (long)Interop.Libc.TIOCSWINSZ }, { "TCSANOW", Interop.Libc.TCSANOW },
        { "sizeof(struct winsize)", Unsafe.SizeOf<Interop.Libc.WinSize>() },
        { "SIOCGIFFLAGS", (long)Interop.Libc.SIOCGIFFLAGS }, { "SIOCSIFFLAGS", (long)Interop.Libc.SIOCSIFFLAGS },
        { "NS_GET_USERNS", (long)Interop.Libc.NS_GET_USERNS },
        { "AF_INET", Interop.Libc.AF_INET }, { "SOCK_DGRAM", Interop.Libc.SOCK_DGRAM }, { "SOCK_CLOEXEC", Interop.Libc.SOCK_CLOEXEC },
        { "SOL_SOCKET", Interop.Libc.SOL_SOCKET }, { "SCM_RIGHTS", Interop.Libc.SCM_RIGHTS },
        { "MSG_NOSIGNAL", Interop.Libc.MSG_NOSIGNAL }, { "MSG_CMSG_CLOEXEC", Interop.Libc.MSG_CMSG_CLOEXEC },
        { "IFF_UP", Interop.Libc.IFF_UP }, { "IFNAMSIZ", Interop.Libc.IFNAMSIZ },
        { "sizeof(struct ifreq)", Interop.Libc.IfReq.Size }, { "offsetof(struct ifreq, ifr_flags)", Offset<Interop.Libc.IfReq>("Flags") },
        { "sizeof(struct iovec)", Unsafe.SizeOf<Interop.Libc.IoVec>() },
        { "offsetof(struct iovec, iov_len)", Offset<Interop.Libc.IoVec>("Length") },
        { "sizeof(struct msghdr)", Unsafe.SizeOf<Interop.Libc.MsgHdr>() },
        { "offsetof(struct msghdr, msg_namelen)", Offset<Interop.Libc.MsgHdr>("NameLength") },
        { "offsetof(struct msghdr, msg_iov)", Offset<Interop.Libc.MsgHdr>("Iov") },
        { "offsetof(struct msghdr, msg_iovlen)", Offset<Interop.Libc.MsgHdr>("IovLength") },
        { "offsetof(struct msghdr, msg_control)", Offset<Interop.Libc.MsgHdr>("Control") },
        { "offsetof(struct msghdr, msg_controllen)", Offset<Interop.Libc.MsgHdr>("ControlLength") },
        { "offsetof(struct msghdr, msg_flags)", Offset<Interop.Libc.MsgHdr>("Flags") },
        { "CMSG_LEN(0)", Unsafe.SizeOf<Interop.Libc.CmsgHdr>() },
        { "offsetof(struct cmsghdr, cmsg_level)", Offset<Interop.Libc.CmsgHdr>("Level") },
        { "offsetof(struct cmsghdr, cmsg_type)", Offset<Interop.Libc.CmsgHdr>("Type") },
    };

    /// <summary>Opaque C objects RainForest allocates room for: the room must be at least their size.</summary>
    public static TheoryData<string, long> AtMost => new()
    {
        { "sizeof(posix_spawnattr_t)", Interop.Libc.SpawnStructSize },
        { "sizeof(posix_spawn_file_actions_t)", Interop.Libc.SpawnStructSize },
        { "sizeof(struct termios)", Interop.Libc.TermiosSize },
    };

    private static readonly Lazy<Dictionary<string, long>> s_values = new(() =>
    {
        var source = new StringBuilder(Headers).Append("\nint main(void) {\n");
        foreach (var expression in SameValue.Select(row => (string)row[0]).Concat(AtMost.Select(row => (string)row[0])))
        {
            source.Append(FormattableString.Invariant($"  printf(\"%s %ld\\n\", \"{expression}\", (long)({expression}));\n"));
        }

        return CProgram.Values(source.Append("  return 0;\n}\n").ToString());
    });

    [GccTheory]
    [MemberData(nameof(SameValue))]
    public void Constant_MatchesTheCHeaders(string expression, long ours) =>
        Assert.True(s_values.Value[expression] == ours, $"{expression}: the headers say {s_values.Value[expression]}, RainForest has {ours}");

    [GccTheory]
    [MemberData(nameof(AtMost))]
    public void Room_HoldsTheCObject(string expression, long room) =>
        Assert.True(s_values.Value[expression] <= room, $"{expression} is {s_values.Value[expression]}, RainForest makes room for {room}");

    [Fact]
    public void FixedSizeStructs_HaveTheirDeclaredSizes()
    {
        Assert.Equal(Interop.Libc.MountAttr.Size, Unsafe.SizeOf<Interop.Libc.MountAttr>());
        Assert.Equal(Interop.Libc.IfReq.Size, Unsafe.SizeOf<Interop.Libc.IfReq>());
    }

    private static long Offset<T>(string field) => (long)Marshal.OffsetOf<T>(field);
}
