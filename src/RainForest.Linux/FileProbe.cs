namespace RainForest.Linux;

/// <summary>Reads the first bytes of a file to learn whether whoever serves it still answers (a FUSE server, lxcfs).</summary>
public static class FileProbe
{
    /// <summary>
    /// Opens and reads <paramref name="path"/> on a thread of its own, waiting at most <paramref name="timeout"/>.
    /// </summary>
    /// <remarks>
    /// A FUSE server that died leaves its mounts answering ENOTCONN at once; one that hangs blocks every reader
    /// in the kernel. The read therefore runs on a thread the caller can abandon: it ends by itself once the
    /// server is killed (the kernel aborts the connection and fails the read) or when the process exits.
    /// </remarks>
    public static FileProbeResult Read(string path, TimeSpan timeout)
    {
        var read = Task.Factory.StartNew(() => Read(path), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return read.Wait(timeout) ? read.Result : FileProbeResult.NoAnswer;
    }

    /// <summary>Opens and reads <paramref name="path"/> on the calling thread (for a server known to answer, or a thread that may block).</summary>
    public static FileProbeResult Read(string path)
    {
        try
        {
            using var fd = Interop.Descriptors.Open(path, Interop.Libc.O_RDONLY);
            Span<byte> buffer = stackalloc byte[64];
            Interop.Descriptors.Read(fd, buffer);
            return FileProbeResult.Readable;
        }
        catch (Interop.LinuxException e)
        {
            return e.Errno switch
            {
                Interop.Errno.ENOTCONN => FileProbeResult.Disconnected,
                Interop.Errno.ENOENT => FileProbeResult.Missing,
                _ => FileProbeResult.Failed,
            };
        }
    }
}
