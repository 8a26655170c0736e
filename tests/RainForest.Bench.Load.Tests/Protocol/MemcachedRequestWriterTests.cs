using System.Text;
using RainForest.Bench.Load.Protocol;

namespace RainForest.Bench.Load.Tests.Protocol;

public class MemcachedRequestWriterTests
{
    [Fact]
    public void WriteGet_KeyIndex_WritesZeroPaddedKey()
    {
        var writer = new MemcachedRequestWriter("rf:", keySpace: 100_000, valueSize: 5);
        var buffer = new byte[writer.GetRequestLength];

        int written = writer.WriteGet(buffer, 42);

        Assert.Equal("get rf:00042\r\n", Encoding.ASCII.GetString(buffer, 0, written));
        Assert.Equal(writer.GetRequestLength, written);
    }

    [Fact]
    public void WriteSet_KeyIndex_WritesHeaderAndDataBlock()
    {
        var writer = new MemcachedRequestWriter("k", keySpace: 10, valueSize: 5);
        var buffer = new byte[writer.SetRequestLength];

        int written = writer.WriteSet(buffer, 7);

        Assert.Equal("set k7 0 0 5\r\nabcde\r\n", Encoding.ASCII.GetString(buffer, 0, written));
        Assert.Equal(writer.SetRequestLength, written);
    }

    [Fact]
    public void WriteKey_LargestIndex_HasSameLengthAsSmallest()
    {
        var writer = new MemcachedRequestWriter("rf:", keySpace: 1000, valueSize: 0);
        var first = new byte[writer.KeyLength];
        var last = new byte[writer.KeyLength];

        Assert.Equal(writer.KeyLength, writer.WriteKey(first, 0));
        Assert.Equal(writer.KeyLength, writer.WriteKey(last, 999));
        Assert.Equal("rf:000", Encoding.ASCII.GetString(first));
        Assert.Equal("rf:999", Encoding.ASCII.GetString(last));
    }
}
