using System.Runtime.InteropServices;
using RainForest.Interop;

namespace RainForest.Linux.Tests.Native;

/// <summary>posix_spawn with descriptors handed over as SafeHandles, and the pipe the tests read them through.</summary>
public sealed class SpawnerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Spawn_PipeOnFd3_ChildWritesAndTheParentReadsTheLine()
    {
        using var pipe = Pipe.Create();

        var pid = Spawner.Spawn(Shell("echo ready >&3", new Dictionary<int, SafeHandle> { [3] = pipe.Write }));
        pipe.CloseWrite();

        Assert.Equal(("ready\n", true), pipe.ReadLine(s_timeout));
        Assert.Equal(0, ProcessInfo.WaitForExit(pid));
    }

    [Fact]
    public void Spawn_SwappedDescriptors_EachLandsWhereAsked()
    {
        using var three = Pipe.Create();
        using var four = Pipe.Create();

        // 3->4 and 4->3 at once: the spawner goes through a scratch range so neither dup2 clobbers the other.
        var pid = Spawner.Spawn(Shell("echo to3 >&3; echo to4 >&4", new Dictionary<int, SafeHandle> { [3] = four.Write, [4] = three.Write }));
        three.CloseWrite();
        four.CloseWrite();

        Assert.Equal("to4\n", three.ReadLine(s_timeout).Text);
        Assert.Equal("to3\n", four.ReadLine(s_timeout).Text);
        Assert.Equal(0, ProcessInfo.WaitForExit(pid));
    }

    [Fact]
    public void Spawn_ExitCode_IsTheChildsAndTheHandlesStayOpen()
    {
        using var pipe = Pipe.Create();

        var pid = Spawner.Spawn(Shell("exit 3", new Dictionary<int, SafeHandle> { [1] = pipe.Write }));

        Assert.Equal(3, ProcessInfo.WaitForExit(pid));
        Assert.False(pipe.Write.IsClosed);
    }

    [Fact]
    public void Spawn_MissingProgram_ThrowsLinuxExceptionNamingIt()
    {
        var e = Assert.Throws<LinuxException>(() => Spawner.Spawn(new SpawnOptions { Path = "/nonexistent/rf-program", Argv = ["rf-program"] }));

        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Equal("spawn", e.Operation);
        Assert.Equal("spawn /nonexistent/rf-program: No such file or directory", e.Message);
    }

    [Fact]
    public void Spawn_MissingWorkingDirectory_ThrowsLinuxException()
    {
        var options = Shell("true", new Dictionary<int, SafeHandle>()) is var o ? new SpawnOptions
        {
            Path = o.Path,
            Argv = o.Argv,
            WorkingDirectory = "/nonexistent/rf-dir",
        } : null!;

        Assert.Equal(Errno.ENOENT, Assert.Throws<LinuxException>(() => Spawner.Spawn(options)).Errno);
    }

    [Fact]
    public void Spawn_ClosedHandle_RefusedBeforeAnythingStarts()
    {
        var pipe = Pipe.Create();
        pipe.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Spawner.Spawn(Shell("true", new Dictionary<int, SafeHandle> { [3] = pipe.Write })));
    }

    [Fact]
    public void ReadLine_NothingWritten_ReturnsIncompleteAfterTheTimeout()
    {
        using var pipe = Pipe.Create();

        Assert.Equal((string.Empty, false), pipe.ReadLine(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void ReadLine_WriterClosedWithoutNewline_ReturnsWhatCameAsComplete()
    {
        using var pipe = Pipe.Create();
        Pipe.WriteAll(pipe.Write, "partial");
        pipe.CloseWrite();

        Assert.Equal(("partial", true), pipe.ReadLine(s_timeout));
    }

    private static SpawnOptions Shell(string script, Dictionary<int, SafeHandle> fds) => new()
    {
        Path = "/bin/sh",
        Argv = ["sh", "-c", script],
        Fds = fds,
    };
}
