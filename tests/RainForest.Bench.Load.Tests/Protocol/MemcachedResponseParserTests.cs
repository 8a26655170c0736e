using System.Buffers;
using System.Text;
using RainForest.Bench.Load.Protocol;

namespace RainForest.Bench.Load.Tests.Protocol;

public class MemcachedResponseParserTests
{
    [Theory]
    [InlineData("END\r\n", nameof(MemcachedResponseKind.Miss))]
    [InlineData("VALUE rf:1 0 5\r\nhello\r\nEND\r\n", nameof(MemcachedResponseKind.Hit))]
    [InlineData("VALUE rf:1 7 5 12345\r\nhello\r\nEND\r\n", nameof(MemcachedResponseKind.Hit))]
    [InlineData("VALUE rf:1 0 0\r\n\r\nEND\r\n", nameof(MemcachedResponseKind.Hit))]
    [InlineData("VALUE a 0 1\r\nx\r\nVALUE b 0 2\r\nyz\r\nEND\r\n", nameof(MemcachedResponseKind.Hit))]
    [InlineData("STORED\r\n", nameof(MemcachedResponseKind.Stored))]
    [InlineData("NOT_STORED\r\n", nameof(MemcachedResponseKind.NotStored))]
    [InlineData("EXISTS\r\n", nameof(MemcachedResponseKind.Exists))]
    [InlineData("NOT_FOUND\r\n", nameof(MemcachedResponseKind.NotFound))]
    [InlineData("ERROR\r\n", nameof(MemcachedResponseKind.Error))]
    [InlineData("ERROR unknown command\r\n", nameof(MemcachedResponseKind.Error))]
    [InlineData("CLIENT_ERROR bad data chunk\r\n", nameof(MemcachedResponseKind.ClientError))]
    [InlineData("SERVER_ERROR out of memory storing object\r\n", nameof(MemcachedResponseKind.ServerError))]
    public void TryParse_WholeResponse_ReturnsKindAndConsumesAll(string response, string expected)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(response)));

        Assert.True(MemcachedResponseParser.TryParse(ref reader, out MemcachedResponseKind kind));

        Assert.Equal(Enum.Parse<MemcachedResponseKind>(expected), kind);
        Assert.True(reader.End);
    }

    [Fact]
    public void TryParse_DataBlockContainsEndAndCrLf_UsesLengthNotContent()
    {
        // The 7 data bytes look like a reply; only the length in the VALUE line tells them apart.
        byte[] bytes = Encoding.ASCII.GetBytes("VALUE k 0 7\r\nEND\r\nab\r\nEND\r\nSTORED\r\n");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));

        Assert.True(MemcachedResponseParser.TryParse(ref reader, out MemcachedResponseKind first));
        Assert.True(MemcachedResponseParser.TryParse(ref reader, out MemcachedResponseKind second));

        Assert.Equal(MemcachedResponseKind.Hit, first);
        Assert.Equal(MemcachedResponseKind.Stored, second);
        Assert.True(reader.End);
    }

    [Fact]
    public void TryParse_ResponseSplitAtEveryByte_WaitsThenParsesOnce()
    {
        byte[] whole = Encoding.ASCII.GetBytes("VALUE rf:00042 0 10\r\n0123456789\r\nEND\r\n");
        for (int cut = 0; cut < whole.Length; cut++)
        {
            // Only the first `cut` bytes have arrived: nothing may be consumed.
            var partial = new SequenceReader<byte>(new ReadOnlySequence<byte>(whole, 0, cut));
            Assert.False(MemcachedResponseParser.TryParse(ref partial, out _));
            Assert.Equal(0, partial.Consumed);

            // All bytes, but split into two segments at the cut (two reads).
            var split = new SequenceReader<byte>(BufferSegment.Join(whole[..cut], whole[cut..]));
            Assert.True(MemcachedResponseParser.TryParse(ref split, out MemcachedResponseKind kind));
            Assert.Equal(MemcachedResponseKind.Hit, kind);
            Assert.Equal(whole.Length, split.Consumed);
        }
    }

    [Fact]
    public void TryParse_ManyResponsesInOneRead_ParsesEachInOrder()
    {
        string merged = "END\r\nSTORED\r\nVALUE x 0 3\r\nabc\r\nEND\r\nSERVER_ERROR object too large for cache\r\n"
            + "ERROR\r\nCLIENT_ERROR bad command line format\r\nEND\r\nVALUE x 0 3\r\nab";
        var reader = new SequenceReader<byte>(BufferSegment.Join(
            Encoding.ASCII.GetBytes(merged[..20]), Encoding.ASCII.GetBytes(merged[20..])));
        var kinds = new List<MemcachedResponseKind>();

        while (MemcachedResponseParser.TryParse(ref reader, out MemcachedResponseKind kind))
        {
            kinds.Add(kind);
        }

        Assert.Equal(
            [
                MemcachedResponseKind.Miss, MemcachedResponseKind.Stored, MemcachedResponseKind.Hit,
                MemcachedResponseKind.ServerError, MemcachedResponseKind.Error, MemcachedResponseKind.ClientError,
                MemcachedResponseKind.Miss,
            ],
            kinds);

        // The incomplete VALUE at the end stays unread for the next receive.
        Assert.Equal("VALUE x 0 3\r\nab".Length, reader.Remaining);
    }

    [Theory]
    [InlineData("HELLO\r\n")]
    [InlineData("VALUE k 0 x\r\nabc\r\nEND\r\n")]
    [InlineData("VALUE k 0\r\nEND\r\n")]
    [InlineData("VALUE k 0 -1\r\nEND\r\n")]
    [InlineData("VALUE k 0 3\r\nabcXYEND\r\n")]
    [InlineData("VALUE k 0 3\r\nabc\r\nSTORED\r\n")]
    public void TryParse_MalformedResponse_Throws(string response)
    {
        Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(response)));
            MemcachedResponseParser.TryParse(ref reader, out _);
        });
    }

    [Fact]
    public void TryParse_NoLineEndInLongInput_Throws()
    {
        byte[] garbage = new byte[MemcachedResponseParser.MaxLineLength + 1];
        Array.Fill(garbage, (byte)'x');

        Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(garbage));
            MemcachedResponseParser.TryParse(ref reader, out _);
        });
    }
}
