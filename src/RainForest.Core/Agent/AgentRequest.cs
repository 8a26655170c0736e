namespace RainForest.Core.Agent;

/// <summary>A command from the supervisor (or <c>rfm exec</c>) to a subOS's agent.</summary>
public sealed record AgentRequest
{
    /// <summary>Run a program; its stdin, stdout and stderr travel with the request as descriptors.</summary>
    public const string Exec = "exec";

    /// <summary>Answer with the agent's status.</summary>
    public const string Ping = "ping";

    /// <summary>Send <see cref="Signal"/> to the program this connection started.</summary>
    public const string SignalOp = "signal";

    /// <summary>Resize the terminal of the program this connection started.</summary>
    public const string Resize = "resize";

    /// <summary>
    /// Replace the subOS's lxcfs files whose connection died (lxcfs was restarted): the descriptors are detached
    /// mounts of the new lxcfs's files, one for each of <see cref="Paths"/>.
    /// </summary>
    public const string RebindView = "rebind-view";

    /// <summary>One of <see cref="Exec"/>, <see cref="Ping"/>, <see cref="SignalOp"/>, <see cref="Resize"/>, <see cref="RebindView"/>.</summary>
    public required string Op { get; init; }

    /// <summary>Program and arguments for <see cref="Exec"/>; a name without '/' is looked up in PATH.</summary>
    public IReadOnlyList<string> Argv { get; init; } = [];

    /// <summary>Environment as KEY=VALUE, added to the agent's defaults.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Working directory inside the subOS.</summary>
    public string? Cwd { get; init; }

    /// <summary>Run the program on a new pseudo-terminal inside the subOS, relayed to the caller's descriptors.</summary>
    public bool Tty { get; init; }

    /// <summary>Terminal rows, for <see cref="Tty"/> and <see cref="Resize"/>.</summary>
    public int Rows { get; init; }

    /// <summary>Terminal columns, for <see cref="Tty"/> and <see cref="Resize"/>.</summary>
    public int Cols { get; init; }

    /// <summary>Signal number for <see cref="SignalOp"/>.</summary>
    public int Signal { get; init; }

    /// <summary>For <see cref="RebindView"/>: the files of <see cref="LxcfsView.Files"/> the descriptors replace, in order.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];
}
