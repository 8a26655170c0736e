namespace RainForest.Bench.Harness.Programs;

/// <summary>A program to run inside an instance: its command line, a hard time limit and extra environment.</summary>
/// <param name="Argv">The program (an absolute path or a name on PATH) and its arguments.</param>
/// <param name="Limit">
/// The longest the program may run; <c>timeout</c> ends its whole process group then, so a workload stops
/// by itself even when the harness is gone.
/// </param>
internal sealed record ProgramSpec(IReadOnlyList<string> Argv, TimeSpan Limit)
{
    /// <summary>Extra environment as KEY=VALUE.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>A short name for messages: the program's file name.</summary>
    public string Name => Path.GetFileName(Argv[0]);
}
