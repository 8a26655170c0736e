using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux.Tests.Native;

/// <summary>The interop layer's descriptor wrappers: handles made before the call, errors that carry the path.</summary>
public sealed class DescriptorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rf-fd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Open_MissingFile_ThrowsLinuxExceptionWithErrnoAndPath()
    {
        var path = Path.Combine(_dir, "missing");

        var e = Assert.Throws<LinuxException>(() => Interop.Descriptors.Open(path, Interop.Libc.O_RDONLY, operation: "open channel"));

        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Equal(path, e.Path);
        Assert.Equal("open channel", e.Operation);
        Assert.Equal($"open channel {path}: No such file or directory", e.Message);
    }

    [Fact]
    public void Open_ExistingFile_IsCloseOnExec()
    {
        var path = Path.Combine(_dir, "f");
        File.WriteAllText(path, "x");

        using var fd = Interop.Descriptors.Open(path, Interop.Libc.O_RDONLY);

        Assert.False(fd.IsInvalid);
        Assert.True((Flags(fd) & Interop.Libc.O_CLOEXEC) != 0, "the descriptor would leak into children");
    }

    [Fact]
    public void Pipe_WriteThenRead_RoundTripsAndEndsAtEof()
    {
        var (read, write) = Interop.Descriptors.Pipe();
        using (read)
        {
            Assert.True((Flags(read) & Interop.Libc.O_CLOEXEC) != 0);
            Assert.True((Flags(write) & Interop.Libc.O_CLOEXEC) != 0);
            Interop.Descriptors.WriteAll(write, "hello"u8);
            write.Dispose();
            var buffer = new byte[16];

            Assert.True(Interop.Descriptors.Poll(read, Interop.Libc.POLLIN, 1000));
            Assert.Equal(5, Interop.Descriptors.Read(read, buffer));
            Assert.Equal("hello"u8.ToArray(), buffer[..5]);
            Assert.Equal(0, Interop.Descriptors.Read(read, buffer));
        }
    }

    [Fact]
    public void Poll_NothingToRead_IsFalseAfterTheTimeout()
    {
        var (read, write) = Interop.Descriptors.Pipe();
        using (read)
        using (write)
        {
            Assert.False(Interop.Descriptors.Poll(read, Interop.Libc.POLLIN, 10));
        }
    }

    [Fact]
    public void Write_NoReader_ThrowsEpipe()
    {
        var (read, write) = Interop.Descriptors.Pipe();
        using (write)
        {
            read.Dispose();

            // The runtime ignores SIGPIPE, so the write reports EPIPE instead of killing the process.
            var e = Assert.Throws<LinuxException>(() => Interop.Descriptors.Write(write, "x"u8));

            Assert.Equal(Errno.EPIPE, e.Errno);
        }
    }

    [Fact]
    public void Own_FailedCall_ThrowsForErrnoAndLeavesTheHandleClosed()
    {
        var handle = new SafeFileHandle();
        Marshal.SetLastPInvokeError(Errno.EBADF);

        var e = Assert.Throws<LinuxException>(() => Interop.Descriptors.Own(handle, -1, "dup", "/x"));

        Assert.Equal(Errno.EBADF, e.Errno);
        Assert.True(handle.IsClosed);
    }

    /// <summary>The status flags of a descriptor, as /proc/self/fdinfo shows them (octal).</summary>
    private static int Flags(SafeHandle fd)
    {
        var line = File.ReadLines($"/proc/self/fdinfo/{fd.DangerousGetHandle()}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
        return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
    }
}
