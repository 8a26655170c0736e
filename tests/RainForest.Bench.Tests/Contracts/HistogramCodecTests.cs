using HdrHistogram;
using RainForest.Bench.Contracts;

namespace RainForest.Bench.Tests.Contracts;

public class HistogramCodecTests
{
    [Fact]
    public void EncodeDecode_Histogram_KeepsCountsAndPercentiles()
    {
        var histogram = new LongHistogram(1, 60_000_000_000, 3);
        var random = new Random(5);
        for (var i = 0; i < 10_000; i++)
        {
            histogram.RecordValue(random.Next(1_000, 50_000_000));
        }

        var decoded = HistogramCodec.Decode(HistogramCodec.Encode(histogram));

        Assert.Equal(histogram.TotalCount, decoded.TotalCount);
        foreach (var percentile in new[] { 50.0, 99, 99.9 })
        {
            Assert.Equal(histogram.GetValueAtPercentile(percentile), decoded.GetValueAtPercentile(percentile));
        }

        Assert.Equal(histogram.GetMaxValue(), decoded.GetMaxValue());
    }

    [Fact]
    public void EncodeDecode_LatenciesFromMicrosecondsToSeconds_RoundTrip()
    {
        // Many distinct buckets (an overloaded run: microseconds to tens of seconds) made HdrHistogram.NET's own
        // decoder read its inflated payload short (issue #99).
        var histogram = new LongHistogram(1, 60_000_000_000, 3);
        var random = new Random(1);
        for (var i = 0; i < 100_000; i++)
        {
            histogram.RecordValue((long)Math.Exp(random.NextDouble() * Math.Log(30e9)) + 1);
        }

        var decoded = HistogramCodec.Decode(HistogramCodec.Encode(histogram));

        Assert.Equal(histogram.TotalCount, decoded.TotalCount);
        Assert.Equal(histogram.GetValueAtPercentile(99), decoded.GetValueAtPercentile(99));
        Assert.Equal(histogram.GetMaxValue(), decoded.GetMaxValue());
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAAAAAAAAA=")]
    public void Decode_Garbage_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => HistogramCodec.Decode(text));
}
