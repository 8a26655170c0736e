namespace RainForest.Bench.Load;

/// <summary>How the sender waits for the next intended send time: sleep while far ahead, spin at the end.</summary>
/// <remarks>
/// Thread.Sleep only sleeps whole milliseconds (about 1.1 ms for Sleep(1) on Linux), so waits of
/// tens to hundreds of microseconds would have to spin and burn a core, which on a small machine
/// is a core taken from the server under test. The pacer sleeps with clock_nanosleep until the
/// spin window before the send and spins through the window. The sender thread's timer slack is
/// set to 1 µs (a per-thread setting, 50 µs by default), so the sleep ends close to when asked and
/// the window only has to cover the wake-up latency. Sleeps are capped so the sender still
/// notices a stop request and flushes connections whose socket buffers were full.
/// </remarks>
internal sealed class SendPacer
{
    /// <summary>Longest single sleep.</summary>
    public const long MaxSleepNs = 1_000_000;

    private const nuint TimerSlackNs = 1_000;

    private readonly long _spinWindowNs;

    /// <summary>A pacer that spins through the last <paramref name="spinWindow"/> before each send.</summary>
    public SendPacer(TimeSpan spinWindow) => _spinWindowNs = LatencyHistograms.ToNanoseconds(spinWindow);

    /// <summary>Call on the sender thread before the first wait: lowers that thread's timer slack.</summary>
    public static void PrepareThread()
    {
        if (OperatingSystem.IsLinux())
        {
            // Best effort: with the default slack the sleeps end up to 50 µs late, which the spin
            // window then does not cover; the latencies stay correct (measured from the intended
            // time), only the sends are later.
            _ = Interop.Libc.prctl(Interop.Libc.PR_SET_TIMERSLACK, TimerSlackNs, 0, 0, 0);
        }
    }

    /// <summary>Waits a while towards a send <paramref name="aheadNs"/> nanoseconds away; the caller checks the clock again after.</summary>
    public void WaitStep(long aheadNs)
    {
        if (aheadNs <= _spinWindowNs)
        {
            Thread.SpinWait(20);
            return;
        }

        long sleepNs = Math.Min(aheadNs - _spinWindowNs, MaxSleepNs);
        if (OperatingSystem.IsLinux())
        {
            var request = new Interop.Libc.Timespec { Seconds = 0, Nanoseconds = sleepNs };

            // An EINTR return only shortens this step; the caller loops on the clock anyway.
            _ = Interop.Libc.clock_nanosleep(Interop.Libc.CLOCK_MONOTONIC, 0, in request, IntPtr.Zero);
        }
        else if (sleepNs >= MaxSleepNs)
        {
            Thread.Sleep(1);
        }
        else
        {
            Thread.Yield();
        }
    }
}
