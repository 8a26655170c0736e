namespace RainForest.Channels;

/// <summary>A snapshot of one receiver's ring, for supervisors and diagnostics.</summary>
/// <param name="ReceiverIndex">The receiver.</param>
/// <param name="Attached">Whether broadcast and multicast writes include it.</param>
/// <param name="PendingSlots">Slots claimed by writers and not yet claimed by a reader.</param>
/// <param name="Capacity">Slots in the ring.</param>
/// <param name="ReaderPid">Pid of the last reader that opened it, in that reader's pid namespace; 0 if none has.</param>
/// <param name="ReaderAlive">Whether that reader's channel handle is still open (false if none has opened it).</param>
/// <param name="AbandonedRecords">Records dropped by crash recovery on this ring.</param>
public readonly record struct FicmReceiverStatus(
    int ReceiverIndex, bool Attached, long PendingSlots, int Capacity, int ReaderPid, bool ReaderAlive, long AbandonedRecords)
{
    /// <summary>Slots writers have claimed in this ring since it was made (its tail): with no message counter in the ring, the measure of traffic.</summary>
    public long WrittenSlots { get; init; }

    /// <summary>Slots readers have claimed from it since it was made (its head).</summary>
    public long ReadSlots { get; init; }
}
