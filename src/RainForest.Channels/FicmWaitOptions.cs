namespace RainForest.Channels;

/// <summary>How a reader waits for messages, or a writer for room.</summary>
public sealed class FicmWaitOptions
{
    /// <summary>The defaults: spin 30 µs then sleep, check stuck records every 10 ms.</summary>
    public static FicmWaitOptions Default { get; } = new();

    /// <summary>Spin then sleep (default), or spin only.</summary>
    public FicmWaitMode WaitMode { get; init; } = FicmWaitMode.SpinThenSleep;

    /// <summary>How long to poll before sleeping on the futex. Default 30 µs: longer than a wake-up costs, so a busy peer is never slept through.</summary>
    public TimeSpan SpinDuration { get; init; } = TimeSpan.FromMicroseconds(30);

    /// <summary>
    /// How long a record may stay held (reserved by a writer, or being read) while others wait on it
    /// before they check whether its owner died, and then how often they check again. Default 10 ms.
    /// </summary>
    public TimeSpan RecoveryCheckInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(WaitMode))
        {
            throw new ArgumentException($"unknown wait mode {(int)WaitMode}", nameof(WaitMode));
        }

        if (SpinDuration < TimeSpan.Zero || SpinDuration > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"spin duration {SpinDuration} is outside 0..1 s", nameof(SpinDuration));
        }

        if (RecoveryCheckInterval < TimeSpan.FromMilliseconds(1) || RecoveryCheckInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"recovery check interval {RecoveryCheckInterval} is outside 1 ms..1 min", nameof(RecoveryCheckInterval));
        }
    }
}
