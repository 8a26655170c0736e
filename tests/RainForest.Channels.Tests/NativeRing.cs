using System.Runtime.InteropServices;
using RainForest.Channels.Layout;

namespace RainForest.Channels.Tests;

/// <summary>A ring in private, zeroed memory, for tests of the ring algorithm without a file.</summary>
internal sealed unsafe class NativeRing : IDisposable
{
    private readonly void* _memory;

    public NativeRing(int capacity)
    {
        var size = (nuint)ChannelLayout.RingStride(capacity);
        _memory = NativeMemory.AlignedAlloc(size, ChannelLayout.PageSize);
        NativeMemory.Clear(_memory, size);
        Ring = new FicmRing((byte*)_memory, capacity);
        Ring.Header->Attached = 1;
    }

    public FicmRing Ring { get; }

    public void Dispose() => NativeMemory.AlignedFree(_memory);
}
