using RainForest.Linux.Namespaces;
using RainForest.Linux.Tests.Security;

namespace RainForest.Linux.Tests.Mounts;

/// <summary>
/// The pieces the lxcfs view is built from: the constants of the mount and namespace calls (against the C headers),
/// the file probe, and running code in a mount namespace from a thread of its own.
/// </summary>
public sealed class MountApiTests
{
    [GccFact]
    public void MountAndNamespaceConstants_MatchTheKernelHeaders()
    {
        var values = CProgram.Values("""
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <errno.h>
            #include <sched.h>
            #include <sys/mount.h>
            #include <linux/mount.h>
            #define P(x) printf(#x " %ld\n", (long)(x))
            int main(void) {
              P(MNT_DETACH); P(UMOUNT_NOFOLLOW); P(CLONE_FS); P(CLONE_NEWNS); P(ENOTCONN);
              P(MOUNT_ATTR_RDONLY); P(MOUNT_ATTR_NOSUID); P(MOUNT_ATTR_NODEV); P(MOUNT_ATTR_NOEXEC); P(MOUNT_ATTR_IDMAP);
              P(OPEN_TREE_CLONE); P(OPEN_TREE_CLOEXEC); P(MOVE_MOUNT_F_EMPTY_PATH);
              return 0;
            }
            """);

        Check(values, "MNT_DETACH", (long)Interop.Libc.MNT_DETACH);
        Check(values, "UMOUNT_NOFOLLOW", (long)Interop.Libc.UMOUNT_NOFOLLOW);
        Check(values, "CLONE_FS", (long)Interop.Libc.CLONE_FS);
        Check(values, "CLONE_NEWNS", (long)Interop.Libc.CLONE_NEWNS);
        Check(values, "ENOTCONN", (long)Interop.Errno.ENOTCONN);
        Check(values, "MOUNT_ATTR_RDONLY", (long)Interop.Libc.MOUNT_ATTR_RDONLY);
        Check(values, "MOUNT_ATTR_NOSUID", (long)Interop.Libc.MOUNT_ATTR_NOSUID);
        Check(values, "MOUNT_ATTR_NODEV", (long)Interop.Libc.MOUNT_ATTR_NODEV);
        Check(values, "MOUNT_ATTR_NOEXEC", (long)Interop.Libc.MOUNT_ATTR_NOEXEC);
        Check(values, "MOUNT_ATTR_IDMAP", (long)Interop.Libc.MOUNT_ATTR_IDMAP);
        Check(values, "OPEN_TREE_CLONE", (long)Interop.Libc.OPEN_TREE_CLONE);
        Check(values, "OPEN_TREE_CLOEXEC", (long)Interop.Libc.OPEN_TREE_CLOEXEC);
        Check(values, "MOVE_MOUNT_F_EMPTY_PATH", (long)Interop.Libc.MOVE_MOUNT_F_EMPTY_PATH);
    }

    [Fact]
    public void FileProbe_ReadableMissingAndDirectory_Told()
    {
        using var dir = new Cgroups.TempTree();
        dir.Write("file", "text");

        Assert.Equal(FileProbeResult.Readable, FileProbe.Read(dir.PathTo("file"), TimeSpan.FromSeconds(5)));
        Assert.Equal(FileProbeResult.Missing, FileProbe.Read(dir.PathTo("nothing"), TimeSpan.FromSeconds(5)));
        Assert.Equal(FileProbeResult.Failed, FileProbe.Read(dir.Root));
    }

    [Fact]
    public void FileProbe_ReadThatBlocks_NoAnswerAfterTheTimeout()
    {
        // A FIFO with no writer blocks its reader in open(2), as a hung FUSE server blocks every reader.
        using var dir = new Cgroups.TempTree();
        var fifo = dir.PathTo("fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        Assert.Equal(FileProbeResult.NoAnswer, FileProbe.Read(fifo, TimeSpan.FromMilliseconds(100)));

        // Release the abandoned reader.
        using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
    }

    [Fact]
    public void MountNamespaceRun_OwnNamespace_RunsOnAnotherThreadAndPassesFailuresOn()
    {
        using var ns = File.OpenHandle("/proc/self/ns/mnt", FileMode.Open, FileAccess.Read);
        var caller = Environment.CurrentManagedThreadId;
        var ran = 0;

        MountNamespace.Run(ns, () => ran = Environment.CurrentManagedThreadId);
        var e = Assert.Throws<InvalidOperationException>(() => MountNamespace.Run(ns, () => throw new InvalidOperationException("inside")));

        Assert.NotEqual(0, ran);
        Assert.NotEqual(caller, ran);
        Assert.Equal("inside", e.Message);
    }

    private static void Check(Dictionary<string, long> headers, string name, long ours) =>
        Assert.True(headers[name] == ours, $"{name}: the headers say {headers[name]}, RainForest has {ours}");
}
