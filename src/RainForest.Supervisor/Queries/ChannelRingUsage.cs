namespace RainForest.Supervisor.Queries;

/// <summary>One member's ring of a channel at one moment (a unicast channel's members share ring 0).</summary>
/// <param name="Channel">The channel.</param>
/// <param name="SubOs">The member subOS.</param>
/// <param name="Receiver">Its ring.</param>
/// <param name="WrittenSlots">64-byte slots written into the ring since it was made (the ring counts slots, not messages).</param>
/// <param name="ReadSlots">Slots read from it since it was made.</param>
/// <param name="PendingSlots">Slots written and not yet read.</param>
/// <param name="Capacity">Slots in the ring.</param>
public sealed record ChannelRingUsage(string Channel, string SubOs, int Receiver, long WrittenSlots, long ReadSlots, long PendingSlots, int Capacity);
