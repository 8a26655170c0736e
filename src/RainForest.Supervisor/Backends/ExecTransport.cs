namespace RainForest.Supervisor.Backends;

/// <summary>How <c>rfm exec</c> talks to a subOS's agent at its <see cref="ISubOsBackend.ExecEndpoint"/>.</summary>
public enum ExecTransport
{
    /// <summary>The agent's Unix socket; the caller's stdin, stdout and stderr go over as descriptors (SCM_RIGHTS): a cell.</summary>
    Descriptors,

    /// <summary>
    /// A byte stream to an agent that descriptors cannot reach (a guest's virtio-serial port behind QEMU's Unix socket):
    /// stdin, stdout and stderr are streamed in frames (<see cref="Core.Agent.GuestFrames"/>), one caller at a time.
    /// </summary>
    Streamed,
}
