namespace RainForest.Core.Model;

/// <summary>The most tasks a subOS may hold at once: a fork bomb inside stops at it, the host and other subOSes go on.</summary>
public static class PidsLimit
{
    /// <summary>The smallest limit accepted: a shell, a pipeline and the agent's helpers.</summary>
    public const long Minimum = 16;

    /// <summary>The largest limit accepted (the kernel's pid_max ceiling).</summary>
    public const long Maximum = 4L * 1024 * 1024;

    /// <summary>
    /// The default for a subOS of <paramref name="memory"/>: one task per 256 KiB (a task's kernel stack,
    /// page tables and smallest user footprint come to about that), at least 128 and at most 32,768.
    /// 256M gives 1,024 tasks, 4G gives 16,384.
    /// </summary>
    public static long Default(ByteSize memory) => Math.Clamp(memory.Bytes / (256 * 1024), 128, 32768);

    /// <summary>Throws an invalid-input <see cref="RfException"/> when <paramref name="pids"/> is out of range.</summary>
    public static long Check(long pids) =>
        pids is >= Minimum and <= Maximum ? pids : throw RfException.Invalid($"--pids {pids}: expected {Minimum} to {Maximum}");

    /// <summary>Parses and checks a <c>--pids</c> value; one clear line (exit 2) for anything else.</summary>
    public static long Parse(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pids)
            ? Check(pids)
            : throw RfException.Invalid($"--pids {Printable.Escape(text)}: expected a whole number from {Minimum} to {Maximum}");
}
