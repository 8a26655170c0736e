using System.Globalization;
using RainForest.Core.Agent;
using RainForest.Linux;
using static RainForest.Linux.Mounts.Flags;

namespace RainForest.Agent;

/// <summary>Builds a subOS's root in its private mount namespace and pivots into it.</summary>
/// <remarks>
/// The root is an overlay: the lower layer is the host's / (or --rootfs), the upper layer a tmpfs
/// that exists only in this namespace. Writes stay inside, are charged to the subOS's memory, and
/// vanish with it: there is nothing on the host's disk to clean up after a crash.
/// </remarks>
internal static class RootBuilder
{
    public static void Build(CellSpec spec)
    {
        var size = spec.MemoryBytes.ToString(CultureInfo.InvariantCulture);
        var scratch = Path.Combine(spec.RunDir, "scratch");
        var root = Path.Combine(spec.RunDir, "root");
        Mounts.Mount("rf-scratch", scratch, "tmpfs", NoSuid | NoDev, $"size={size},mode=0700");
        Directory.CreateDirectory(Path.Combine(scratch, "upper"));
        Directory.CreateDirectory(Path.Combine(scratch, "work"));
        Mounts.Mount("rf-root", root, "overlay", None,
            $"lowerdir={spec.RootFs},upperdir={scratch}/upper,workdir={scratch}/work");

        Mounts.Mount("proc", Sub(root, "proc"), "proc", NoSuid | NoDev | NoExec);
        Mounts.Mount("sysfs", Sub(root, "sys"), "sysfs", NoSuid | NoDev | NoExec | ReadOnly);
        MountCgroups(spec, Path.Combine(root, "sys/fs/cgroup"));
        BuildDev(Sub(root, "dev"), size);
        Mounts.Mount("tmpfs", Sub(root, "tmp"), "tmpfs", NoSuid | NoDev, $"size={size},mode=1777");
        Mounts.Mount("tmpfs", Sub(root, "run"), "tmpfs", NoSuid | NoDev, $"size={size},mode=0755");

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

        Mounts.PivotRoot(root);
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

    private static void BuildDev(string dev, string size)
    {
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
        Mounts.Mount("devpts", Sub(dev, "pts"), "devpts", NoSuid | NoExec, "newinstance,ptmxmode=0666,mode=0620,gid=5");
        Mounts.Mount("shm", Sub(dev, "shm"), "tmpfs", NoSuid | NoDev, $"size={size},mode=1777");
        Mounts.Mount("mqueue", Sub(dev, "mqueue"), "mqueue", NoSuid | NoDev | NoExec);
    }
}
