using HdrHistogram;
using HdrHistogram.Utilities;

namespace RainForest.Bench.Load;

/// <summary>Creates, encodes and decodes the latency histograms of the generator (values in nanoseconds).</summary>
internal static class LatencyHistograms
{
    /// <summary>Three significant digits: 0.1 % error at every scale, as wrk2 and mutilate use.</summary>
    public const int SignificantDigits = 3;

    /// <summary>A histogram from 1 ns up to <paramref name="highestTrackable"/>.</summary>
    public static LongHistogram Create(TimeSpan highestTrackable) =>
        new(1, Math.Max(2, ToNanoseconds(highestTrackable)), SignificantDigits);

    /// <summary>Nanoseconds in a time span.</summary>
    public static long ToNanoseconds(TimeSpan value) => value.Ticks * (1_000_000_000 / TimeSpan.TicksPerSecond);

    /// <summary>HdrHistogram's compressed V2 encoding, in base64: the form other HdrHistogram tools read.</summary>
    public static string Encode(HistogramBase histogram)
    {
        ByteBuffer buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        int length = histogram.EncodeIntoCompressedByteBuffer(buffer);

        // ByteBuffer has no public way to copy its bytes out but Get(); the encoding is a few KiB.
        var bytes = new byte[length];
        buffer.Position = 0;
        for (int i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    public static HistogramBase Decode(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        ByteBuffer buffer = ByteBuffer.Allocate(Convert.FromBase64String(base64));
        return HistogramEncoding.DecodeFromCompressedByteBuffer(buffer, 0);
    }
}
