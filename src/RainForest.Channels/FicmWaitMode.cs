namespace RainForest.Channels;

/// <summary>How a reader (or a writer waiting for room) waits.</summary>
public enum FicmWaitMode
{
    /// <summary>Poll for <see cref="FicmWaitOptions.SpinDuration"/>, then sleep on the ring's futex until a writer wakes it.</summary>
    SpinThenSleep = 0,

    /// <summary>Poll until something arrives, never sleeping: lowest latency, one busy core per waiter.</summary>
    SpinOnly = 1,
}
