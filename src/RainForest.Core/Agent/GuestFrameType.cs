namespace RainForest.Core.Agent;

/// <summary>What a frame of the streamed exec protocol carries (<see cref="GuestFrames"/>).</summary>
public enum GuestFrameType : byte
{
    /// <summary>Host to guest: an <see cref="AgentRequest"/> as JSON (exec, ping, signal).</summary>
    Request = 1,

    /// <summary>Host to guest: bytes for the program's stdin.</summary>
    Stdin = 2,

    /// <summary>Host to guest: the caller's stdin ended; the program's stdin closes.</summary>
    StdinClosed = 3,

    /// <summary>Guest to host: an <see cref="AgentReply"/> as JSON (started, exit, error, pong).</summary>
    Reply = 16,

    /// <summary>Guest to host: bytes the program wrote to stdout.</summary>
    Stdout = 17,

    /// <summary>Guest to host: bytes the program wrote to stderr.</summary>
    Stderr = 18,
}
