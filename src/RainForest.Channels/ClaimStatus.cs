namespace RainForest.Channels;

/// <summary>What <see cref="FicmRing.TryClaim"/> found at the head of a ring.</summary>
internal enum ClaimStatus
{
    /// <summary>The head record is now the caller's.</summary>
    Claimed,

    /// <summary>Nothing has been written at the head.</summary>
    Empty,

    /// <summary>A writer has claimed the head record and not committed it yet.</summary>
    InFlight,

    /// <summary>The head record is longer than the caller can take; it was left in place.</summary>
    TooSmall,
}
