using HdrHistogram;
using HdrHistogram.Utilities;

namespace RainForest.Bench.Contracts;

/// <summary>
/// The form every latency histogram takes in a result document: HdrHistogram's V2 compressed encoding in
/// base64, as HdrHistogram's log format writes it, so that other HdrHistogram tools read it too.
/// </summary>
public static class HistogramCodec
{
    /// <summary>Encodes <paramref name="histogram"/>.</summary>
    public static string Encode(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = HistogramEncoding.EncodeIntoCompressedByteBuffer(histogram, buffer);

        // ByteBuffer does not expose its array; read the encoded prefix (a few KiB) back out.
        buffer.Position = 0;
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>Decodes what <see cref="Encode"/> (or any HdrHistogram V2 encoder) wrote.</summary>
    /// <exception cref="FormatException">The text is not base64 or not an encoded histogram.</exception>
    public static HistogramBase Decode(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        var bytes = Convert.FromBase64String(base64);
        try
        {
            return HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(bytes), 0);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or IndexOutOfRangeException)
        {
            throw new FormatException($"Not an encoded HdrHistogram: {e.Message}", e);
        }
    }
}
