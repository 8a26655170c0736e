
namespace RainForest.Channels.Layout;

/// <summary>Packs and unpacks the 64-bit control word at the start of a record's first slot.</summary>
/// <remarks>
/// <code>
///  63        50 49        35 34   32 31                     0
/// +------------+------------+-------+------------------------+
/// | owner (14) | slots (15) | state |        lap (32)        |
/// +------------+------------+-------+------------------------+
/// </code>
/// The lap (position / slots per ring) makes every word unique to one pass over the ring, so a
/// compare-and-swap from a value read on an earlier lap fails (ABA needs 2^32 laps to pass while a
/// thread sits between two instructions). The slot count lets any thread move the tail or head past
/// a claimed record; the owner tag lets a stuck record be traced to its (possibly dead) owner.
/// All of it fits in one word so that a state change is a single compare-and-swap.
/// </remarks>
internal static class SlotControl
{
    public const int MaxSlots = 0x7FFF;
    public const int MaxOwner = 0x3FFF;

    private const int StateShift = 32;
    private const int SlotsShift = 35;
    private const int OwnerShift = 50;

    public static ulong Make(uint lap, SlotState state, int slots, int owner) =>
        lap | ((ulong)state << StateShift) | ((ulong)slots << SlotsShift) | ((ulong)owner << OwnerShift);

    public static uint Lap(ulong word) => (uint)word;

    public static SlotState State(ulong word) => (SlotState)((word >> StateShift) & 7);

    public static int Slots(ulong word) => (int)((word >> SlotsShift) & MaxSlots);

    public static int Owner(ulong word) => (int)(word >> OwnerShift);
}
