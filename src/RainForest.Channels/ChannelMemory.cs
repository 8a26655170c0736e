using Microsoft.Win32.SafeHandles;
using RainForest.Channels.Layout;
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

    /// <summary>True when the mapping is a device's memory (a guest's ivshmem BAR): no futex works on it.</summary>
    public bool DeviceBacked { get; init; }

    /// <summary>This handle's participant row, set once claimed; its domain is cleared when the last reference goes.</summary>
    public ParticipantEntry* Row { get; set; }

    /// <summary>The domain this handle wrote into <see cref="Row"/>.</summary>
    public ulong Domain { get; set; }

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
            // Free the row for every kernel before the lock goes (a peer in another kernel cannot see the lock).
            if (Row is not null)
            {
                Interlocked.CompareExchange(ref Row->Domain, 0, Domain);
            }

            _mapping.Dispose();
            Fd.Dispose();
        }
    }
}
