using System.CommandLine;
using RainForest.Core;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm bench ...</c>: runs rf-bench, the benchmarks' own program, with every argument given.</summary>
/// <remarks>
/// The benchmarks live outside the product (bench/ in the repository, <c>bench/rf-bench</c> next to rfm once
/// built), so rfm carries no harness, plotting or histogram code (<see cref="ExecVerb"/>).
/// </remarks>
internal static class BenchCommand
{
    private const string Name = "bench";

    /// <summary>rf-bench's path: <c>bench/rf-bench</c> beside rfm.</summary>
    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "bench", "rf-bench");

    public static Command Build() => ExecVerb.Build(
        Name, "Run the paper's evaluation, the lifecycle and channels benchmarks, or the report (rf-bench)", "An experiment and its options (rfm bench --help lists them)");

    /// <summary>Whether the command line is <c>rfm [global options] bench ...</c>.</summary>
    public static bool IsChosen(ParseResult parse) => ExecVerb.IsChosen(parse, Name);

    /// <summary>Replaces rfm with rf-bench, passing every argument but the word <c>bench</c>; returns only by throwing.</summary>
    /// <exception cref="RfException">rf-bench is missing or cannot be started (exit code 1).</exception>
    public static void Exec(ParseResult parse) => ExecVerb.Exec(ProgramPath, Arguments(parse), "the benchmarks are a program of their own");

    /// <summary>What rf-bench gets: the command line in the user's order, without the word <c>bench</c>.</summary>
    internal static IReadOnlyList<string> Arguments(ParseResult parse) => ExecVerb.Arguments(parse, Name);
}
