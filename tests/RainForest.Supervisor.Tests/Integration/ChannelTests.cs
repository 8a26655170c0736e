using RainForest.Channels;
using RainForest.Core;
using RainForest.Supervisor.Channels;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>FICM channels between real subOSes: membership, data across the boundary, cleanup.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class ChannelTests : IDisposable
{
    private readonly CellHost _host = new();
    private readonly List<string> _copies = [];

    public void Dispose()
    {
        _host.Dispose();
        _copies.ForEach(c => Directory.Delete(c, recursive: true));
    }

    [Fact]
    public async Task Channel_OnlyMembersSeeIt_AndMessagesCrossBetweenSubOses()
    {
        var peer = PeerPath();
        _host.Create("writer");
        _host.Create("reader");
        _host.Supervisor.CreateChannel(new ChannelOptions { Name = "private", Members = ["writer"] });
        _host.Supervisor.CreateChannel(new ChannelOptions { Name = "pipe", Members = ["writer", "reader"], Mode = FicmChannelMode.Unicast });

        Assert.Equal(0, _host.Exec("writer", "test", "-e", "/run/rainforest/channels/private").ExitCode);
        Assert.NotEqual(0, _host.Exec("reader", "test", "-e", "/run/rainforest/channels/private").ExitCode);
        Assert.NotEqual(0, _host.Exec("reader", "sh", "-c", $"ls {_host.State.ChannelRoot} || ls /dev/shm | grep {_host.State.Prefix}").ExitCode);

        var reading = Task.Run(() => _host.Exec("reader", "dotnet", peer, "read", "/run/rainforest/channels/pipe", "0", "500"));
        var (wrote, _) = _host.Exec("writer", "dotnet", peer, "write", "/run/rainforest/channels/pipe", "500", "1");
        var (read, output) = await reading.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, wrote);
        Assert.Equal(0, read);
        Assert.Contains("ready", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Rfcom_MessageSentInOneSubOs_IsReadInTheOther()
    {
        _host.Create("sender");
        _host.Create("receiver");
        _host.Supervisor.CreateChannel(new ChannelOptions { Name = "talk", Members = ["sender", "receiver"], Mode = FicmChannelMode.Unicast });

        // rfcom is found by name: RainForest's tools directory ends every program's PATH.
        Assert.Equal(0, _host.Exec("sender", "rfcom", "send", "talk", "hello", "from", "sender").ExitCode);
        var (code, stdout) = _host.Exec("receiver", "rfcom", "recv", "talk", "--timeout", "5");

        Assert.Equal(0, code);
        Assert.Equal("hello from sender\n", stdout);
        Assert.Equal(1, _host.Exec("receiver", "rfcom", "recv", "talk", "--timeout", "0.2").ExitCode);
        Assert.Equal(2, _host.Exec("receiver", "rfcom", "send", "../talk", "x").ExitCode);
    }

    [Fact]
    public void Channel_BadInput_IsRejectedAndChangesNothing()
    {
        _host.Create("member");
        _host.Supervisor.CreateChannel(new ChannelOptions { Name = "taken", Members = ["member"] });

        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.CreateChannel(new ChannelOptions { Name = "taken", Members = ["member"] })).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.CreateChannel(new ChannelOptions { Name = "x", Members = ["ghost"] })).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => ChannelOptions.ParseMode("anycast")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.CreateChannel(new ChannelOptions { Name = "x", Members = ["member"], Mode = (FicmChannelMode)9 })).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.CreateChannel(new ChannelOptions { Name = "x", Members = ["member"], MaxMessage = -1 })).ExitCode);
        Assert.Equal(["taken"], _host.Supervisor.Channels().Select(c => c.Name));
        Assert.False(File.Exists(_host.State.ChannelObject("x")));
    }

    [Fact]
    public void Destroy_MemberThenChannel_DetachesThenFreesEverything()
    {
        _host.Create("left");
        _host.Create("right");
        _host.Supervisor.CreateChannel(new ChannelOptions { Name = "fan", Members = ["left", "right"], Mode = FicmChannelMode.Broadcast });

        _host.Supervisor.Destroy("right");

        var fan = Assert.Single(_host.Supervisor.Channels());
        Assert.Equal([true, false], fan.Members.Select(m => m.Attached));
        Assert.False(Directory.Exists(_host.State.ChannelLinkDirectory("right")));

        _host.Supervisor.DestroyChannel("fan");
        _host.Supervisor.Destroy("left");

        Assert.Empty(_host.Supervisor.Channels());
        Assert.False(Directory.Exists(_host.State.ChannelRoot));
    }

    /// <summary>
    /// The peer test program, copied where subOSes can see it: the repository may live under /tmp,
    /// which is private inside a subOS. Copied before the subOSes exist, so their roots show it.
    /// </summary>
    private string PeerPath()
    {
        var built = Path.GetDirectoryName(BuiltPeer())!;
        var copy = Path.Combine("/var/tmp", $"rf-test-peer-{Guid.NewGuid():N}");
        _copies.Add(copy);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(built))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return Path.Combine(copy, "RainForest.Channels.Peer.dll");
    }

    private static string BuiltPeer()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "RainForest.slnx")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        var peer = Directory.GetFiles(Path.Combine(dir, "tests/RainForest.Channels.Peer/bin"), "RainForest.Channels.Peer.dll", SearchOption.AllDirectories).FirstOrDefault();
        return peer ?? throw new FileNotFoundException("build tests/RainForest.Channels.Peer first (the solution build does)");
    }
}
