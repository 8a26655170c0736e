using System.Threading.Channels;

namespace RainForest.Channels.Tests;

/// <summary>Complete: writes stop, readers drain, then waits return false (or throw the writer's error).</summary>
public sealed class CompletionTests : IDisposable
{
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Complete_ThenWrite_ReportsCompletedNotFull()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("write"), new FicmChannelOptions());
        channel.Writer.Complete();
        Assert.True(channel.IsCompleted);
        Assert.Equal(FicmWriteStatus.Completed, channel.Writer.Offer("late"u8));
        Assert.False(channel.Writer.TryWrite("late"u8));
        Assert.Throws<ChannelClosedException>(() => channel.Writer.Write("late"u8));
        Assert.Equal(0, channel.GetReceiverStatus(0).PendingSlots);
    }

    [Fact]
    public async Task Complete_ReadersDrainFirst_ThenWaitsReturnFalse()
    {
        var path = _directory.PathFor("drain");
        using var channel = FicmChannel.Create(path, new FicmChannelOptions());
        using var other = FicmChannel.Open(path);
        using var reader = other.OpenReader(0);
        Assert.True(channel.Writer.TryWrite("one"u8));
        Assert.True(channel.Writer.TryWrite("two"u8));
        channel.Writer.Complete();

        Assert.True(other.IsCompleted);
        Assert.False(reader.IsCompleted);
        Assert.True(reader.WaitToRead());
        Assert.Equal(3, reader.Read(new byte[10]));
        Assert.True(await reader.WaitToReadAsync());
        Assert.Equal(3, await reader.ReadAsync(new byte[10]));

        Assert.True(reader.IsCompleted);
        Assert.False(reader.WaitToRead());
        Assert.False(await reader.WaitToReadAsync());
        Assert.Throws<ChannelClosedException>(() => reader.Read(new byte[10]));
        await Assert.ThrowsAsync<ChannelClosedException>(async () => await reader.ReadAsync(new byte[10]));
    }

    [Fact]
    public async Task Complete_WithError_ReadersGetChannelClosedWithTheErrorText()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("error"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0);
        Assert.True(channel.Writer.TryComplete(new TimeoutException("supervisor gave up")));

        var error = Assert.Throws<ChannelClosedException>(() => reader.WaitToRead());
        var remote = Assert.IsType<RemoteChannelError>(error.InnerException);
        Assert.Equal("System.TimeoutException: supervisor gave up", remote.Message);
        await Assert.ThrowsAsync<ChannelClosedException>(async () => await reader.WaitToReadAsync());
        Assert.Throws<ChannelClosedException>(() => channel.Writer.Write("x"u8));
    }

    [Fact]
    public void Complete_Twice_SecondTryCompleteFalseAndCompleteThrows()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("twice"), new FicmChannelOptions());
        Assert.True(channel.Writer.TryComplete());
        Assert.False(channel.Writer.TryComplete(new InvalidOperationException("ignored")));
        Assert.Throws<ChannelClosedException>(() => channel.Writer.Complete());
        using var reader = channel.OpenReader(0);
        Assert.False(reader.WaitToRead()); // still a plain completion: the second error was not recorded
    }

    [Fact]
    public async Task Complete_WhileReaderSleeps_WakesItWithFalse()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("wake-reader"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0, new FicmWaitOptions { SpinDuration = TimeSpan.Zero });
        var waiting = Task.Factory.StartNew(() => reader.WaitToRead(), TaskCreationOptions.LongRunning);
        WaitUntil(() => channel.Rings[0].ReaderSleepers == 1);
        channel.Writer.Complete();
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Complete_WhileWriterWaitsForRoom_WriteThrowsChannelClosed()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("wake-writer"), new FicmChannelOptions { SlotsPerRing = 4, MaxMessageSize = 100 });
        using var writer = channel.CreateWriter(new FicmWaitOptions { SpinDuration = TimeSpan.Zero });
        while (writer.TryWrite(new byte[100]))
        {
        }

        var writing = writer.WriteAsync(new byte[100]).AsTask();
        WaitUntil(() => channel.Rings[0].WriterSleepers == 1);
        channel.Writer.Complete();
        await Assert.ThrowsAsync<ChannelClosedException>(() => writing.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    internal static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within 20 s");
            Thread.Sleep(1);
        }
    }
}
