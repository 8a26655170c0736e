using RainForest.Channels.Peer;

namespace RainForest.Channels.Tests;

/// <summary>Many writer and reader threads on small rings: every message arrives once, whole, and in each writer's order.</summary>
public sealed class StressTests : IDisposable
{
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Unicast_FourWritersTwoCompetingReaders_EachMessageOnceInWriterOrder()
    {
        const int writers = 4;
        const int perWriter = 10000;
        const int maxLength = 200;
        using var channel = FicmChannel.Create(_directory.PathFor("unicast"), new FicmChannelOptions { SlotsPerRing = 32, MaxMessageSize = maxLength });
        var readers = Enumerable.Range(0, 2).Select(_ => channel.OpenReader(0)).ToArray();
        var received = new List<(int Writer, int Sequence)>[readers.Length];
        var reading = readers.Select((reader, r) => Task.Factory.StartNew(
            () =>
            {
                received[r] = [];
                var buffer = new byte[maxLength];
                var last = new int[writers];
                Array.Fill(last, -1);
                try
                {
                    while (true)
                    {
                        var length = reader.Read(buffer);
                        var (writer, sequence) = PeerMessages.Check(buffer.AsSpan(0, length), maxLength);
                        Assert.True(sequence > last[writer], $"writer {writer}: {sequence} after {last[writer]}");
                        last[writer] = sequence;
                        received[r].Add((writer, sequence));
                    }
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        var writing = Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(
            () =>
            {
                using var writer = channel.CreateWriter();
                var buffer = new byte[maxLength];
                for (var sequence = 0; sequence < perWriter; sequence++)
                {
                    var length = PeerMessages.LengthOf(w, sequence, maxLength);
                    PeerMessages.Fill(buffer.AsSpan(0, length), w, sequence);
                    writer.Write(buffer.AsSpan(0, length));
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        await Task.WhenAll(writing).WaitAsync(TimeSpan.FromSeconds(60));
        channel.Writer.Complete();
        await Task.WhenAll(reading).WaitAsync(TimeSpan.FromSeconds(60));

        var all = received.SelectMany(r => r).ToList();
        Assert.Equal(writers * perWriter, all.Count);
        Assert.Equal(writers * perWriter, all.Distinct().Count());
        foreach (var reader in readers)
        {
            reader.Dispose();
        }
    }

    [Fact]
    public async Task Multicast_RandomMasksFromThreeWriters_EachReceiverGetsExactlyItsMessages()
    {
        const int receivers = 3;
        const int writers = 3;
        const int perWriter = 4000;
        const int maxLength = 150;
        using var channel = FicmChannel.Create(
            _directory.PathFor("multicast"),
            new FicmChannelOptions { Mode = FicmChannelMode.Multicast, ReceiverCount = receivers, SlotsPerRing = 16, MaxMessageSize = maxLength });

        // Each writer's masks come from its own seeded generator, so the expected sets are known up front.
        var masks = Enumerable.Range(0, writers)
            .Select(w =>
            {
                var random = new Random(100 + w);
                return Enumerable.Range(0, perWriter).Select(_ => (ulong)random.Next(1, 1 << receivers)).ToArray();
            })
            .ToArray();
        var reading = Enumerable.Range(0, receivers).Select(r => Task.Factory.StartNew(
            () =>
            {
                using var reader = channel.OpenReader(r);
                var buffer = new byte[maxLength];
                var got = new List<(int, int)>();
                try
                {
                    while (true)
                    {
                        var length = reader.Read(buffer);
                        got.Add(PeerMessages.Check(buffer.AsSpan(0, length), maxLength));
                    }
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                }

                return got;
            },
            TaskCreationOptions.LongRunning)).ToArray();

        var writing = Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(
            () =>
            {
                using var writer = channel.CreateWriter();
                for (var sequence = 0; sequence < perWriter; sequence++)
                {
                    writer.Write(PeerMessages.Create(w, sequence, maxLength), new ReceiverMask(masks[w][sequence]));
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        await Task.WhenAll(writing).WaitAsync(TimeSpan.FromSeconds(60));
        channel.Writer.Complete();
        var results = await Task.WhenAll(reading).WaitAsync(TimeSpan.FromSeconds(60));
        for (var r = 0; r < receivers; r++)
        {
            var expected = Enumerable.Range(0, writers)
                .SelectMany(w => Enumerable.Range(0, perWriter).Where(s => (masks[w][s] & (1UL << r)) != 0).Select(s => (w, s)));
            Assert.Equal(expected.OrderBy(m => m), results[r].OrderBy(m => m));
            foreach (var group in results[r].GroupBy(m => m.Item1))
            {
                Assert.Equal(group.Select(m => m.Item2).Order(), group.Select(m => m.Item2));
            }
        }
    }
}
