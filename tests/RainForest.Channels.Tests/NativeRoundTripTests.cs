using System.Diagnostics;
using System.Threading.Channels;

namespace RainForest.Channels.Tests;

/// <summary>A C program linked against librfcom.so exchanges messages with a .NET peer over the same channel files.</summary>
public sealed class NativeRoundTripTests(NativeBuildFixture native) : IClassFixture<NativeBuildFixture>
{
    private const int Count = 200;

    [Fact]
    public async Task CProgram_EchoedByDotNetPeer_EveryCheckPasses()
    {
        using var directory = new ChannelDirectory();
        var options = new FicmChannelOptions { SlotsPerRing = 256, MaxMessageSize = 2000 };
        using var requests = FicmChannel.Create(directory.PathFor("request"), options);
        using var replies = FicmChannel.Create(directory.PathFor("reply"), options);
        var zonePath = directory.PathFor("zone");
        byte[] last = [];
        var echoed = 0;
        var echo = Task.Factory.StartNew(
            () =>
            {
                using var reader = requests.OpenReader(0);
                var buffer = new byte[requests.MaxMessageSize];
                try
                {
                    while (true)
                    {
                        var length = reader.Read(buffer);
                        last = buffer[..length];
                        replies.Writer.Write(buffer.AsSpan(0, length));
                        echoed++;
                    }
                }
                catch (ChannelClosedException)
                {
                    replies.Writer.Complete();
                }
            },
            TaskCreationOptions.LongRunning);

        var info = new ProcessStartInfo(native.TestProgram)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(requests.Path);
        info.ArgumentList.Add(replies.Path);
        info.ArgumentList.Add(zonePath);
        info.ArgumentList.Add(Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var program = Process.Start(info)!;
        var output = program.StandardOutput.ReadToEndAsync();
        var errors = program.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await program.WaitForExitAsync(timeout.Token);
        }

        Assert.True(program.ExitCode == 0, $"rfcom_test exited with {program.ExitCode}:\n{await output}\n{await errors}");
        Assert.Equal($"ok {Count}", (await output).Trim());
        await echo.WaitAsync(TimeSpan.FromSeconds(30));

        // 200 ping-pongs, a burst of 16, the 100-byte message and the timestamp.
        Assert.Equal(Count + 16 + 1 + 1, echoed);

        // The last message is the C side's CLOCK_MONOTONIC stamp, comparable with ours.
        Assert.Equal(ChannelTimestamp.Size, last.Length);
        var elapsed = ChannelTimestamp.ElapsedNanoseconds(last);
        Assert.InRange(elapsed, 0, TimeSpan.FromSeconds(120).Ticks * 100);

        // The channel C created: its options arrived field by field, and rf_write_to reached receiver 1 only.
        using var created = FicmChannel.Open(zonePath + "-created");
        Assert.Equal(FicmChannelMode.Multicast, created.Mode);
        Assert.Equal(2, created.ReceiverCount);
        Assert.Equal(64, created.SlotsPerRing);
        Assert.Equal(500, created.MaxMessageSize);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(created.Path));
        using (var receiver0 = created.OpenReader(0))
        using (var receiver1 = created.OpenReader(1))
        {
            Assert.False(receiver0.TryRead(new byte[500], out _));
            var buffer = new byte[500];
            Assert.True(receiver1.TryRead(buffer, out var length));
            Assert.Equal("to receiver 1"u8.ToArray(), buffer[..length]);
        }

        using var zone = RfCom.Map(zonePath, 0, SharedZoneFlags.ReadOnly);
        Assert.Equal(4096, zone.Length);
        Assert.Equal("hello from C\0"u8.ToArray(), zone.GetReadOnlySpan(0, 13).ToArray());
        Assert.Equal(0xC5, zone.GetReadOnlySpan(4095, 1)[0]);
    }
}
