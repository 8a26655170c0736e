using System.Runtime.InteropServices;

namespace RainForest.Channels.Layout;

/// <summary>The header of one receiver's ring; the slots follow it.</summary>
/// <remarks>
/// Every counter that one side writes often sits on its own 64-byte line, so writers (tail),
/// readers (head) and releasers (released) do not invalidate each other's lines; the futex words
/// share a line with their sleeper counts, which are read on every publish but written only by
/// sleepers. All positions are absolute slot counts that only grow.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = ChannelLayout.RingHeaderSize)]
internal struct RingHeader
{
    /// <summary>Next position a writer claims; advanced by the claimer or a helper.</summary>
    [FieldOffset(0)] public long Tail;

    /// <summary>Next position a reader claims.</summary>
    [FieldOffset(64)] public long Head;

    /// <summary>Every slot before this position is free for writers.</summary>
    [FieldOffset(128)] public long Released;

    /// <summary>Futex word readers sleep on; a writer bumps it before waking them.</summary>
    [FieldOffset(192)] public uint DataFutex;

    /// <summary>Readers announced as (about to be) asleep on <see cref="DataFutex"/>.</summary>
    [FieldOffset(196)] public uint ReaderSleepers;

    /// <summary>Futex word writers waiting for room sleep on.</summary>
    [FieldOffset(256)] public uint SpaceFutex;

    /// <summary>Writers announced as (about to be) asleep on <see cref="SpaceFutex"/>.</summary>
    [FieldOffset(260)] public uint WriterSleepers;

    /// <summary>1 when broadcast and multicast writes include this receiver.</summary>
    [FieldOffset(320)] public uint Attached;

    /// <summary>Owner tag + 1 of the last reader that opened this receiver (0: none yet).</summary>
    [FieldOffset(324)] public uint ReaderOwner;

    /// <summary>That reader's pid, as its own pid namespace numbers it (diagnostic only).</summary>
    [FieldOffset(328)] public int ReaderPid;

    /// <summary>Records dropped by crash recovery (a writer or reader died holding them).</summary>
    [FieldOffset(336)] public long AbandonedRecords;
}
