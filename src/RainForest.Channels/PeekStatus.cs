namespace RainForest.Channels;

/// <summary>What <see cref="FicmRing.Peek"/> found at the head of a ring.</summary>
internal enum PeekStatus
{
    /// <summary>A committed record waits at the head.</summary>
    Available,

    /// <summary>Nothing has been written at the head.</summary>
    Empty,

    /// <summary>A writer has claimed the head record and not committed it yet.</summary>
    InFlight,
}
