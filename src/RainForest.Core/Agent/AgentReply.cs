namespace RainForest.Core.Agent;

/// <summary>An answer from a subOS's agent.</summary>
public sealed record AgentReply
{
    /// <summary>The program started; <see cref="Pid"/> is its pid inside the subOS.</summary>
    public const string Started = "started";

    /// <summary>The program ended with <see cref="ExitCode"/>.</summary>
    public const string Exited = "exit";

    /// <summary>The request failed; <see cref="Message"/> says why.</summary>
    public const string Error = "error";

    /// <summary>Answer to a ping.</summary>
    public const string Pong = "pong";

    /// <summary>A request that runs nothing (<see cref="AgentOp.RebindView"/>) succeeded; <see cref="Message"/> says what it did.</summary>
    public const string Done = "done";

    /// <summary>One of <see cref="Started"/>, <see cref="Exited"/>, <see cref="Error"/>, <see cref="Pong"/>, <see cref="Done"/>.</summary>
    public required string Type { get; init; }

    /// <summary>Pid inside the subOS.</summary>
    public int Pid { get; init; }

    /// <summary>Shell-style exit code: the status, or 128 + signal.</summary>
    public int ExitCode { get; init; }

    /// <summary>Error text.</summary>
    public string? Message { get; init; }

    /// <summary>Processes the agent has started and not yet reaped (for ping).</summary>
    public int Children { get; init; }

    /// <summary>Seconds since the agent started (for ping).</summary>
    public double UptimeSeconds { get; init; }

    /// <summary>Pong: whether the agent is dumpable (it must not be: nothing inside may read it through /proc/1).</summary>
    public bool Dumpable { get; init; }

    /// <summary>Pong: the seccomp profile every program inside starts under; null for a privileged subOS.</summary>
    public string? Sandbox { get; init; }
}
