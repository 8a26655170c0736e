using RainForest.Channels.Peer;

namespace RainForest.Channels.Tests;

/// <summary>Single-process writes and reads: sizes, wrap-around, limits, full rings, pooled and asynchronous reads.</summary>
public sealed class WriterReaderTests : IDisposable
{
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(48)]
    [InlineData(49)]
    [InlineData(64)]
    [InlineData(1000)]
    [InlineData(4096)]
    public void TryWriteTryRead_Length_RoundTrips(int length)
    {
        using var channel = FicmChannel.Create(_directory.PathFor("length"), new FicmChannelOptions { MaxMessageSize = 4096 });
        using var reader = channel.OpenReader(0);
        var message = new byte[length];
        new Random(length).NextBytes(message);
        Assert.True(channel.Writer.TryWrite(message));
        var destination = new byte[4096];
        Assert.True(reader.TryRead(destination, out var read));
        Assert.Equal(message, destination[..read]);
        Assert.False(reader.TryRead(destination, out _));
    }

    [Fact]
    public void TryWriteTryRead_ManyLapsOfASmallRing_KeepOrderAndContent()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("laps"), new FicmChannelOptions { SlotsPerRing = 8, MaxMessageSize = 300 });
        using var reader = channel.OpenReader(0);
        var destination = new byte[300];
        var random = new Random(11);
        var pending = new Queue<byte[]>();
        for (var sequence = 0; sequence < 3000; sequence++)
        {
            var message = PeerMessages.Create(1, sequence, 300);
            while (!channel.Writer.TryWrite(message))
            {
                Assert.True(reader.TryRead(destination, out var length));
                Assert.Equal(pending.Dequeue(), destination[..length]);
            }

            pending.Enqueue(message);

            // Read a random number of messages so the ring is at every fill level and records wrap at every slot.
            for (var reads = random.Next(3); reads > 0 && pending.Count > 0; reads--)
            {
                Assert.True(reader.TryRead(destination, out var length));
                Assert.Equal(pending.Dequeue(), destination[..length]);
            }
        }

        while (pending.Count > 0)
        {
            Assert.True(reader.TryRead(destination, out var length));
            Assert.Equal(pending.Dequeue(), destination[..length]);
        }

        Assert.False(reader.TryRead(destination, out _));
    }

    [Fact]
    public void TryWrite_MessageOverMaximum_ThrowsArgumentExceptionAndWritesNothing()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("oversize"), new FicmChannelOptions { MaxMessageSize = 100 });
        using var reader = channel.OpenReader(0);
        var error = Assert.Throws<ArgumentException>(() => channel.Writer.TryWrite(new byte[101]));
        Assert.Equal("message", error.ParamName);
        Assert.Contains("101", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => channel.Writer.Write(new byte[101]));
        Assert.Equal(0, channel.GetReceiverStatus(0).PendingSlots);
    }

    [Fact]
    public void TryWrite_FullRing_ReturnsFalseAndChangesNothing()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("full"), new FicmChannelOptions { SlotsPerRing = 16, MaxMessageSize = 100 });
        using var reader = channel.OpenReader(0);
        var written = new List<byte[]>();
        for (var sequence = 0; ; sequence++)
        {
            var message = PeerMessages.Create(3, sequence, 100);
            var status = channel.Writer.Offer(message);
            if (status == FicmWriteStatus.Full)
            {
                break;
            }

            Assert.Equal(FicmWriteStatus.Written, status);
            written.Add(message);
        }

        var before = channel.GetReceiverStatus(0);
        Assert.False(channel.Writer.TryWrite(new byte[100]));
        Assert.Equal(FicmWriteStatus.Full, channel.Writer.Offer(new byte[1]));
        Assert.Equal(before, channel.GetReceiverStatus(0));
        Assert.True(before.PendingSlots > 16 - 2, $"the ring holds {before.PendingSlots} slots when full");

        var destination = new byte[100];
        foreach (var message in written)
        {
            Assert.True(reader.TryRead(destination, out var length));
            Assert.Equal(message, destination[..length]);
        }

        Assert.False(reader.TryRead(destination, out _));
    }

    [Fact]
    public void TryRead_DestinationTooSmall_ThrowsAndKeepsTheMessage()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("small"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0);
        Assert.True(channel.Writer.TryWrite(new byte[50]));
        var error = Assert.Throws<ArgumentException>(() => reader.TryRead(new byte[49], out _));
        Assert.Equal("destination", error.ParamName);
        Assert.True(reader.TryRead(new byte[50], out var length));
        Assert.Equal(50, length);
    }

    [Fact]
    public void TryRead_Pooled_ReturnsTheMessage()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("pooled"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0);
        Assert.False(reader.TryRead(out FicmMessage _));
        Assert.True(channel.Writer.TryWrite("pooled"u8));
        Assert.True(channel.Writer.TryWrite(ReadOnlySpan<byte>.Empty));
        Assert.True(reader.TryRead(out FicmMessage first));
        using (first)
        {
            Assert.Equal("pooled"u8.ToArray(), first.Span.ToArray());
            Assert.Equal(6, first.Memory.Length);
        }

        Assert.True(reader.TryRead(out FicmMessage empty));
        using (empty)
        {
            Assert.Equal(0, empty.Length);
        }
    }

    [Fact]
    public async Task WriteAsyncReadAsync_FullRing_WriterWaitsUntilReaderMakesRoom()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("async"), new FicmChannelOptions { SlotsPerRing = 8, MaxMessageSize = 100 });
        using var reader = channel.OpenReader(0);
        using var writer = channel.CreateWriter();
        const int count = 200;
        var writing = Task.Run(async () =>
        {
            for (var sequence = 0; sequence < count; sequence++)
            {
                await writer.WriteAsync(PeerMessages.Create(4, sequence, 100));
            }
        });

        var buffer = new byte[100];
        for (var sequence = 0; sequence < count; sequence++)
        {
            var length = await reader.ReadAsync(buffer);
            Assert.Equal((4, sequence), PeerMessages.Check(buffer.AsSpan(0, length), 100));
            if (sequence % 50 == 0)
            {
                await Task.Delay(5); // let the writer fill the ring and sleep
            }
        }

        await writing.WaitAsync(TimeSpan.FromSeconds(30));
        using var last = await WriteThenReadPooledAsync(channel, reader);
        Assert.Equal("end"u8.ToArray(), last.Span.ToArray());
    }

    [Fact]
    public void Open_SecondHandleInSameProcess_SeesTheFirstHandlesMessages()
    {
        var path = _directory.PathFor("handles");
        using var first = FicmChannel.Create(path, new FicmChannelOptions());
        using var second = FicmChannel.Open(path);
        using var reader = second.OpenReader(0);
        Assert.True(first.Writer.TryWrite("across handles"u8));
        Assert.Equal(14, reader.Read(new byte[100]));
        Assert.True(first.GetReceiverStatus(0).ReaderAlive);
        Assert.Equal(Environment.ProcessId, first.GetReceiverStatus(0).ReaderPid);
    }

    private static async Task<FicmMessage> WriteThenReadPooledAsync(FicmChannel channel, FicmReader reader)
    {
        await channel.Writer.WriteAsync("end"u8.ToArray());
        return await reader.ReadAsync();
    }
}
