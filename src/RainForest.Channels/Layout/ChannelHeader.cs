using System.Runtime.InteropServices;

namespace RainForest.Channels.Layout;

/// <summary>The first page of a channel file.</summary>
/// <remarks>
/// Bytes 0 to <see cref="ChecksumOffset"/> are written once by the creator before the file is given
/// its name (an atomic <c>link</c>), so an opener never sees them half written; they are covered by
/// <see cref="Checksum"/>. The mutable words start on their own cache line at offset 128, so that
/// reading the immutable geometry never contends with a completion.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = ChannelLayout.HeaderSize)]
internal struct ChannelHeader
{
    /// <summary>Bytes covered by the checksum.</summary>
    public const int ChecksumOffset = 104;

    [FieldOffset(0)] public ulong Magic;
    [FieldOffset(8)] public uint Version;
    [FieldOffset(12)] public uint HeaderSize;
    [FieldOffset(16)] public uint SlotSize;
    [FieldOffset(20)] public uint Mode;
    [FieldOffset(24)] public uint ReceiverCount;
    [FieldOffset(28)] public uint SlotsPerRing;
    [FieldOffset(32)] public uint MaxMessageSize;
    [FieldOffset(36)] public uint MaxParticipants;
    [FieldOffset(40)] public ulong ParticipantTableOffset;
    [FieldOffset(48)] public ulong RingsOffset;
    [FieldOffset(56)] public uint RingHeaderSize;
    [FieldOffset(60)] public uint ParticipantEntrySize;
    [FieldOffset(64)] public ulong RingStride;
    [FieldOffset(72)] public ulong TotalSize;

    /// <summary>Random at creation: two channels with equal geometry still differ, and a stale copy of a header is told apart.</summary>
    [FieldOffset(80)] public ulong Nonce;
    [FieldOffset(88)] public long CreatedUnixTimeNanoseconds;
    [FieldOffset(96)] public int CreatorPid;
    /// <summary>
    /// <see cref="ChannelLayout.FlagSpansKernels"/> and nothing else yet; 0 in files made before the flags (the word was
    /// reserved and zero), so those read as they always did.
    /// </summary>
    [FieldOffset(100)] public uint Flags;

    /// <summary>FNV-1a over bytes 0 to <see cref="ChecksumOffset"/>.</summary>
    [FieldOffset(ChecksumOffset)] public ulong Checksum;

    /// <summary>0 open, 1 completed, 2 completed with an error, 3 a completion being written.</summary>
    [FieldOffset(128)] public uint CompletionState;

    /// <summary>Bytes of error text at <see cref="ChannelLayout.CompletionTextOffset"/>.</summary>
    [FieldOffset(132)] public uint CompletionTextLength;

    /// <summary>Where the next opener starts looking for a free participant entry (round robin spreads generation reuse).</summary>
    [FieldOffset(192)] public uint NextParticipant;

    /// <summary>
    /// UTF-8 bytes of the channel's label at <see cref="ChannelLayout.LabelOffset"/> (0: none). Written before the file
    /// is published, like the geometry, but outside the checksum: the word was unused, so older files read as unlabelled.
    /// </summary>
    [FieldOffset(256)] public uint LabelLength;
}
