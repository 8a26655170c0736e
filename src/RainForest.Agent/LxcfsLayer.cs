using Microsoft.Win32.SafeHandles;
using RainForest.Core.Agent;
using RainForest.Interop;
using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>
/// Shows the subOS its own machine: the supervisor's lxcfs files over /proc/cpuinfo, meminfo, stat and the rest
/// (<see cref="LxcfsView.Files"/>), read-only, in the agent's mount namespace and in the programs' one; replaced
/// when the supervisor restarted a dead lxcfs.
/// </summary>
/// <remarks>
/// <para>
/// Each file is two mounts. Beneath, for an unprivileged subOS, a mask (/dev/null) bound while the root is built,
/// which the kernel locks with every other mount when the programs' namespace is copied: nothing can uncover the
/// host's file. On top, the lxcfs file, attached only after that copy, in both namespaces, so that it is not locked
/// and can be replaced: when lxcfs dies its files fail with ENOTCONN, and a locked dead mount can neither be removed
/// nor reliably covered (the kernel refuses to mount on a file whose dead FUSE directory was looked up again).
/// Programs cannot remove the lxcfs layer either: they have no CAP_SYS_ADMIN and the seccomp filter denies
/// umount2, mount and the new mount API; removed, it would show the empty mask.
/// </para>
/// <para>
/// The copies are taken with open_tree while the host's paths are still visible (before pivot_root) and attached
/// with move_mount afterwards; the programs' namespace is entered by a thread of its own (<see cref="MountNamespace"/>).
/// </para>
/// </remarks>
internal sealed class LxcfsLayer : IDisposable
{
    // A failed repair may leave dead layers stacked on a file; they are peeled off, up to this many.
    private const int MaxDeadLayers = 8;

    private readonly List<(string Target, SafeFileHandle Tree)> _trees;

    private LxcfsLayer(List<(string, SafeFileHandle)> trees) => _trees = trees;

    /// <summary>
    /// Copies the files of <see cref="CellSpec.LxcfsDir"/> and, for an unprivileged subOS, masks the files of the new
    /// root they will cover. Runs before pivot_root. Null (the subOS sees the host's files) when there is no lxcfs.
    /// </summary>
    public static LxcfsLayer? Prepare(CellSpec spec, string root)
    {
        if (spec.LxcfsDir is not { } lxcfs)
        {
            return null;
        }

        // No read here: lxcfs answers a subOS's first read by finding the init of its pid namespace (a fork and
        // setns inside lxcfs), which the first program to read pays for, not create. The supervisor checked that
        // lxcfs answers just before it started this agent (and kills one that hangs).
        var copies = Copy(lxcfs);
        var trees = new List<(string, SafeFileHandle)>();
        var devNull = Path.Combine(root, "dev/null");
        foreach (var (target, tree) in copies)
        {
            var covered = Path.Combine(root, target.TrimStart('/'));
            try
            {
                if (!File.Exists(covered))
                {
                    tree.Dispose();
                    continue;
                }

                if (!spec.Privileged)
                {
                    // Like the masked files: reads find nothing, writes go nowhere.
                    Mounts.Bind(devNull, covered, readOnly: false);
                }

                trees.Add((target, tree));
            }
            catch (LinuxException e)
            {
                tree.Dispose();
                Console.Error.WriteLine($"rf-agent: {target} stays the host's: {e.Message}");
            }
        }

        return new LxcfsLayer(trees);
    }

    /// <summary>Attaches the copies in this (the agent's) namespace, then in the programs' one when there is one.</summary>
    /// <param name="sandbox">The programs' namespace of an unprivileged subOS; null when programs share the agent's.</param>
    public void Attach(ProgramSandbox? sandbox)
    {
        foreach (var (target, tree) in _trees)
        {
            Mounts.AttachTree(tree, target);
        }

        if (sandbox is not null)
        {
            AttachInPrograms(sandbox, _trees.Select(t => t.Target), replaceDead: false);
        }
    }

    /// <summary>
    /// Replaces every file whose lxcfs connection died with the detached mount the supervisor sent for it, in this
    /// (the agent's) mount namespace and in the programs' one.
    /// </summary>
    /// <param name="paths">Files of <see cref="LxcfsView.Files"/>, one per descriptor.</param>
    /// <param name="trees">Detached read-only mounts of the new lxcfs's files (open_tree copies made by the supervisor).</param>
    /// <param name="sandbox">The programs' namespace of an unprivileged subOS; null when programs share the agent's.</param>
    /// <returns>What was replaced, for the supervisor's repair report.</returns>
    /// <exception cref="InvalidDataException">A path is not one of <see cref="LxcfsView.Files"/>, or the counts differ.</exception>
    public static string Rebind(IReadOnlyList<string> paths, IReadOnlyList<SafeFileHandle> trees, ProgramSandbox? sandbox)
    {
        if (paths.Count != trees.Count || paths.Any(p => !LxcfsView.Files.Contains(p, StringComparer.Ordinal)))
        {
            throw new InvalidDataException($"rebind-view takes one descriptor for each of {string.Join(", ", LxcfsView.Files)}");
        }

        // The supervisor sends this right after the new lxcfs answered it, and a dead connection fails at once:
        // the probes need no timeout.
        var replaced = new List<string>();
        for (var i = 0; i < paths.Count; i++)
        {
            var target = "/" + paths[i];
            if (FileProbe.Read(target) == FileProbeResult.Disconnected)
            {
                DetachDead(target);
                Mounts.AttachTree(trees[i], target);
                replaced.Add(target);
            }
        }

        if (sandbox is null)
        {
            return $"replaced {replaced.Count} file(s): {string.Join(' ', replaced)}";
        }

        var inPrograms = AttachInPrograms(sandbox, paths.Select(p => "/" + p), replaceDead: true);
        return $"replaced {replaced.Count} file(s) in the agent's namespace ({string.Join(' ', replaced)}) and {inPrograms} in the programs'";
    }

    public void Dispose() => _trees.ForEach(t => t.Tree.Dispose());

    /// <summary>Copies each file lxcfs offers, read-only (the caller drops those the new root lacks).</summary>
    private static List<(string Target, SafeFileHandle Tree)> Copy(string lxcfs)
    {
        var trees = new List<(string Target, SafeFileHandle Tree)>();
        foreach (var file in LxcfsView.Files)
        {
            try
            {
                trees.Add(("/" + file, Mounts.CloneTree(Path.Combine(lxcfs, file), readOnly: true)));
            }
            catch (LinuxException e) when (e.Errno == Errno.ENOENT)
            {
                // An lxcfs older than this file: the subOS sees the host's.
            }
            catch (LinuxException e)
            {
                Console.Error.WriteLine($"rf-agent: /{file} stays the host's: {e.Message}");
            }
        }

        return trees;
    }

    /// <summary>Copies the agent's live files into the programs' namespace; with <paramref name="replaceDead"/>, only over dead ones.</summary>
    private static int AttachInPrograms(ProgramSandbox sandbox, IEnumerable<string> targets, bool replaceDead)
    {
        // The copies are taken here, in the agent's namespace, where the live files are, and attached from inside.
        var copies = new List<(string Target, SafeFileHandle Tree)>();
        var attached = 0;
        try
        {
            foreach (var target in targets)
            {
                copies.Add((target, Mounts.CloneTree(target, readOnly: true)));
            }

            sandbox.InMountNamespace(() =>
            {
                foreach (var (target, tree) in copies)
                {
                    if (replaceDead && FileProbe.Read(target) != FileProbeResult.Disconnected)
                    {
                        continue;
                    }

                    if (replaceDead)
                    {
                        DetachDead(target);
                    }

                    Mounts.AttachTree(tree, target);
                    attached++;
                }
            });
        }
        finally
        {
            copies.ForEach(c => c.Tree.Dispose());
        }

        return attached;
    }

    /// <summary>Detaches the dead lxcfs file at <paramref name="target"/>, and any dead one beneath it, down to the mask or the real file.</summary>
    private static void DetachDead(string target)
    {
        var layers = 0;
        do
        {
            Mounts.DetachMountPoint(target);
        }
        while (++layers < MaxDeadLayers && FileProbe.Read(target) == FileProbeResult.Disconnected);
    }
}
