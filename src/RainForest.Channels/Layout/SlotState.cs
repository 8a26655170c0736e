namespace RainForest.Channels.Layout;

/// <summary>The state a record's control word is in. docs/channels.md has the state machine.</summary>
internal enum SlotState
{
    /// <summary>Free for a writer at the lap in the word.</summary>
    Free = 0,

    /// <summary>Claimed by a writer who is copying the payload.</summary>
    Reserved = 1,

    /// <summary>Fully written and visible to readers.</summary>
    Committed = 2,

    /// <summary>Claimed by a reader who is copying it out.</summary>
    Reading = 3,

    /// <summary>Consumed or dropped, waiting for the released counter to pass it.</summary>
    Released = 4,

    /// <summary>Taken over from a dead owner by a recoverer who is dropping it.</summary>
    Recovering = 5,
}
