using System.Globalization;
using RainForest.Core.Agent;
using RainForest.Interop;
using RainForest.Linux;
using RainForest.Linux.Namespaces;
using static RainForest.Linux.Mounts.Flags;

namespace RainForest.Agent;

/// <summary>Builds a subOS's root in its private mount namespace and pivots into it.</summary>
/// <remarks>
/// The root is an overlay: the lower layer is the host's / (or --rootfs), the upper layer a tmpfs
/// that exists only in this namespace. Writes stay inside, are charged to the subOS's memory, and
/// vanish with it: there is nothing on the host's disk to clean up after a crash.
/// Everything here runs as the host's root in a mount namespace the host's user namespace owns. The
/// programs of an unprivileged subOS later run in a copy of it made from the subOS's own user namespace,
/// where the kernel locks every one of these mounts: they cannot be unmounted to uncover what lies
/// beneath, nor have their read-only, nosuid, nodev or noexec flags cleared.
/// </remarks>
internal static class RootBuilder
{
    /// <summary>Builds the root and pivots into it; returns the lxcfs files still to attach (null when there is no lxcfs).</summary>
    public static LxcfsLayer? Build(CellSpec spec)
    {
        var size = spec.MemoryBytes.ToString(CultureInfo.InvariantCulture);
        var scratch = Path.Combine(spec.RunDir, "scratch");
        var root = Path.Combine(spec.RunDir, "root");

        // Owner options for the subOS's own writable file systems: its root owns them, whatever host id that is.
        var owner = spec.Privileged ? string.Empty : string.Create(CultureInfo.InvariantCulture, $",uid={spec.IdBase},gid={spec.IdBase}");
        Mounts.Mount("rf-scratch", scratch, "tmpfs", NoSuid | NoDev, $"size={size},mode=0700");
        var upper = Path.Combine(scratch, "upper");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(Path.Combine(scratch, "work"));
        var lower = spec.RootFs;
        if (!spec.Privileged)
        {
            lower = Path.Combine(scratch, "lower");
            Directory.CreateDirectory(lower);
            using (var userNs = NamespaceHolder.OpenUserNamespaceWhenMapped("/proc", spec.IdMapHolderPid, new IdMapping(0, spec.IdBase, spec.IdCount), CellInit.HelperTimeout))
            {
                // The host's root-owned files of the lower layer belong to root inside.
                try
                {
                    Mounts.BindIdMapped(spec.RootFs, lower, userNs);
                }
                catch (LinuxException e) when (e.Errno == Errno.EINVAL)
                {
                    // The kernel refuses idmapped mounts of file systems that do not support them (9p, NFS, FUSE,
                    // overlayfs and tmpfs on older kernels): say what to do rather than pass on "Invalid argument".
                    var type = MountTable.Read(Environment.ProcessId).TypeCovering(spec.RootFs) ?? "unknown";
                    throw new InvalidOperationException(
                        $"the root {spec.RootFs} is on a {type} file system, which this kernel cannot idmap; an unprivileged subOS needs that: " +
                        "use --rootfs DIR on ext4, xfs or btrfs, or --privileged", e);
                }
            }

            Mounts.ChangeOwner(upper, spec.IdBase, spec.IdBase);
        }

        Mounts.Mount("rf-root", root, "overlay", None, $"lowerdir={lower},upperdir={upper},workdir={scratch}/work");

        Mounts.Mount("proc", Sub(root, "proc"), "proc", NoSuid | NoDev | NoExec);
        Mounts.Mount("sysfs", Sub(root, "sys"), "sysfs", NoSuid | NoDev | NoExec | ReadOnly);
        MountCgroups(spec, Path.Combine(root, "sys/fs/cgroup"));
        BuildDev(Sub(root, "dev"), size, owner, spec);
        Mounts.Mount("tmpfs", Sub(root, "tmp"), "tmpfs", NoSuid | NoDev, $"size={size},mode=1777{owner}");
        Mounts.Mount("tmpfs", Sub(root, "run"), "tmpfs", NoSuid | NoDev, $"size={size},mode=0755{owner}");

        // The subOS's resource description, read-only: the supervisor alone writes it.
        var description = Sub(root, "run/rainforest");
        Mounts.Bind(Path.Combine(spec.RunDir, "desc"), description, readOnly: true);

        // RainForest's own programs (the agent's directory: benchmark tools and the like), read-only,
        // wherever the host keeps them: the subOS's /tmp and the state directory are private or hidden.
        if (Path.GetDirectoryName(Environment.ProcessPath) is { } tools && Directory.Exists(Path.Combine(description, "bin")))
        {
            Mounts.Bind(tools, Path.Combine(description, "bin"), readOnly: true);
        }

        // Channels: only those the subOS is a member of appear here; the supervisor adds and removes links live.
        if (spec.ChannelDir is { } channels && Directory.Exists(channels))
        {
            Mounts.Bind(channels, Path.Combine(description, "channels"), readOnly: false);
        }

        // Names of the subOS and its loop peers; the supervisor rewrites the file in place as members come and go.
        var hosts = Path.Combine(spec.RunDir, "hosts");
        if (File.Exists(hosts) && File.Exists(Path.Combine(root, "etc/hosts")))
        {
            Mounts.Bind(hosts, Path.Combine(root, "etc/hosts"), readOnly: true);
        }

        // Hide the supervisor's ledger and every other subOS's files from this one.
        var state = Path.Combine(root, spec.StateDir.TrimStart('/'));
        if (Directory.Exists(state))
        {
            Mounts.Mount("tmpfs", state, "tmpfs", NoSuid | NoDev | NoExec | ReadOnly, "size=4k,mode=0755");
        }

        // The subOS's own CPUs, memory and uptime in /proc and /sys, rendered by the supervisor's lxcfs: copied here,
        // attached once the programs' namespace exists (see LxcfsLayer).
        var lxcfs = LxcfsLayer.Prepare(spec, root);

        if (!spec.Privileged)
        {
            OpenNetworkToRootInside(root);
            Guard(root);
            if (spec.RootFs == "/")
            {
                HideHostSecrets(root, size, owner);
            }
        }

        Mounts.PivotRoot(root);
        return lxcfs;
    }

    /// <summary>Masks the kernel's sensitive files and makes its tunables read-only.</summary>
    private static void Guard(string root)
    {
        var devNull = Path.Combine(root, "dev/null");
        foreach (var file in GuardedPaths.MaskedFiles.Select(f => Path.Combine(root, f)).Where(File.Exists))
        {
            // Like runc: reads find nothing, writes go nowhere.
            Mounts.Bind(devNull, file, readOnly: false);
        }

        foreach (var dir in GuardedPaths.MaskedDirectories.Select(d => Path.Combine(root, d)).Where(Directory.Exists))
        {
            Mounts.Mount("rf-masked", dir, "tmpfs", ReadOnly | NoSuid | NoDev | NoExec, "size=4k,nr_inodes=1,mode=0555");
        }

        foreach (var path in GuardedPaths.ReadOnly.Select(p => Path.Combine(root, p)).Where(Directory.Exists))
        {
            Mounts.Bind(path, path, readOnly: true);
        }
    }

    /// <summary>
    /// A subOS on the host's own / reads it as its root would: its password hashes, SSH host keys and home
    /// directories are the host's. They are replaced by empty ones of the subOS's own.
    /// </summary>
    private static void HideHostSecrets(string root, string size, string owner)
    {
        var devNull = Path.Combine(root, "dev/null");
        var ssh = Path.Combine(root, GuardedPaths.SshDirectory);
        var keys = Directory.Exists(ssh) ? Directory.EnumerateFiles(ssh, "ssh_host_*_key") : [];
        foreach (var file in GuardedPaths.HostSecretFiles.Select(f => Path.Combine(root, f)).Concat(keys).Where(File.Exists))
        {
            Mounts.Bind(devNull, file, readOnly: false);
        }

        foreach (var home in GuardedPaths.HostHomes.Select(h => Path.Combine(root, h)).Where(Directory.Exists))
        {
            Mounts.Mount("rf-home", home, "tmpfs", NoSuid | NoDev, $"size={size},mode=0755{owner}");
        }
    }

    /// <summary>
    /// Lets root inside use ICMP echo sockets and ports below 1024 in its own network namespace, which
    /// the host's user namespace owns (so the kernel would otherwise ask for capabilities root inside lacks).
    /// </summary>
    /// <remarks>Both are per-network-namespace settings: the host's own values do not change (Docker does the same).</remarks>
    private static void OpenNetworkToRootInside(string root)
    {
        TryWrite(Path.Combine(root, "proc/sys/net/ipv4/ping_group_range"), "0 2147483647");
        TryWrite(Path.Combine(root, "proc/sys/net/ipv4/ip_unprivileged_port_start"), "0");
    }

    private static void TryWrite(string file, string value)
    {
        try
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(value), 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"rf-agent: cannot set {file}: {e.Message}");
        }
    }

    private static string Sub(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(path);
        return path;
    }

    private static void MountCgroups(CellSpec spec, string target)
    {
        // Inside a cgroup namespace these mounts show the subOS's own groups as the root,
        // read-only: a subOS may read its limits but never raise them.
        try
        {
            if (spec.CgroupMode == "v2")
            {
                Mounts.Mount("cgroup2", target, "cgroup2", NoSuid | NoDev | NoExec | ReadOnly);
                return;
            }

            Mounts.Mount("tmpfs", target, "tmpfs", NoSuid | NoDev | NoExec, "size=4k,mode=0755");
            foreach (var controller in spec.CgroupControllers)
            {
                var dir = Path.Combine(target, controller);
                Directory.CreateDirectory(dir);
                Mounts.Mount("cgroup", dir, "cgroup", NoSuid | NoDev | NoExec | ReadOnly, controller);
            }

            Mounts.Mount(null, target, null, Remount | NoSuid | NoDev | NoExec | ReadOnly, "size=4k,mode=0755");
        }
        catch (LinuxException e)
        {
            Console.Error.WriteLine($"rf-agent: cgroup view inside stays incomplete: {e.Message}");
        }
    }

    private static void BuildDev(string dev, string size, string owner, CellSpec spec)
    {
        // The host's root makes the nodes; root inside can use them but neither add nodes nor change them.
        Mounts.Mount("tmpfs", dev, "tmpfs", NoSuid | NoExec, "size=64k,mode=0755");
        (string Name, uint Major, uint Minor)[] nodes =
        [
            ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
        ];
        foreach (var (name, major, minor) in nodes)
        {
            Mounts.MakeCharDevice(Path.Combine(dev, name), major, minor);
        }

        File.CreateSymbolicLink(Path.Combine(dev, "fd"), "/proc/self/fd");
        File.CreateSymbolicLink(Path.Combine(dev, "stdin"), "/proc/self/fd/0");
        File.CreateSymbolicLink(Path.Combine(dev, "stdout"), "/proc/self/fd/1");
        File.CreateSymbolicLink(Path.Combine(dev, "stderr"), "/proc/self/fd/2");
        File.CreateSymbolicLink(Path.Combine(dev, "ptmx"), "pts/ptmx");

        // A private devpts instance: the subOS's terminals are invisible to the host's and to other subOSes.
        // Its tty group is the subOS's own group 5, so that terminal programs inside find it.
        var ttyGroup = spec.Privileged ? 5 : spec.IdBase + 5;
        Mounts.Mount("devpts", Sub(dev, "pts"), "devpts", NoSuid | NoExec,
            string.Create(CultureInfo.InvariantCulture, $"newinstance,ptmxmode=0666,mode=0620,gid={ttyGroup}"));
        Mounts.Mount("shm", Sub(dev, "shm"), "tmpfs", NoSuid | NoDev, $"size={size},mode=1777{owner}");
        Mounts.Mount("mqueue", Sub(dev, "mqueue"), "mqueue", NoSuid | NoDev | NoExec);
    }
}
