using System.Diagnostics;
using System.Numerics;
using RainForest.Channels.Layout;

namespace RainForest.Channels;

/// <summary>The immutable shape of a channel: what the header records and every process must agree on.</summary>
internal sealed record ChannelGeometry(FicmChannelMode Mode, int ReceiverCount, int SlotsPerRing, int MaxMessageSize)
{
    /// <summary>Bytes per ring, header and slots.</summary>
    public long RingStride => ChannelLayout.RingStride(SlotsPerRing);

    /// <summary>Bytes of the whole file.</summary>
    public long TotalSize => ChannelLayout.TotalSize(ReceiverCount, SlotsPerRing);

    /// <summary>The geometry validated options ask for.</summary>
    public static ChannelGeometry FromOptions(FicmChannelOptions options) =>
        new(options.Mode, options.ReceiverCount, options.SlotsPerRing, options.MaxMessageSize);

    /// <summary>Offset of ring <paramref name="index"/> from the start of the file.</summary>
    public long RingOffset(int index) => ChannelLayout.RingsOffset + (index * RingStride);

    /// <summary>Fills in the header of a freshly sized, zeroed file (zeroed slots are already free for lap 0).</summary>
    public unsafe void Initialize(byte* fileBase, bool receiversAttached, uint flags = 0, string? label = null)
    {
        var header = (ChannelHeader*)fileBase;
        header->Magic = ChannelLayout.Magic;
        header->Version = ChannelLayout.Version;
        header->HeaderSize = ChannelLayout.HeaderSize;
        header->SlotSize = ChannelLayout.SlotSize;
        header->Mode = (uint)Mode;
        header->ReceiverCount = (uint)ReceiverCount;
        header->SlotsPerRing = (uint)SlotsPerRing;
        header->MaxMessageSize = (uint)MaxMessageSize;
        header->MaxParticipants = ChannelLayout.MaxParticipants;
        header->ParticipantTableOffset = ChannelLayout.ParticipantTableOffset;
        header->RingsOffset = ChannelLayout.RingsOffset;
        header->RingHeaderSize = ChannelLayout.RingHeaderSize;
        header->ParticipantEntrySize = ChannelLayout.ParticipantEntrySize;
        header->RingStride = (ulong)RingStride;
        header->TotalSize = (ulong)TotalSize;
        header->Nonce = (ulong)Random.Shared.NextInt64() ^ ((ulong)Stopwatch.GetTimestamp() << 17);
        header->CreatedUnixTimeNanoseconds = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        header->CreatorPid = Environment.ProcessId;
        header->Flags = flags;
        if (label is not null)
        {
            header->LabelLength = (uint)System.Text.Encoding.UTF8.GetBytes(label, new Span<byte>(fileBase + ChannelLayout.LabelOffset, ChannelLayout.LabelCapacity));
        }

        header->Checksum = ChecksumOf(fileBase);
        for (var i = 0; i < ReceiverCount; i++)
        {
            ((RingHeader*)(fileBase + RingOffset(i)))->Attached = receiversAttached ? 1u : 0u;
        }
    }

    /// <summary>Reads and checks the header of a mapped file; refuses anything foreign, corrupt or inconsistent.</summary>
    /// <exception cref="ChannelFormatException">The file is not a channel this code can use.</exception>
    public static unsafe ChannelGeometry Read(byte* fileBase, long fileSize, string path)
    {
        var header = (ChannelHeader*)fileBase;
        if (header->Magic != ChannelLayout.Magic)
        {
            throw new ChannelFormatException(path, $"no FICM channel magic (found 0x{header->Magic:x16}, expected 0x{ChannelLayout.Magic:x16})");
        }

        if (header->Version != ChannelLayout.Version)
        {
            throw new ChannelFormatException(path, $"layout version {header->Version} is not supported (this library reads version {ChannelLayout.Version})");
        }

        var checksum = ChecksumOf(fileBase);
        if (header->Checksum != checksum)
        {
            throw new ChannelFormatException(path, $"header checksum mismatch (stored 0x{header->Checksum:x16}, computed 0x{checksum:x16}): the header is corrupt");
        }

        Require(header->HeaderSize == ChannelLayout.HeaderSize, path, $"header size {header->HeaderSize}, expected {ChannelLayout.HeaderSize}");
        Require(header->SlotSize == ChannelLayout.SlotSize, path, $"slot size {header->SlotSize}, expected {ChannelLayout.SlotSize}");
        Require(header->MaxParticipants == ChannelLayout.MaxParticipants && header->ParticipantEntrySize == ChannelLayout.ParticipantEntrySize
            && header->ParticipantTableOffset == ChannelLayout.ParticipantTableOffset, path, "participant table layout differs from this library's");
        Require(header->RingsOffset == ChannelLayout.RingsOffset && header->RingHeaderSize == ChannelLayout.RingHeaderSize, path, "ring layout differs from this library's");
        Require(Enum.IsDefined((FicmChannelMode)header->Mode), path, $"unknown mode {header->Mode}");
        Require(header->ReceiverCount is >= 1 and <= ChannelLayout.MaxReceivers, path, $"receiver count {header->ReceiverCount} out of range 1..{ChannelLayout.MaxReceivers}");
        Require(header->SlotsPerRing is >= ChannelLayout.MinSlotsPerRing and <= ChannelLayout.MaxSlotsPerRing && uint.IsPow2(header->SlotsPerRing),
            path, $"{header->SlotsPerRing} slots per ring is not a power of two in {ChannelLayout.MinSlotsPerRing}..{ChannelLayout.MaxSlotsPerRing}");
        Require(header->MaxMessageSize <= ChannelLayout.MaxMessageSizeLimit
            && ChannelLayout.SlotsFor((int)header->MaxMessageSize) <= header->SlotsPerRing, path, $"maximum message size {header->MaxMessageSize} does not fit the ring");
        var geometry = new ChannelGeometry((FicmChannelMode)header->Mode, (int)header->ReceiverCount, (int)header->SlotsPerRing, (int)header->MaxMessageSize);
        Require(header->RingStride == (ulong)geometry.RingStride, path, $"ring stride {header->RingStride}, expected {geometry.RingStride}");
        Require(header->TotalSize == (ulong)geometry.TotalSize, path, $"recorded size {header->TotalSize}, expected {geometry.TotalSize}");
        // The one larger size allowed is the padding to a power of two an ivshmem BAR needs; the rings sit where the header says.
        Require(fileSize == geometry.TotalSize || fileSize == (long)BitOperations.RoundUpToPowerOf2((ulong)geometry.TotalSize),
            path, $"the file is {fileSize} bytes but its header describes {geometry.TotalSize}");
        Require(geometry.Mode != FicmChannelMode.Unicast || geometry.ReceiverCount == 1, path, "a unicast channel with more than one receiver");
        return geometry;
    }

    /// <summary>The label a creator wrote into the header, or null (none, or not valid UTF-8 within its room).</summary>
    public static unsafe string? LabelOf(byte* fileBase)
    {
        var length = ((ChannelHeader*)fileBase)->LabelLength;
        if (length is 0 or > ChannelLayout.LabelCapacity)
        {
            return null;
        }

        var bytes = new ReadOnlySpan<byte>(fileBase + ChannelLayout.LabelOffset, (int)length);
        return System.Text.Unicode.Utf8.IsValid(bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : null;
    }

    private static unsafe ulong ChecksumOf(byte* fileBase) => Fnv1a.Hash(new ReadOnlySpan<byte>(fileBase, ChannelHeader.ChecksumOffset));

    private static void Require(bool condition, string path, string reason)
    {
        if (!condition)
        {
            throw new ChannelFormatException(path, reason);
        }
    }
}
