using RainForest.Interop;
using RainForest.Linux;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>How a full state directory is recognised and named in the one line the user reads.</summary>
public sealed class StateFileSystemTests
{
    private const string Mounts = """
        22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
        40 22 0:40 / /tmp/rf-full rw,relatime - tmpfs rf-full rw,size=4096k
        """;

    [Theory]
    [InlineData("/var/lib/rainforest", "the file system holding /var/lib/rainforest (ext4 at /)")]
    [InlineData("/tmp/rf-full", "the file system holding /tmp/rf-full (tmpfs at /tmp/rf-full)")]
    [InlineData("/tmp/rf-full/state", "the file system holding /tmp/rf-full/state (tmpfs at /tmp/rf-full)")]
    public void Describe_Directory_NamesTheMountThatHoldsIt(string directory, string expected) =>
        Assert.Equal(expected, StateFileSystem.Describe(directory, directory, MountTable.Parse(Mounts)));

    [Fact]
    public void Describe_SymlinkedDirectory_NamesTheMountOfItsTarget_AndTheDirectoryAsGiven() =>
        Assert.Equal("the file system holding /state (tmpfs at /tmp/rf-full)", StateFileSystem.Describe("/state", "/tmp/rf-full/state", MountTable.Parse(Mounts)));

    [Fact]
    public void Describe_NoMountCovers_NamesTheDirectoryOnly() =>
        Assert.Equal("the file system holding /x", StateFileSystem.Describe("/x", "/x", MountTable.Parse(string.Empty)));

    [Fact]
    public void IsNoSpace_EnospcAndEdquot_AreFull_OtherErrorsAreNot()
    {
        Assert.True(StateFileSystem.IsNoSpace(new LinuxException(Errno.ENOSPC, "write", "/x")));
        Assert.True(StateFileSystem.IsNoSpace(new LinuxException(Errno.EDQUOT, "write", "/x")));
        Assert.True(StateFileSystem.IsNoSpace(new IOException("No space left on device", Errno.ENOSPC)));
        Assert.False(StateFileSystem.IsNoSpace(new LinuxException(Errno.EIO, "write", "/x")));
        Assert.False(StateFileSystem.IsNoSpace(new IOException("Input/output error", Errno.EIO)));
        Assert.False(StateFileSystem.IsNoSpace(new InvalidOperationException("no")));
    }

    [Fact]
    public void IsNoSpace_WhatDotNetThrowsForAFullFile_IsRecognised()
    {
        // /dev/full answers every write with ENOSPC: the IOException .NET makes of it must be told apart.
        using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        var e = Assert.ThrowsAny<IOException>(() => full.Write(new byte[16]));

        Assert.True(StateFileSystem.IsNoSpace(e));
    }

    [Fact]
    public void IsFull_ATemporaryDirectory_IsNot()
    {
        using var temp = new TempDirectory();

        Assert.False(StateFileSystem.IsFull(temp.Root));
    }

    [Fact]
    public void Refusing_NamesTheFileSystemTheOperationAndThatNothingChanged()
    {
        var full = new LedgerFullException("the file system holding /s (tmpfs at /s)");

        Assert.Equal("the file system holding /s (tmpfs at /s) is full: the ledger cannot record a change until space is freed there", full.Message);
        Assert.Equal(
            "the file system holding /s (tmpfs at /s) is full: cannot channel create c; nothing was changed (free space there, then run it again)",
            full.Refusing("channel-create", "c").Message);
        Assert.Equal(1, full.Refusing("create", "b").ExitCode);
    }
}
