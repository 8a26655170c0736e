namespace RainForest.Channels.Tests;

/// <summary>Spin then futex sleep: sleepers are woken, writers call the kernel only for sleepers, waits can be cancelled.</summary>
public sealed class NotificationTests : IDisposable
{
    private static readonly FicmWaitOptions s_sleepAtOnce = new() { SpinDuration = TimeSpan.Zero };
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Read_SleepingReader_WokenByWrite()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("sleep"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0, new FicmWaitOptions { SpinDuration = TimeSpan.FromMicroseconds(20) });
        var buffer = new byte[100];
        var reading = Task.Factory.StartNew(() => reader.Read(buffer), TaskCreationOptions.LongRunning);
        CompletionTests.WaitUntil(() => channel.Rings[0].ReaderSleepers == 1);
        Assert.False(reading.IsCompleted);

        var futexBefore = channel.Rings[0].DataFutexValue;
        Assert.True(channel.Writer.TryWrite("wake up"u8));
        Assert.Equal(7, await reading.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotEqual(futexBefore, channel.Rings[0].DataFutexValue);
        Assert.Equal(0u, channel.Rings[0].ReaderSleepers);
    }

    [Fact]
    public async Task WaitToReadAsync_SleepingReader_WokenByWriteFromAnotherHandle()
    {
        var path = _directory.PathFor("async-sleep");
        using var channel = FicmChannel.Create(path, new FicmChannelOptions());
        using var writerHandle = FicmChannel.Open(path);
        using var reader = channel.OpenReader(0, s_sleepAtOnce);
        var waiting = reader.WaitToReadAsync().AsTask();
        CompletionTests.WaitUntil(() => channel.Rings[0].ReaderSleepers == 1);
        Assert.True(writerHandle.Writer.TryWrite("async"u8));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(5, await reader.ReadAsync(new byte[10]));
    }

    [Fact]
    public void Write_NoSleepingReader_LeavesTheFutexWordAlone()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("no-syscall"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0);
        var futex = channel.Rings[0].DataFutexValue;
        for (var i = 0; i < 100; i++)
        {
            Assert.True(channel.Writer.TryWrite("quiet"u8));
            Assert.True(reader.TryRead(new byte[10], out _));
        }

        // The word changes only when a writer wakes somebody, so no futex call was made.
        Assert.Equal(futex, channel.Rings[0].DataFutexValue);
    }

    [Fact]
    public async Task Read_SpinOnly_NeverSleepsAndStillReceives()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("spin"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0, new FicmWaitOptions { WaitMode = FicmWaitMode.SpinOnly });
        var reading = Task.Factory.StartNew(() => reader.Read(new byte[10]), TaskCreationOptions.LongRunning);
        await Task.Delay(50);
        Assert.False(reading.IsCompleted);
        Assert.Equal(0u, channel.Rings[0].ReaderSleepers);
        Assert.True(channel.Writer.TryWrite("spun"u8));
        Assert.Equal(4, await reading.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Write_FullRing_SleepingWriterWokenByRead()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("writer-sleep"), new FicmChannelOptions { SlotsPerRing = 4, MaxMessageSize = 100 });
        using var writer = channel.CreateWriter(new FicmWaitOptions { SpinDuration = TimeSpan.Zero, RecoveryCheckInterval = TimeSpan.FromSeconds(30) });
        using var reader = channel.OpenReader(0);
        while (writer.TryWrite(new byte[100]))
        {
        }

        var writing = Task.Factory.StartNew(() => writer.Write("after room"u8), TaskCreationOptions.LongRunning);
        CompletionTests.WaitUntil(() => channel.Rings[0].WriterSleepers == 1);
        Assert.False(writing.IsCompleted);
        Assert.True(reader.TryRead(new byte[100], out _));
        await writing.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Read_Cancelled_ThrowsOperationCanceled()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("cancel"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0, s_sleepAtOnce);
        using var cancellation = new CancellationTokenSource();
        var reading = Task.Factory.StartNew(() => reader.Read(new byte[10], cancellation.Token), TaskCreationOptions.LongRunning);
        CompletionTests.WaitUntil(() => channel.Rings[0].ReaderSleepers == 1);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));

        using var asyncCancellation = new CancellationTokenSource();
        var waiting = reader.WaitToReadAsync(asyncCancellation.Token).AsTask();
        CompletionTests.WaitUntil(() => channel.Rings[0].ReaderSleepers == 1);
        await asyncCancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(channel.Writer.TryWrite("after"u8));
        Assert.True(await reader.WaitToReadAsync());
    }

    [Fact]
    public async Task Dispose_WhileReaderSleeps_WaitThrowsObjectDisposed()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("dispose"), new FicmChannelOptions());
        var reader = channel.OpenReader(0, s_sleepAtOnce);
        var reading = Task.Factory.StartNew(() => reader.Read(new byte[10]), TaskCreationOptions.LongRunning);
        CompletionTests.WaitUntil(() => channel.Rings[0].ReaderSleepers == 1);
        reader.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WaitToReadAsync_SecondConcurrentWait_Throws()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("concurrent"), new FicmChannelOptions());
        using var reader = channel.OpenReader(0, s_sleepAtOnce);
        var first = reader.WaitToReadAsync();
        Assert.Throws<InvalidOperationException>(() => reader.WaitToReadAsync());
        Assert.True(channel.Writer.TryWrite("x"u8));
        Assert.True(await first);
    }
}
