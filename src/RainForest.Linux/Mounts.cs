using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>Mount-namespace operations the agent uses to build a subOS's root.</summary>
public static class Mounts
{
    /// <summary>Mount flags, as in mount(2).</summary>
    [Flags]
    public enum Flags : ulong
    {
        /// <summary>No flag.</summary>
        None = 0,

        /// <summary>Read-only.</summary>
        ReadOnly = Interop.Libc.MS_RDONLY,

        /// <summary>Ignore set-user-id bits.</summary>
        NoSuid = Interop.Libc.MS_NOSUID,

        /// <summary>No device files.</summary>
        NoDev = Interop.Libc.MS_NODEV,

        /// <summary>No execution.</summary>
        NoExec = Interop.Libc.MS_NOEXEC,

        /// <summary>Change an existing mount.</summary>
        Remount = Interop.Libc.MS_REMOUNT,

        /// <summary>Bind mount.</summary>
        Bind = Interop.Libc.MS_BIND,

        /// <summary>Recursive.</summary>
        Recursive = Interop.Libc.MS_REC,

        /// <summary>Private propagation.</summary>
        Private = Interop.Libc.MS_PRIVATE,
    }

    /// <summary>mount(2), throwing a <see cref="LinuxException"/> naming the target.</summary>
    public static void Mount(string? source, string target, string? type, Flags flags, string? data = null)
    {
        if (Interop.Libc.mount(source, target, type, (ulong)flags, data) < 0)
        {
            throw Interop.Errors.Last($"mount {type ?? "bind"}", target);
        }
    }

    /// <summary>Bind-mounts <paramref name="source"/> on <paramref name="target"/>, read-only when asked.</summary>
    public static void Bind(string source, string target, bool readOnly)
    {
        Mount(source, target, null, Flags.Bind);
        if (readOnly)
        {
            // MS_RDONLY is ignored on the first bind call; a read-only bind takes a remount.
            Mount(null, target, null, Flags.Bind | Flags.Remount | Flags.ReadOnly | Flags.NoSuid | Flags.NoDev);
        }
    }

    /// <summary>
    /// Mounts a clone of the mount at <paramref name="source"/> (without its submounts) on <paramref name="target"/>,
    /// with its owners seen through the id mapping of <paramref name="userNamespace"/>: a file the host's root owns
    /// appears owned by the namespace's root (idmapped mount, Linux 5.12).
    /// </summary>
    /// <remarks>
    /// This is how a subOS whose root maps to an unprivileged host range still owns the files of the host's /
    /// (the lower layer of its copy-on-write root) without a single chown on the host. The file system must
    /// support idmapped mounts (ext4, xfs, btrfs, tmpfs from 6.3; not NFS).
    /// </remarks>
    /// <exception cref="LinuxException">A step failed (EINVAL from mount_setattr: the file system cannot be idmapped).</exception>
    public static unsafe void BindIdMapped(string source, string target, SafeHandle userNamespace)
    {
        using var tree = Interop.Descriptors.Own(
            new SafeFileHandle(),
            Interop.Libc.syscall_open_tree(Interop.Libc.SYS_open_tree, Interop.Libc.AT_FDCWD, source, Interop.Libc.OPEN_TREE_CLONE | Interop.Libc.OPEN_TREE_CLOEXEC),
            "open_tree",
            source);
        var added = false;
        try
        {
            userNamespace.DangerousAddRef(ref added);
            var attr = new Interop.Libc.MountAttr
            {
                AttrSet = Interop.Libc.MOUNT_ATTR_IDMAP,
                UsernsFd = (ulong)userNamespace.DangerousGetHandle(),
            };
            if (Interop.Libc.syscall_mount_setattr(Interop.Libc.SYS_mount_setattr, tree, string.Empty, Interop.Libc.AT_EMPTY_PATH, &attr, Interop.Libc.MountAttr.Size) < 0)
            {
                throw Interop.Errors.Last("mount_setattr idmap", source);
            }

            if (Interop.Libc.syscall_move_mount(Interop.Libc.SYS_move_mount, tree, string.Empty, Interop.Libc.AT_FDCWD, target, Interop.Libc.MOVE_MOUNT_F_EMPTY_PATH) < 0)
            {
                throw Interop.Errors.Last("move_mount", target);
            }
        }
        finally
        {
            if (added)
            {
                userNamespace.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// A detached copy of the mount at <paramref name="path"/> (a file or a directory, without its submounts):
    /// a descriptor that another mount namespace can attach with <see cref="AttachTree"/>, even one that cannot
    /// see <paramref name="path"/> (open_tree with OPEN_TREE_CLONE).
    /// </summary>
    /// <param name="path">What to copy.</param>
    /// <param name="readOnly">Make the copy read-only, nosuid, nodev and noexec before anyone can attach it.</param>
    /// <remarks>Closing the handle before it was attached unmounts the copy.</remarks>
    public static unsafe SafeFileHandle CloneTree(string path, bool readOnly)
    {
        var tree = Interop.Descriptors.Own(
            new SafeFileHandle(),
            Interop.Libc.syscall_open_tree(Interop.Libc.SYS_open_tree, Interop.Libc.AT_FDCWD, path, Interop.Libc.OPEN_TREE_CLONE | Interop.Libc.OPEN_TREE_CLOEXEC),
            "open_tree",
            path);
        if (!readOnly)
        {
            return tree;
        }

        var attr = new Interop.Libc.MountAttr
        {
            AttrSet = Interop.Libc.MOUNT_ATTR_RDONLY | Interop.Libc.MOUNT_ATTR_NOSUID | Interop.Libc.MOUNT_ATTR_NODEV | Interop.Libc.MOUNT_ATTR_NOEXEC,
        };
        if (Interop.Libc.syscall_mount_setattr(Interop.Libc.SYS_mount_setattr, tree, string.Empty, Interop.Libc.AT_EMPTY_PATH, &attr, Interop.Libc.MountAttr.Size) < 0)
        {
            var error = Interop.Errors.Last("mount_setattr ro", path);
            tree.Dispose();
            throw error;
        }

        return tree;
    }

    /// <summary>Attaches a detached mount (from <see cref="CloneTree"/>) on <paramref name="target"/> in this thread's mount namespace.</summary>
    public static void AttachTree(SafeHandle tree, string target)
    {
        if (Interop.Libc.syscall_move_mount(Interop.Libc.SYS_move_mount, tree, string.Empty, Interop.Libc.AT_FDCWD, target, Interop.Libc.MOVE_MOUNT_F_EMPTY_PATH) < 0)
        {
            throw Interop.Errors.Last("move_mount", target);
        }
    }

    /// <summary>
    /// Detaches the mount at <paramref name="mountPoint"/> lazily without following a symlink in its last
    /// component (UMOUNT_NOFOLLOW): the supervisor unmounts exactly the path its guard proved, and a mount whose
    /// FUSE server died (every stat fails with ENOTCONN) can still be named.
    /// </summary>
    public static void DetachMountPoint(string mountPoint)
    {
        if (Interop.Libc.umount2(mountPoint, Interop.Libc.MNT_DETACH | Interop.Libc.UMOUNT_NOFOLLOW) < 0)
        {
            throw Interop.Errors.Last("umount", mountPoint);
        }
    }

    /// <summary>Detaches a mount lazily.</summary>
    public static void Detach(string target)
    {
        if (Interop.Libc.umount2(target, Interop.Libc.MNT_DETACH) < 0)
        {
            throw Interop.Errors.Last("umount", target);
        }
    }

    /// <summary>Makes <paramref name="newRoot"/> the root of this mount namespace and drops the old root.</summary>
    public static void PivotRoot(string newRoot)
    {
        ChangeDirectory(newRoot);

        // pivot_root(".", ".") stacks the old root under the new one; detaching "." then removes it,
        // with no need for a put_old directory inside the new root (the trick runc uses).
        if (Interop.Libc.syscall_pivot_root(Interop.Libc.SYS_pivot_root, ".", ".") < 0)
        {
            throw Interop.Errors.Last("pivot_root", newRoot);
        }

        Detach(".");
        ChangeDirectory("/");
    }

    /// <summary>Creates a character device node.</summary>
    public static void MakeCharDevice(string path, uint major, uint minor, uint mode = 0x1b6)
    {
        // makedev(3) of glibc: the 12-bit major and 20-bit minor split around each other.
        var dev = ((ulong)(major & 0xfff) << 8) | (minor & 0xff) | ((ulong)(minor & ~0xffu) << 12);
        if (Interop.Libc.mknod(path, Interop.Libc.S_IFCHR | mode, dev) < 0)
        {
            throw Interop.Errors.Last("mknod", path);
        }

        // mknod applies the umask; device nodes are meant to be world-usable.
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    /// <summary>Creates a hard link: a second name for the same file (and, on tmpfs, the same memory).</summary>
    public static void HardLink(string existing, string created)
    {
        if (Interop.Libc.link(existing, created) < 0)
        {
            throw Interop.Errors.Last("link", created);
        }
    }

    /// <summary>Gives a file or directory (not a link's target) to a host uid and gid.</summary>
    public static void ChangeOwner(string path, long uid, long gid)
    {
        if (Interop.Libc.lchown(path, checked((uint)uid), checked((uint)gid)) < 0)
        {
            throw Interop.Errors.Last("chown", path);
        }
    }

    private static void ChangeDirectory(string path)
    {
        if (Interop.Libc.chdir(path) < 0)
        {
            throw Interop.Errors.Last("chdir", path);
        }
    }

    /// <summary>Sets this UTS namespace's hostname.</summary>
    public static void SetHostname(string name)
    {
        if (Interop.Libc.sethostname(name, Encoding.UTF8.GetByteCount(name)) < 0)
        {
            throw Interop.Errors.Last("sethostname");
        }
    }
}
