using RainForest.Core.Agent;

namespace RainForest.Agent;

/// <summary>Writes frames to the port from several threads (each program's stdout and stderr pumps, its waiter), one frame at a time.</summary>
internal sealed class GuestFrameWriter
{
    private readonly Stream _port;
    private readonly Lock _lock = new();

    public GuestFrameWriter(Stream port) => _port = port;

    public void Reply(uint session, AgentReply reply)
    {
        lock (_lock)
        {
            TryWrite(() => GuestFrames.WriteReply(_port, session, reply));
        }
    }

    public void Data(uint session, GuestFrameType type, ReadOnlySpan<byte> data)
    {
        var copy = data.ToArray();
        lock (_lock)
        {
            TryWrite(() => GuestFrames.Write(_port, session, type, copy));
        }
    }

    private static void TryWrite(Action write)
    {
        try
        {
            write();
        }
        catch (IOException)
        {
            // The port went away (the guest is shutting down): nothing is left to tell.
        }
    }
}
