using System.Buffers.Binary;
using System.Diagnostics;

namespace RainForest.Channels;

/// <summary>
/// Timestamps to carry inside payloads for latency measurements between processes: nanoseconds of
/// CLOCK_MONOTONIC, which every process on a host (and every subOS sharing its kernel) reads alike,
/// so a stamp written by one process can be subtracted from a clock read in another.
/// </summary>
/// <remarks>
/// C peers get the same numbers from <c>clock_gettime(CLOCK_MONOTONIC)</c> as
/// <c>tv_sec * 1000000000 + tv_nsec</c>. A time namespace with a monotonic offset breaks the comparison.
/// </remarks>
public static class ChannelTimestamp
{
    /// <summary>Bytes a stamp takes in a payload (little endian).</summary>
    public const int Size = sizeof(long);

    private static readonly bool s_nanosecondClock = Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Now, in nanoseconds of CLOCK_MONOTONIC.</summary>
    public static long Now()
    {
        var ticks = Stopwatch.GetTimestamp();
        return s_nanosecondClock ? ticks : (long)(ticks * (1_000_000_000.0 / Stopwatch.Frequency));
    }

    /// <summary>Writes <see cref="Now"/> into the first <see cref="Size"/> bytes of <paramref name="payload"/>.</summary>
    public static void Write(Span<byte> payload) => BinaryPrimitives.WriteInt64LittleEndian(payload, Now());

    /// <summary>Reads a stamp from the first <see cref="Size"/> bytes of <paramref name="payload"/>.</summary>
    public static long Read(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);

    /// <summary>Nanoseconds since the stamp at the start of <paramref name="payload"/> was written.</summary>
    public static long ElapsedNanoseconds(ReadOnlySpan<byte> payload) => Now() - Read(payload);
}
