using RainForest.Channels.Layout;

namespace RainForest.Channels;

/// <summary>The shape of a channel, fixed when it is created.</summary>
public sealed class FicmChannelOptions
{
    /// <summary>The largest <see cref="MaxMessageSize"/> a channel may have (1 MiB).</summary>
    public const int MaxMessageSizeLimit = ChannelLayout.MaxMessageSizeLimit;

    /// <summary>The most receivers a channel may have (one bit each in a <see cref="ReceiverMask"/>).</summary>
    public const int MaxReceivers = ChannelLayout.MaxReceivers;

    /// <summary>Delivery mode. Default <see cref="FicmChannelMode.Unicast"/>.</summary>
    public FicmChannelMode Mode { get; init; } = FicmChannelMode.Unicast;

    /// <summary>Receivers (rings): 1 for unicast, 1 to 64 otherwise. Default 1.</summary>
    public int ReceiverCount { get; init; } = 1;

    /// <summary>64-byte slots per ring, a power of two from 4 to 4194304. Default 1024 (64 KiB).</summary>
    public int SlotsPerRing { get; init; } = 1024;

    /// <summary>The largest payload in bytes, up to 1 MiB; a message of it (plus a 16-byte header) must fit in one ring. Default 4096.</summary>
    public int MaxMessageSize { get; init; } = 4096;

    /// <summary>Permission bits of the file. Default owner read and write; a supervisor sharing a channel with subOSes under other uids widens this.</summary>
    public UnixFileMode FileMode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Whether receivers start attached, so broadcasts queue for them before their reader opens. Default true.</summary>
    public bool ReceiversStartAttached { get; init; } = true;

    /// <summary>
    /// True when some member will map the channel from another kernel (a guest's ivshmem device): futex wakes do not
    /// cross kernels, so every sleeper then wakes at least once a millisecond to look. Default false.
    /// </summary>
    public bool SpansKernels { get; init; }

    /// <summary>
    /// Makes the file a power of two in size, the rest after the rings left unused (an ivshmem BAR must be a power of
    /// two); the layout does not change. Default false: the file is exactly the channel's size.
    /// </summary>
    public bool PadToPowerOfTwo { get; init; }

    /// <summary>
    /// A name written into the header (at most 64 UTF-8 bytes), by which a process that finds the channel without its
    /// path (a guest scanning its PCI devices) tells channels apart; null for none.
    /// </summary>
    public string? Label { get; init; }

    /// <summary>Checks the options; <see cref="FicmChannel.Create"/> calls this.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message says which and why.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"unknown channel mode {(int)Mode}", nameof(Mode));
        }

        if (Mode == FicmChannelMode.Unicast && ReceiverCount != 1)
        {
            throw new ArgumentException($"a unicast channel has exactly one receiver ring (got {ReceiverCount}); use multicast or broadcast for more", nameof(ReceiverCount));
        }

        if (ReceiverCount is < 1 or > ChannelLayout.MaxReceivers)
        {
            throw new ArgumentException($"receiver count {ReceiverCount} is outside 1..{ChannelLayout.MaxReceivers}", nameof(ReceiverCount));
        }

        if (SlotsPerRing is < ChannelLayout.MinSlotsPerRing or > ChannelLayout.MaxSlotsPerRing || !int.IsPow2(SlotsPerRing))
        {
            throw new ArgumentException($"slots per ring must be a power of two from {ChannelLayout.MinSlotsPerRing} to {ChannelLayout.MaxSlotsPerRing} (got {SlotsPerRing})", nameof(SlotsPerRing));
        }

        if (MaxMessageSize is < 0 or > ChannelLayout.MaxMessageSizeLimit)
        {
            throw new ArgumentException($"maximum message size {MaxMessageSize} is outside 0..{ChannelLayout.MaxMessageSizeLimit}", nameof(MaxMessageSize));
        }

        if (Label is { } label && (label.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(label) > ChannelLayout.LabelCapacity))
        {
            throw new ArgumentException($"label '{label}' must have 1 to {ChannelLayout.LabelCapacity} UTF-8 bytes", nameof(Label));
        }

        var slots = ChannelLayout.SlotsFor(MaxMessageSize);
        if (slots > SlotsPerRing)
        {
            throw new ArgumentException($"a {MaxMessageSize}-byte message takes {slots} slots but a ring has only {SlotsPerRing}", nameof(MaxMessageSize));
        }
    }
}
