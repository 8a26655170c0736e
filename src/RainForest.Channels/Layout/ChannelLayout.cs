namespace RainForest.Channels.Layout;

/// <summary>Sizes and offsets of a channel file (layout version 1). docs/channels.md draws the picture.</summary>
internal static class ChannelLayout
{
    /// <summary>"RFFICM01" read as a little-endian 64-bit number.</summary>
    public const ulong Magic = 0x31304D4349464652;

    /// <summary>The layout version this code reads and writes.</summary>
    public const uint Version = 1;

    /// <summary>A slot is one cache line; messages are whole slots.</summary>
    public const int SlotSize = 64;

    /// <summary>log2 of <see cref="SlotSize"/>.</summary>
    public const int SlotShift = 6;

    /// <summary>Bytes of the first slot of a message before its payload: control word, length, writer pid.</summary>
    public const int MessageHeaderSize = 16;

    /// <summary>The channel header: one page.</summary>
    public const int HeaderSize = 4096;

    /// <summary>Where the participant table starts.</summary>
    public const int ParticipantTableOffset = HeaderSize;

    /// <summary>How many processes (channel handles) may have a channel open at once.</summary>
    public const int MaxParticipants = 256;

    /// <summary>Bytes per participant entry.</summary>
    public const int ParticipantEntrySize = 32;

    /// <summary>Where the first ring starts: after the header and the participant table, page aligned.</summary>
    public const int RingsOffset = ParticipantTableOffset + (MaxParticipants * ParticipantEntrySize);

    /// <summary>Bytes of a ring header (eight cache lines) before its slots.</summary>
    public const int RingHeaderSize = 512;

    /// <summary>Rings are page aligned.</summary>
    public const int PageSize = 4096;

    /// <summary>At most this many receivers (one bit each in a <see cref="ReceiverMask"/>).</summary>
    public const int MaxReceivers = 64;

    /// <summary>The fewest slots a ring may have.</summary>
    public const int MinSlotsPerRing = 4;

    /// <summary>The most slots a ring may have (256 MiB of slots).</summary>
    public const int MaxSlotsPerRing = 1 << 22;

    /// <summary>The largest message a channel may be created for (1 MiB); keeps the slot count within the control word's 15 bits.</summary>
    public const int MaxMessageSizeLimit = 1 << 20;

    /// <summary>Offset in the header of the error text a completing writer leaves.</summary>
    public const int CompletionTextOffset = 1024;

    /// <summary>Room for that text, in UTF-8 bytes.</summary>
    public const int CompletionTextCapacity = 1024;

    /// <summary>
    /// Header flag: some member maps the channel from another kernel (a guest's ivshmem BAR), where a futex wake from
    /// this kernel never arrives, so every sleeper here wakes at least every <see cref="CrossKernelPollMilliseconds"/>.
    /// </summary>
    public const uint FlagSpansKernels = 1;

    /// <summary>The longest sleep of a waiter on a channel that spans kernels.</summary>
    public const int CrossKernelPollMilliseconds = 1;

    /// <summary>Offset in the header of the channel's label (its name where a supervisor made it).</summary>
    public const int LabelOffset = 512;

    /// <summary>Room for the label, in UTF-8 bytes.</summary>
    public const int LabelCapacity = 64;

    /// <summary>How many slots a message of <paramref name="length"/> payload bytes takes.</summary>
    public static int SlotsFor(int length) => (MessageHeaderSize + length + SlotSize - 1) >> SlotShift;

    /// <summary>Bytes one ring takes, header and slots, rounded up to a page.</summary>
    public static long RingStride(int slotsPerRing) =>
        AlignUp(RingHeaderSize + ((long)slotsPerRing * SlotSize), PageSize);

    /// <summary>Bytes the whole channel file takes.</summary>
    public static long TotalSize(int receivers, int slotsPerRing) => RingsOffset + (receivers * RingStride(slotsPerRing));

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);
}
