using RainForest.Channels.Peer;

namespace RainForest.Channels.Tests;

/// <summary>Processes SIGKILLed mid-write and mid-read: no partial message is ever seen, and the ring recovers.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const int MaxLength = 100;
    private static readonly FicmWaitOptions s_quickRecovery = new() { RecoveryCheckInterval = TimeSpan.FromMilliseconds(2) };
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Read_WriterKilledMidMessage_PartialNeverSeenAndLaterMessagesArrive()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("writer-killed"), new FicmChannelOptions { SlotsPerRing = 16, MaxMessageSize = MaxLength });
        using var reader = channel.OpenReader(0, s_quickRecovery);
        using var peer = PeerProcess.Start("write-and-hang", channel.Path);
        await peer.WaitForLineAsync("reserved");

        // Three whole messages queue behind the half-written one.
        for (var sequence = 0; sequence < 3; sequence++)
        {
            Assert.True(channel.Writer.TryWrite(PeerMessages.Create(1, sequence, MaxLength)));
        }

        var buffer = new byte[MaxLength];
        Assert.False(reader.TryRead(buffer, out _));
        Assert.Equal(0, channel.RecoverAbandoned()); // the writer is alive: its record is left alone
        Assert.False(reader.TryRead(buffer, out _));

        peer.Kill();
        for (var sequence = 0; sequence < 3; sequence++)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var length = reader.Read(buffer, timeout.Token);
            Assert.Equal((1, sequence), PeerMessages.Check(buffer.AsSpan(0, length), MaxLength));
        }

        Assert.Equal(1, channel.GetReceiverStatus(0).AbandonedRecords);
        AssertRingStillWorks(channel, reader);
    }

    [Fact]
    public async Task RecoverAbandoned_WriterKilledWhileNobodyReads_FreesTheRing()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("supervisor"), new FicmChannelOptions { SlotsPerRing = 16, MaxMessageSize = MaxLength });
        using (var peer = PeerProcess.Start("write-and-hang", channel.Path))
        {
            await peer.WaitForLineAsync("reserved");
            peer.Kill();
        }

        Assert.Equal(1, channel.RecoverAbandoned());
        Assert.Equal(0, channel.RecoverAbandoned());
        using var reader = channel.OpenReader(0);
        Assert.False(reader.TryRead(new byte[MaxLength], out _));
        AssertRingStillWorks(channel, reader);
    }

    [Fact]
    public async Task Read_CompetingReaderKilledMidRead_OthersContinueAndWritersRecoverItsSlots()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("reader-killed"), new FicmChannelOptions { SlotsPerRing = 16, MaxMessageSize = MaxLength });
        using var reader = channel.OpenReader(0, s_quickRecovery);
        using var writer = channel.CreateWriter(s_quickRecovery);
        Assert.True(writer.TryWrite(PeerMessages.Create(2, 0, MaxLength)));
        using (var peer = PeerProcess.Start("read-and-hang", channel.Path, "0"))
        {
            await peer.WaitForLineAsync("claimed");
            Assert.True(channel.GetReceiverStatus(0).ReaderAlive);

            // The other reader carries on while the peer holds message 0.
            var buffer = new byte[MaxLength];
            for (var sequence = 1; sequence <= 3; sequence++)
            {
                Assert.True(writer.TryWrite(PeerMessages.Create(2, sequence, MaxLength)));
                Assert.True(reader.TryRead(buffer, out var length));
                Assert.Equal((2, sequence), PeerMessages.Check(buffer.AsSpan(0, length), MaxLength));
            }

            peer.Kill();
        }

        Assert.False(channel.GetReceiverStatus(0).ReaderAlive);

        // Far more than a ring's worth: the writer must get the dead reader's slots back to finish.
        var reading = Task.Factory.StartNew(
            () =>
            {
                var buffer = new byte[MaxLength];
                for (var sequence = 4; sequence < 100; sequence++)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    var length = reader.Read(buffer, timeout.Token);
                    Assert.Equal((2, sequence), PeerMessages.Check(buffer.AsSpan(0, length), MaxLength));
                }
            },
            TaskCreationOptions.LongRunning);
        for (var sequence = 4; sequence < 100; sequence++)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            writer.Write(PeerMessages.Create(2, sequence, MaxLength), timeout.Token);
        }

        await reading.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, channel.GetReceiverStatus(0).AbandonedRecords);
    }

    [Fact]
    public async Task TryWrite_BroadcastReceiverProcessKilled_OnlyItsRingFillsUntilDetached()
    {
        using var channel = FicmChannel.Create(
            _directory.PathFor("receiver-killed"),
            new FicmChannelOptions { Mode = FicmChannelMode.Broadcast, ReceiverCount = 2, SlotsPerRing = 8, MaxMessageSize = MaxLength });
        using var live = channel.OpenReader(0);
        using (var peer = PeerProcess.Start("read", channel.Path, "1", "1000000"))
        {
            await peer.WaitForLineAsync("ready");
            peer.Kill();
        }

        var status = channel.GetReceiverStatus(1);
        Assert.False(status.ReaderAlive);
        Assert.NotEqual(0, status.ReaderPid);
        while (channel.Writer.TryWrite("x"u8))
        {
            Assert.True(live.TryRead(new byte[MaxLength], out _));
        }

        Assert.Equal(FicmWriteStatus.Full, channel.Writer.Offer("x"u8));
        channel.DetachReceiver(1);
        Assert.True(channel.Writer.TryWrite("x"u8));
        Assert.True(live.TryRead(new byte[MaxLength], out _));
    }

    [Theory]
    [InlineData(150)]
    [InlineData(400)]
    [InlineData(900)]
    public async Task Read_WriterProcessKilledMidStream_ReaderSeesAWholePrefixAndTheOtherWriterIntact(int killAfter)
    {
        const int survivorCount = 2000;
        using var channel = FicmChannel.Create(_directory.PathFor($"stream-{killAfter}"), new FicmChannelOptions { SlotsPerRing = 64, MaxMessageSize = MaxLength });
        using var reader = channel.OpenReader(0, s_quickRecovery);
        using var doomed = PeerProcess.Start("write", channel.Path, "1000000", "1");
        using var survivor = PeerProcess.Start("write", channel.Path, survivorCount.ToString(), "2");
        var next = new Dictionary<int, int> { [1] = 0, [2] = 0 };
        var buffer = new byte[MaxLength];
        void Take(int length)
        {
            // Every message is whole, and each writer's messages arrive in order with no gap.
            var (writer, sequence) = PeerMessages.Check(buffer.AsSpan(0, length), MaxLength);
            Assert.Equal(next[writer], sequence);
            next[writer] = sequence + 1;
        }

        while (next[1] < killAfter)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Take(reader.Read(buffer, timeout.Token));
        }

        doomed.Kill(); // wherever it is: waiting for room, or between claiming and committing a record
        while (next[2] < survivorCount)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Take(reader.Read(buffer, timeout.Token));
        }

        await survivor.WaitForExitAsync();
        channel.RecoverAbandoned();
        while (reader.TryRead(buffer, out var length))
        {
            Take(length);
        }

        Assert.InRange(channel.GetReceiverStatus(0).AbandonedRecords, 0, 1);
        Assert.Equal(0, channel.GetReceiverStatus(0).PendingSlots);
        AssertRingStillWorks(channel, reader);
    }

    [Fact]
    public async Task Write_CompetingReaderProcessKilledMidStream_WriterAndOtherReaderCarryOn()
    {
        const int count = 3000;
        using var channel = FicmChannel.Create(_directory.PathFor("reader-stream"), new FicmChannelOptions { SlotsPerRing = 32, MaxMessageSize = MaxLength });
        using var reader = channel.OpenReader(0, s_quickRecovery);
        using var writer = channel.CreateWriter(s_quickRecovery);
        using var peer = PeerProcess.Start("read", channel.Path, "0", "1000000");
        await peer.WaitForLineAsync("ready");
        var received = new List<int>();
        var reading = Task.Factory.StartNew(
            () =>
            {
                var buffer = new byte[MaxLength];
                try
                {
                    while (true)
                    {
                        var length = reader.Read(buffer);
                        received.Add(PeerMessages.Check(buffer.AsSpan(0, length), MaxLength).Sequence);
                    }
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                }
            },
            TaskCreationOptions.LongRunning);

        for (var sequence = 0; sequence < count; sequence++)
        {
            if (sequence == count / 3)
            {
                peer.Kill(); // it may hold a record it was copying out
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            writer.Write(PeerMessages.Create(3, sequence, MaxLength), timeout.Token);
        }

        writer.Complete();
        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        // The surviving reader saw whole messages in order, and everything written after the peer was reaped.
        Assert.Equal(received.Order(), received);
        Assert.Equal(Enumerable.Range(count / 3, count - (count / 3)), received.Where(s => s >= count / 3));
        Assert.InRange(channel.GetReceiverStatus(0).AbandonedRecords, 0, 1);
    }

    private static void AssertRingStillWorks(FicmChannel channel, FicmReader reader)
    {
        var buffer = new byte[MaxLength];
        for (var sequence = 0; sequence < 100; sequence++)
        {
            var message = PeerMessages.Create(6, sequence, MaxLength);
            Assert.True(channel.Writer.TryWrite(message));
            Assert.True(reader.TryRead(buffer, out var length));
            Assert.Equal(message, buffer[..length]);
        }
    }
}
