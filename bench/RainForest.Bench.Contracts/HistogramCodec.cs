using System.Buffers.Binary;
using System.IO.Compression;
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
    /// <remarks>
    /// The compressed form is a cookie, the length of the zlib payload, and the payload, which inflates to the plain
    /// V2 encoding. It is inflated here, not by HdrHistogram.NET 2.5.0's DecodeFromCompressedByteBuffer: that reads
    /// the inflated stream with a single Stream.Read, which a deflate block boundary cuts short on histograms of
    /// more than a few thousand distinct values ("The buffer does not contain the indicated payload amount",
    /// HdrHistogram.NET issue #99), such as a load run whose latencies span microseconds to seconds.
    /// </remarks>
    /// <exception cref="FormatException">The text is not base64 or not an encoded histogram.</exception>
    public static HistogramBase Decode(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        var bytes = Convert.FromBase64String(base64);
        try
        {
            var length = bytes.Length >= 8 ? BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)) : -1;
            if (length < 0 || length > bytes.Length - 8)
            {
                throw new ArgumentException($"the payload length {length} does not fit the {bytes.Length} bytes");
            }

            using var inflater = new ZLibStream(new MemoryStream(bytes, 8, length), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            inflater.CopyTo(plain);
            return HistogramEncoding.DecodeFromByteBuffer(ByteBuffer.Allocate(plain.ToArray()), 0, null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or IndexOutOfRangeException or InvalidDataException)
        {
            throw new FormatException($"Not an encoded HdrHistogram: {e.Message}", e);
        }
    }
}
