namespace RainForest.Channels.Tests;

/// <summary>One ring per receiver: masks choose receivers, broadcasts reach every attached one, detached ones are skipped.</summary>
public sealed class MulticastTests : IDisposable
{
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TryWrite_Mask_DeliversOnlyToChosenReceivers()
    {
        using var channel = Create(FicmChannelMode.Multicast, 4);
        var readers = Enumerable.Range(0, 4).Select(i => channel.OpenReader(i)).ToArray();
        Assert.True(channel.Writer.TryWrite("to 1 and 3"u8, ReceiverMask.Of(1, 3)));
        Assert.True(channel.Writer.TryWrite("to 0"u8, ReceiverMask.Single(0)));
        Assert.True(channel.Writer.TryWrite("to all"u8));

        Assert.Equal(["to 0", "to all"], Drain(readers[0]));
        Assert.Equal(["to 1 and 3", "to all"], Drain(readers[1]));
        Assert.Equal(["to all"], Drain(readers[2]));
        Assert.Equal(["to 1 and 3", "to all"], Drain(readers[3]));
        foreach (var reader in readers)
        {
            reader.Dispose();
        }
    }

    [Fact]
    public void TryWrite_Broadcast_ReachesEveryAttachedReceiverOnly()
    {
        using var channel = Create(FicmChannelMode.Broadcast, 3);
        var readers = Enumerable.Range(0, 3).Select(i => channel.OpenReader(i)).ToArray();
        readers[2].Detach();
        Assert.False(channel.IsReceiverAttached(2));
        Assert.True(channel.Writer.TryWrite("while 2 is away"u8));
        channel.AttachReceiver(2);
        Assert.True(channel.Writer.TryWrite("everyone"u8));

        Assert.Equal(["while 2 is away", "everyone"], Drain(readers[0]));
        Assert.Equal(["while 2 is away", "everyone"], Drain(readers[1]));
        Assert.Equal(["everyone"], Drain(readers[2]));
        foreach (var reader in readers)
        {
            reader.Dispose();
        }
    }

    [Fact]
    public void TryWrite_OneReceiverFull_DeliversToNobodyUntilItIsDetached()
    {
        using var channel = Create(FicmChannelMode.Broadcast, 2, slots: 8);
        using var live = channel.OpenReader(0);
        var written = 0;
        while (channel.Writer.TryWrite(new byte[40]))
        {
            written++;
            Assert.True(live.TryRead(new byte[100], out _)); // receiver 0 keeps up, receiver 1 never reads
        }

        Assert.Equal(8, written); // one-slot messages: receiver 1's ring is what filled
        Assert.Equal(FicmWriteStatus.Full, channel.Writer.Offer("blocked"u8));
        Assert.False(live.TryRead(new byte[100], out _)); // all or nothing: receiver 0 did not get it

        channel.DetachReceiver(1);
        Assert.True(channel.Writer.TryWrite("after detach"u8));
        Assert.Equal(["after detach"], Drain(live));
        Assert.Equal(8, channel.GetReceiverStatus(1).PendingSlots);
    }

    [Fact]
    public void Offer_EveryTargetDetached_ReportsNoReceivers()
    {
        using var channel = Create(FicmChannelMode.Multicast, 2);
        channel.DetachReceiver(0);
        channel.DetachReceiver(1);
        Assert.Equal(FicmWriteStatus.NoReceivers, channel.Writer.Offer("nobody"u8));
        Assert.Equal(FicmWriteStatus.NoReceivers, channel.Writer.Offer("nobody"u8, ReceiverMask.Single(1)));
        Assert.Throws<InvalidOperationException>(() => channel.Writer.Write("nobody"u8));
    }

    [Fact]
    public void Offer_MaskTheModeForbids_ThrowsArgumentException()
    {
        using var broadcast = Create(FicmChannelMode.Broadcast, 3);
        Assert.Throws<ArgumentException>(() => broadcast.Writer.TryWrite("x"u8, ReceiverMask.Single(0)));
        Assert.True(broadcast.Writer.TryWrite("x"u8, ReceiverMask.All));

        using var multicast = Create(FicmChannelMode.Multicast, 3);
        Assert.Throws<ArgumentException>(() => multicast.Writer.TryWrite("x"u8, ReceiverMask.Single(3)));
        Assert.Throws<ArgumentException>(() => multicast.Writer.TryWrite("x"u8, ReceiverMask.None));

        using var unicast = FicmChannel.Create(_directory.PathFor("unicast"), new FicmChannelOptions());
        Assert.Throws<ArgumentException>(() => unicast.Writer.TryWrite("x"u8, ReceiverMask.Single(1)));
        Assert.True(unicast.Writer.TryWrite("x"u8, ReceiverMask.Single(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => unicast.OpenReader(1));
    }

    [Fact]
    public void ReceiverMask_FormatsAndCounts()
    {
        var mask = ReceiverMask.Of(0, 2, 63);
        Assert.Equal("{0,2,63}", mask.ToString());
        Assert.Equal(3, mask.Count);
        Assert.True(mask.Contains(63));
        Assert.False(mask.Contains(1));
        Assert.Equal(mask, ReceiverMask.Single(2).With(0).With(63));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReceiverMask.Single(64));
    }

    private static List<string> Drain(FicmReader reader)
    {
        var messages = new List<string>();
        var buffer = new byte[100];
        while (reader.TryRead(buffer, out var length))
        {
            messages.Add(System.Text.Encoding.UTF8.GetString(buffer, 0, length));
        }

        return messages;
    }

    private FicmChannel Create(FicmChannelMode mode, int receivers, int slots = 64) =>
        FicmChannel.Create(_directory.PathFor($"{mode}-{receivers}-{slots}"), new FicmChannelOptions { Mode = mode, ReceiverCount = receivers, SlotsPerRing = slots, MaxMessageSize = 100 });
}
