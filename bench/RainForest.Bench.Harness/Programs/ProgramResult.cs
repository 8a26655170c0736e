namespace RainForest.Bench.Harness.Programs;

/// <summary>How a program ended and what it printed.</summary>
/// <param name="ExitCode">The exit code; 124 when its time limit ended it, 128 + signal when it was killed.</param>
/// <param name="Stdout">Everything it wrote to standard output.</param>
/// <param name="Stderr">Everything it wrote to standard error.</param>
/// <param name="Elapsed">From start to exit, as the harness saw it.</param>
internal sealed record ProgramResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>The exit code <c>timeout</c> returns when the limit ended the program.</summary>
    public const int TimedOutExitCode = 124;

    /// <summary>The first line of standard error (or output), for a one-line failure note.</summary>
    public string FirstErrorLine()
    {
        var text = string.IsNullOrWhiteSpace(Stderr) ? Stdout : Stderr;
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.Length > 200 ? line[..200] : line;
    }
}
