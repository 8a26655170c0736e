using System.CommandLine;
using System.CommandLine.Parsing;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm bench ...</c>: runs rf-bench, the benchmarks' own program, with every argument given.</summary>
/// <remarks>
/// The benchmarks live outside the product (bench/ in the repository, <c>bench/rf-bench</c> next to rfm once
/// built), so rfm carries no harness, plotting or histogram code. rfm replaces itself with rf-bench (execv):
/// stdin, stdout, stderr, the terminal and signals reach it directly, and its exit code is rfm's.
/// </remarks>
internal static class BenchCommand
{
    private const string Name = "bench";

    /// <summary>rf-bench's path: <c>bench/rf-bench</c> beside rfm.</summary>
    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "bench", "rf-bench");

    public static Command Build()
    {
        // rfm only recognises the word; rf-bench parses (and documents) everything after it.
        var arguments = new Argument<string[]>("arguments")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "An experiment and its options (rfm bench --help lists them)",
        };
        var command = new Command(Name, "Run the paper's evaluation, the lifecycle and channels benchmarks, or the report (rf-bench)") { arguments };
        command.TreatUnmatchedTokensAsErrors = false;
        return command;
    }

    /// <summary>Whether the command line is <c>rfm [global options] bench ...</c>.</summary>
    public static bool IsChosen(ParseResult parse) => parse.CommandResult.Command.Name == Name && parse.CommandResult.Parent == parse.RootCommandResult;

    /// <summary>Replaces rfm with rf-bench, passing every argument but the word <c>bench</c>; returns only by throwing.</summary>
    /// <exception cref="RfException">rf-bench is missing or cannot be started (exit code 1).</exception>
    public static void Exec(ParseResult parse)
    {
        var path = ProgramPath;
        if (!File.Exists(path))
        {
            throw RfException.Failed($"{path} is missing: the benchmarks are a program of their own (./rfm builds it)");
        }

        List<string> argv = [path, .. Arguments(parse)];
        Console.Out.Flush();
        Console.Error.Flush();
        try
        {
            Spawner.Exec(path, argv);
        }
        catch (LinuxException e)
        {
            throw RfException.Failed($"cannot run {path}: {e.Message}");
        }
    }

    /// <summary>What rf-bench gets: the command line in the user's order, without the word <c>bench</c>.</summary>
    /// <remarks>Global options given before <c>bench</c> (<c>--state-dir</c>, <c>--verbose</c>) mean the same to rf-bench.</remarks>
    internal static IReadOnlyList<string> Arguments(ParseResult parse)
    {
        var bench = parse.Tokens.First(t => t.Type == TokenType.Command && t.Value == Name);
        return [.. parse.Tokens.Where(t => !ReferenceEquals(t, bench) && t.Type != TokenType.Directive).Select(t => t.Value)];
    }
}
