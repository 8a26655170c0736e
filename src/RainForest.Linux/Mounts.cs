using System.Runtime.InteropServices;

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
            throw Interop.LastError($"mount {type ?? "bind"}", target);
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

    /// <summary>Detaches a mount lazily.</summary>
    public static void Detach(string target)
    {
        if (Interop.Libc.umount2(target, Interop.Libc.MNT_DETACH) < 0)
        {
            throw Interop.LastError("umount", target);
        }
    }

    /// <summary>Makes <paramref name="newRoot"/> the root of this mount namespace and drops the old root.</summary>
    public static void PivotRoot(string newRoot)
    {
        if (Interop.Libc.chdir(newRoot) < 0)
        {
            throw Interop.LastError("chdir", newRoot);
        }

        // pivot_root(".", ".") stacks the old root under the new one; detaching "." then removes it,
        // with no need for a put_old directory inside the new root (the trick runc uses).
        var number = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 41 : 155;
        var dot = Marshal.StringToHGlobalAnsi(".");
        try
        {
            if (Interop.Libc.syscall(number, dot, dot) < 0)
            {
                throw Interop.LastError("pivot_root", newRoot);
            }
        }
        finally
        {
            Marshal.FreeHGlobal(dot);
        }

        Detach(".");
        Interop.Libc.chdir("/");
    }

    /// <summary>Creates a character device node.</summary>
    public static void MakeCharDevice(string path, uint major, uint minor, uint mode = 0x1b6)
    {
        const uint CharDevice = 0x2000;
        var dev = ((ulong)(major & 0xfff) << 8) | (minor & 0xff) | ((ulong)(minor & ~0xffu) << 12);
        if (Interop.Libc.mknod(path, CharDevice | mode, dev) < 0)
        {
            throw Interop.LastError("mknod", path);
        }

        // mknod applies the umask; device nodes are meant to be world-usable.
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    /// <summary>Creates a hard link: a second name for the same file (and, on tmpfs, the same memory).</summary>
    public static void HardLink(string existing, string created)
    {
        if (Interop.Libc.link(existing, created) < 0)
        {
            throw Interop.LastError("link", created);
        }
    }

    /// <summary>Sets this UTS namespace's hostname.</summary>
    public static void SetHostname(string name)
    {
        if (Interop.Libc.sethostname(name, name.Length) < 0)
        {
            throw Interop.LastError("sethostname");
        }
    }
}
