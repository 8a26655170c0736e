using RainForest.Linux.Namespaces;

namespace RainForest.Linux.Tests.Mounts;

/// <summary>
/// Pieces the lxcfs view is built from: the file probe, and running code in a mount namespace from a thread of its own
/// (their constants are checked with the rest in InteropHeaderTests).
/// </summary>
public sealed class MountApiTests
{
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
}
