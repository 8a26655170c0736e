using RainForest.Channels.Peer;

namespace RainForest.Channels.Tests;

/// <summary>Writers and readers in separate processes (RainForest.Channels.Peer) share channels through the file.</summary>
public sealed class CrossProcessTests : IDisposable
{
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Write_ThreeWriterProcesses_ReaderGetsEveryMessageInEachWritersOrder()
    {
        const int perWriter = 1500;
        const int maxLength = 256;
        using var channel = FicmChannel.Create(_directory.PathFor("writers"), new FicmChannelOptions { SlotsPerRing = 64, MaxMessageSize = maxLength });
        using var reader = channel.OpenReader(0);
        var peers = Enumerable.Range(1, 3).Select(id => PeerProcess.Start("write", channel.Path, perWriter.ToString(), id.ToString())).ToList();
        try
        {
            var buffer = new byte[maxLength];
            var next = new Dictionary<int, int> { [1] = 0, [2] = 0, [3] = 0 };
            for (var i = 0; i < 3 * perWriter; i++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var length = reader.Read(buffer, timeout.Token);
                var (writer, sequence) = PeerMessages.Check(buffer.AsSpan(0, length), maxLength);
                Assert.Equal(next[writer], sequence);
                next[writer] = sequence + 1;
            }

            foreach (var peer in peers)
            {
                await peer.WaitForExitAsync();
            }

            Assert.All(next.Values, n => Assert.Equal(perWriter, n));
            Assert.False(reader.TryRead(buffer, out _));
        }
        finally
        {
            peers.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task Broadcast_ThreeReaderProcesses_EachReadsEveryMessage()
    {
        const int count = 2000;
        const int maxLength = 300;
        using var channel = FicmChannel.Create(
            _directory.PathFor("readers"),
            new FicmChannelOptions { Mode = FicmChannelMode.Broadcast, ReceiverCount = 3, SlotsPerRing = 32, MaxMessageSize = maxLength });
        var peers = Enumerable.Range(0, 3).Select(r => PeerProcess.Start("read", channel.Path, r.ToString(), count.ToString())).ToList();
        try
        {
            foreach (var peer in peers)
            {
                await peer.WaitForLineAsync("ready");
            }

            long checksum = 0;
            for (var sequence = 0; sequence < count; sequence++)
            {
                channel.Writer.Write(PeerMessages.Create(7, sequence, maxLength));
                checksum += (7L << 32) + sequence;
            }

            foreach (var peer in peers)
            {
                Assert.Equal($"read {count} {checksum}", await peer.WaitForLineAsync("read "));
                await peer.WaitForExitAsync();
            }
        }
        finally
        {
            peers.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task Read_ReaderAsleepInAnotherProcess_WokenByWrite()
    {
        using var channel = FicmChannel.Create(_directory.PathFor("wake"), new FicmChannelOptions { MaxMessageSize = 100 });
        using var peer = PeerProcess.Start("read", channel.Path, "0", "1");
        await peer.WaitForLineAsync("ready");
        CompletionTests.WaitUntil(() => channel.Rings[0].ReaderSleepers == 1);
        channel.Writer.Write(PeerMessages.Create(5, 0, 100));
        Assert.Equal($"read 1 {5L << 32}", await peer.WaitForLineAsync("read "));
        await peer.WaitForExitAsync();
    }

    [Fact]
    public async Task Echo_PeerProcess_ReturnsEveryMessageAndCompletes()
    {
        const int maxLength = 1000;
        var options = new FicmChannelOptions { SlotsPerRing = 64, MaxMessageSize = maxLength };
        using var requests = FicmChannel.Create(_directory.PathFor("request"), options);
        using var replies = FicmChannel.Create(_directory.PathFor("reply"), options);
        using var reader = replies.OpenReader(0);
        using var peer = PeerProcess.Start("echo", requests.Path, replies.Path);
        await peer.WaitForLineAsync("ready");
        var buffer = new byte[maxLength];
        for (var sequence = 0; sequence < 300; sequence++)
        {
            var message = PeerMessages.Create(8, sequence, maxLength);
            await requests.Writer.WriteAsync(message);
            var length = await reader.ReadAsync(buffer);
            Assert.Equal(message, buffer[..length]);
        }

        requests.Writer.Complete();
        Assert.False(await reader.WaitToReadAsync());
        Assert.Equal("echoed 300", await peer.WaitForLineAsync("echoed"));
        await peer.WaitForExitAsync();
    }
}
