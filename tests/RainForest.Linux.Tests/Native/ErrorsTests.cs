using RainForest.Interop;

namespace RainForest.Linux.Tests.Native;

/// <summary>errno to <see cref="LinuxException"/>, and the errno behind the .NET file APIs' exceptions.</summary>
public sealed class ErrorsTests
{
    [Fact]
    public void For_WithPath_NamesOperationPathAndTheCLibrarysText()
    {
        var e = Interop.Errors.For(Errno.EACCES, "mount", "/mnt");

        Assert.Equal("mount /mnt: Permission denied", e.Message);
        Assert.Equal(Errno.EACCES, e.Errno);
        Assert.Equal("mount", e.Operation);
        Assert.Equal("/mnt", e.Path);
    }

    [Fact]
    public void For_WithoutPath_NamesTheOperation() =>
        Assert.Equal("sethostname: Invalid argument", Interop.Errors.For(Errno.EINVAL, "sethostname").Message);

    [Fact]
    public void ErrnoOf_WriteToDevFull_IsEnospc()
    {
        // /dev/full refuses every write with ENOSPC: the runtime's IOException keeps the number.
        var e = Assert.ThrowsAny<IOException>(() => File.WriteAllText("/dev/full", "x"));

        Assert.Equal(Errno.ENOSPC, Interop.Errors.ErrnoOf(e));
    }

    [Fact]
    public void ErrnoOf_MissingDirectory_IsEnoent()
    {
        var e = Assert.ThrowsAny<IOException>(() => File.WriteAllText($"/nonexistent-{Guid.NewGuid():N}/f", "x"));

        Assert.Equal(Errno.ENOENT, Interop.Errors.ErrnoOf(e));
    }

    [Fact]
    public void ErrnoOf_LinuxException_IsItsOwnErrno() =>
        Assert.Equal(Errno.EBUSY, Interop.Errors.ErrnoOf(new LinuxException(Errno.EBUSY, "rmdir", "/x")));

    [Fact]
    public void ErrnoOf_SomethingElse_IsEio() =>
        Assert.Equal(Errno.EIO, Interop.Errors.ErrnoOf(new InvalidOperationException("not a file error")));
}
