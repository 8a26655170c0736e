using RainForest.Core.Agent;

namespace RainForest.Core.Tests;

public sealed class GuestFramesTests
{
    [Fact]
    public void Write_ThenRead_GivesTheSameFrames()
    {
        using var stream = new MemoryStream();
        GuestFrames.WriteRequest(stream, 7, new AgentRequest { Op = AgentOp.Exec, Argv = ["uname", "-r"], Cwd = "/tmp" });
        GuestFrames.Write(stream, 7, GuestFrameType.Stdin, "hello"u8);
        GuestFrames.Write(stream, 9, GuestFrameType.StdinClosed, []);
        GuestFrames.WriteReply(stream, 7, new AgentReply { Type = AgentReply.Exited, ExitCode = 130 });
        stream.Position = 0;

        var request = GuestFrames.Read(stream)!;
        Assert.Equal((7u, GuestFrameType.Request), (request.Session, request.Type));
        var decoded = GuestFrames.ReadRequest(request);
        Assert.Equal(AgentOp.Exec, decoded.Op);
        Assert.Equal(["uname", "-r"], decoded.Argv);
        Assert.Equal("/tmp", decoded.Cwd);

        var stdin = GuestFrames.Read(stream)!;
        Assert.Equal("hello"u8.ToArray(), stdin.Payload);
        Assert.Equal((9u, GuestFrameType.StdinClosed, 0), (GuestFrames.Read(stream)!.Session, GuestFrameType.StdinClosed, 0));
        var reply = GuestFrames.ReadReply(GuestFrames.Read(stream)!);
        Assert.Equal((AgentReply.Exited, 130), (reply.Type, reply.ExitCode));
        Assert.Null(GuestFrames.Read(stream));
    }

    [Fact]
    public void Read_StreamEndsInsideAFrame_ReturnsNull()
    {
        using var whole = new MemoryStream();
        GuestFrames.Write(whole, 1, GuestFrameType.Stdout, new byte[100]);
        using var cut = new MemoryStream(whole.ToArray()[..50]);
        Assert.Null(GuestFrames.Read(cut));
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(17, 0x7FFFFFFF)]
    [InlineData(16, -1)]
    public void Read_BadHeader_Throws(byte type, int length)
    {
        var header = new byte[GuestFrames.HeaderSize];
        header[4] = type;
        BitConverter.GetBytes(length).CopyTo(header, 5);
        Assert.Throws<InvalidDataException>(() => GuestFrames.Read(new MemoryStream(header)));
    }

    [Fact]
    public void Write_PayloadOverTheLimit_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GuestFrames.Write(new MemoryStream(), 1, GuestFrameType.Stdout, new byte[GuestFrames.MaxPayload + 1]));
}
