namespace RainForest.Core.Agent;

/// <summary>A command from the supervisor (or <c>rfm exec</c>) to a subOS's agent.</summary>
public sealed record AgentRequest
{
    /// <summary>What the agent is asked to do.</summary>
    public required AgentOp Op { get; init; }

    /// <summary>Program and arguments for <see cref="AgentOp.Exec"/>; a name without '/' is looked up in PATH.</summary>
    public IReadOnlyList<string> Argv { get; init; } = [];

    /// <summary>Environment as KEY=VALUE, added to the agent's defaults.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Working directory inside the subOS.</summary>
    public string? Cwd { get; init; }

    /// <summary>Run the program on a new pseudo-terminal inside the subOS, relayed to the caller's descriptors.</summary>
    public bool Tty { get; init; }

    /// <summary>Terminal rows, for <see cref="Tty"/> and <see cref="AgentOp.Resize"/>.</summary>
    public int Rows { get; init; }

    /// <summary>Terminal columns, for <see cref="Tty"/> and <see cref="AgentOp.Resize"/>.</summary>
    public int Cols { get; init; }

    /// <summary>Signal number for <see cref="AgentOp.Signal"/>.</summary>
    public int Signal { get; init; }

    /// <summary>For <see cref="AgentOp.RebindView"/>: the files of <see cref="LxcfsView.Files"/> the descriptors replace, in order.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];
}
