using System.Runtime.InteropServices;

namespace RainForest.Channels.Layout;

/// <summary>One row of the participant table: a process (channel handle) that has the channel open.</summary>
/// <remarks>
/// Liveness is not this row but an open-file-description lock on its first byte, which the kernel
/// drops when the holder dies, in whatever pid namespace it lives.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = ChannelLayout.ParticipantEntrySize)]
internal struct ParticipantEntry
{
    /// <summary>Bumped by each new holder of the row; the low bits go into owner tags.</summary>
    [FieldOffset(0)] public uint Generation;

    /// <summary>The holder's pid in its own namespace (diagnostic only).</summary>
    [FieldOffset(4)] public int Pid;

    /// <summary>When the holder claimed the row.</summary>
    [FieldOffset(8)] public long ClaimedUnixTimeNanoseconds;

    /// <summary>
    /// Which kernel the row's holder runs on (0: the row is free; <see cref="ParticipantTable.HostDomain"/>: the kernel
    /// that owns the file; else a guest's, from its boot id). A lock is visible only in the kernel that took it, so a
    /// row belongs to one kernel from its claim to its release, and a holder in another kernel is taken to be alive.
    /// </summary>
    [FieldOffset(16)] public ulong Domain;
}
