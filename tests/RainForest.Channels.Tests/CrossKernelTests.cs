using System.Diagnostics;
using RainForest.Channels.Layout;

namespace RainForest.Channels.Tests;

/// <summary>
/// What a channel shared with a guest (an ivshmem device) needs: a padded file, a label the guest finds it by, sleepers
/// that poll because a futex wake does not cross kernels, and participant rows that belong to one kernel.
/// </summary>
public sealed class CrossKernelTests : IDisposable
{
    private readonly ChannelDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Create_PadToPowerOfTwo_FileIsAPowerOfTwoAndStillOpens()
    {
        var path = _dir.PathFor("pad");
        using (var created = FicmChannel.Create(path, new FicmChannelOptions { SlotsPerRing = 64, MaxMessageSize = 256, PadToPowerOfTwo = true }))
        {
        }

        var length = new FileInfo(path).Length;
        Assert.True(long.IsPow2(length), $"{length} is not a power of two");
        Assert.True(length > ChannelLayout.TotalSize(1, 64));
        using var channel = FicmChannel.Open(path);
        using var reader = channel.OpenReader(0);
        Assert.True(channel.Writer.TryWrite("padded"u8));
        Assert.True(reader.TryRead(out var message));
        Assert.Equal("padded"u8.ToArray(), message.Span.ToArray());
    }

    [Fact]
    public void Open_FileShorterThanItsHeader_IsRefused()
    {
        var path = _dir.PathFor("short");
        using (FicmChannel.Create(path, new FicmChannelOptions { SlotsPerRing = 64, MaxMessageSize = 256 }))
        {
        }

        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - ChannelLayout.PageSize);
        }

        Assert.Throws<ChannelFormatException>(() => FicmChannel.Open(path));
    }

    [Fact]
    public void ReadLabel_LabelledAndUnlabelled_ReturnsWhatTheCreatorWrote()
    {
        var labelled = _dir.PathFor("labelled");
        var plain = _dir.PathFor("plain");
        using (var channel = FicmChannel.Create(labelled, new FicmChannelOptions { Label = "orders" }))
        {
            Assert.Equal("orders", channel.Label);
        }

        using (FicmChannel.Create(plain, new FicmChannelOptions()))
        {
        }

        Assert.Equal("orders", FicmChannel.ReadLabel(labelled));
        Assert.Null(FicmChannel.ReadLabel(plain));
        File.WriteAllBytes(_dir.PathFor("junk"), new byte[8192]);
        Assert.Null(FicmChannel.ReadLabel(_dir.PathFor("junk")));
    }

    [Fact]
    public void Options_LabelTooLong_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new FicmChannelOptions { Label = new string('x', ChannelLayout.LabelCapacity + 1) }.Validate());

    [Fact]
    public async Task SpansKernels_WriterWhoseWakeNeverArrives_SleepingReaderStillReads()
    {
        var path = _dir.PathFor("spans");
        using var host = FicmChannel.Create(path, new FicmChannelOptions { SpansKernels = true });
        Assert.True(host.SpansKernels);
        using var reader = host.OpenReader(0, new FicmWaitOptions { SpinDuration = TimeSpan.Zero });
        var read = reader.ReadAsync().AsTask();

        // Let the reader fall asleep, then write from a "guest" handle, which makes no futex call.
        await Task.Delay(200);
        Assert.False(read.IsCompleted);
        using var guest = FicmChannel.OpenAsDeviceForTesting(path);
        var clock = Stopwatch.StartNew();
        Assert.True(guest.Writer.TryWrite("from the guest"u8));
        var message = await read.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("from the guest"u8.ToArray(), message.Span.ToArray());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the poll took {clock.Elapsed}");
    }

    [Fact]
    public async Task WithinOneKernel_WithoutSpansKernels_LostWakeIsNotPolled()
    {
        // The control for the test above: without the flag a sleeper waits for a wake, which a guest never sends.
        var path = _dir.PathFor("local");
        using var host = FicmChannel.Create(path, new FicmChannelOptions());
        using var reader = host.OpenReader(0, new FicmWaitOptions { SpinDuration = TimeSpan.Zero });
        var read = reader.ReadAsync().AsTask();
        await Task.Delay(200);
        using (var guest = FicmChannel.OpenAsDeviceForTesting(path))
        {
            Assert.True(guest.Writer.TryWrite("lost wake"u8));
        }

        await Task.Delay(300);
        Assert.False(read.IsCompleted);
        host.Writer.TryWrite("woken"u8);
        Assert.Equal("lost wake"u8.ToArray(), (await read.WaitAsync(TimeSpan.FromSeconds(10))).Span.ToArray());
    }

    [Fact]
    public unsafe void Participants_RowOfAnotherKernel_CountsAsAliveAndIsNotClaimed()
    {
        var path = _dir.PathFor("domains");
        using var host = FicmChannel.Create(path, new FicmChannelOptions());
        var table = (ParticipantEntry*)(host.Memory.Base + ChannelLayout.ParticipantTableOffset);
        var row = (host.Participants.SelfIndex + 1) % ChannelLayout.MaxParticipants;
        var next = (host.Participants.SelfIndex + 2) % ChannelLayout.MaxParticipants;

        // A guest's holder: no lock this kernel can see, its domain not ours.
        table[row].Generation = 7;
        table[row].Domain = 0x8000_0000_0000_1234;
        var tag = ParticipantTable.TagOf(row, 7);
        Assert.True(host.Participants.IsAlive(tag));

        // The next opener starts at the guest's row and must pass over it.
        ((ChannelHeader*)host.Memory.Base)->NextParticipant = (uint)row - 1;
        using (var other = FicmChannel.Open(path))
        {
            Assert.Equal(next, other.Participants.SelfIndex);
            Assert.Equal(ParticipantTable.HostDomain, table[next].Domain);
        }

        // Closed: the row is free for every kernel, and its old holder is gone.
        Assert.Equal(0UL, table[next].Domain);
        Assert.False(host.Participants.IsAlive(ParticipantTable.TagOf(next, table[next].Generation)));

        // The same row with our domain and no lock: its holder died.
        table[row].Domain = ParticipantTable.HostDomain;
        Assert.False(host.Participants.IsAlive(tag));
    }

    [Fact]
    public unsafe void Participants_GuestHandle_TakesAGuestDomain()
    {
        var path = _dir.PathFor("guestrow");
        using var host = FicmChannel.Create(path, new FicmChannelOptions());
        using var guest = FicmChannel.OpenAsDeviceForTesting(path);
        var table = (ParticipantEntry*)(host.Memory.Base + ChannelLayout.ParticipantTableOffset);
        Assert.Equal(ParticipantTable.HostDomain, table[host.Participants.SelfIndex].Domain);
        Assert.NotEqual(0UL, table[guest.Participants.SelfIndex].Domain & (1UL << 63));
        Assert.True(host.Participants.IsAlive(guest.Participants.SelfTag));
    }
}
