namespace RainForest.Channels.Tests;

/// <summary>The paper-named façade: Open, Write, Read, Close over a packet channel.</summary>
public sealed class RfComTests : IDisposable
{
    private readonly ChannelDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void OpenWriteReadClose_RoundTripsBetweenHandles()
    {
        var path = _directory.PathFor("rfcom");
        using var created = RfCom.Create(path, new FicmChannelOptions { MaxMessageSize = 64 });
        var reader = RfCom.Open(path, receiverIndex: 0);
        RfCom.Write(created, "packet"u8);
        var buffer = new byte[64];
        Assert.Equal(6, RfCom.Read(reader, buffer));
        Assert.Equal("packet"u8.ToArray(), buffer[..6]);
        Assert.Throws<InvalidOperationException>(() => RfCom.Read(created, buffer));
        RfCom.Close(reader);
        Assert.Throws<ObjectDisposedException>(() => reader.TryRead(buffer, out _));
    }

    [Fact]
    public void Open_ReceiverOutOfRange_ThrowsAndReleasesTheHandle()
    {
        var path = _directory.PathFor("range");
        using var created = RfCom.Create(path, new FicmChannelOptions());
        Assert.Throws<ArgumentOutOfRangeException>(() => RfCom.Open(path, receiverIndex: 3));
    }
}
