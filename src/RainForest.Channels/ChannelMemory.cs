using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Channels;

/// <summary>
/// A channel file's descriptor and mapping, shared by the channel handle and every reader and
/// writer made from it; unmapped and closed when the last of them lets go.
/// </summary>
/// <remarks>
/// The descriptor carries this process's participant lock, so it must outlive every record this
/// handle's readers and writers might still hold: were it closed first, the records would look
/// abandoned while their owners still write to them.
/// </remarks>
internal sealed unsafe class ChannelMemory
{
    private readonly SafeMappingHandle _mapping;
    private int _references = 1;

    public ChannelMemory(string path, SafeFileHandle fd, SafeMappingHandle mapping, long length)
    {
        Path = path;
        Fd = fd;
        _mapping = mapping;
        Length = length;
        Base = (byte*)mapping.DangerousGetHandle();
    }

    public string Path { get; }

    public SafeFileHandle Fd { get; }

    public byte* Base { get; }

    public long Length { get; }

    /// <summary>Takes a reference for a new reader or writer.</summary>
    public void AddReference()
    {
        int current;
        do
        {
            current = Volatile.Read(ref _references);
            ObjectDisposedException.ThrowIf(current == 0, this);
        }
        while (Interlocked.CompareExchange(ref _references, current + 1, current) != current);
    }

    /// <summary>Drops a reference; the last one unmaps and closes.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _mapping.Dispose();
            Fd.Dispose();
        }
    }
}
