namespace RainForest.Linux;

/// <summary>The process's file-creation mask (umask(2)), narrowed for as long as a handle lives.</summary>
/// <remarks>
/// A Unix socket gets its mode from the mask when bind(2) creates it: a mask of 0177 makes it 0600 from its first
/// moment, where a chmod after the bind would leave a window in which others may connect. The mask is
/// process-wide, so narrow it only while nothing else creates files (start-up).
/// </remarks>
public sealed class FileCreationMask : IDisposable
{
    private readonly uint _previous;
    private int _disposed;

    private FileCreationMask(uint mask) => _previous = Interop.Libc.umask(mask);

    /// <summary>Sets the mask to <paramref name="mask"/> (0177: new sockets and files are 0600) until the handle is disposed.</summary>
    public static FileCreationMask Narrow(UnixFileMode mask) => new((uint)mask);

    /// <summary>Puts the previous mask back.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Interop.Libc.umask(_previous);
        }
    }
}
