using System.CommandLine;
using System.CommandLine.Parsing;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux;

namespace RainForest.Cli.Commands;

/// <summary>
/// A verb that another program answers: rfm replaces itself with it (execv), passing the command line in the user's
/// order without the verb, so that stdin, stdout, stderr, the terminal and signals reach it directly and its exit
/// code is rfm's. <c>rfm bench</c> runs rf-bench, <c>rfm serve</c> rf-serve: programs that rfm (NativeAOT, no
/// ASP.NET, no plotting) must not carry.
/// </summary>
internal static class ExecVerb
{
    /// <summary>A verb that only recognises its word; the program parses (and documents) everything after it.</summary>
    public static Command Build(string name, string description, string arguments)
    {
        var rest = new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore, Description = arguments };
        var command = new Command(name, description) { rest };
        command.TreatUnmatchedTokensAsErrors = false;
        return command;
    }

    /// <summary>Whether the command line is <c>rfm [global options] NAME ...</c>.</summary>
    public static bool IsChosen(ParseResult parse, string name) =>
        parse.CommandResult.Command.Name == name && parse.CommandResult.Parent == parse.RootCommandResult;

    /// <summary>What the program gets: the command line in the user's order, without the verb.</summary>
    /// <remarks>Global options given before the verb (<c>--state-dir</c>, <c>--verbose</c>) mean the same to the program.</remarks>
    public static IReadOnlyList<string> Arguments(ParseResult parse, string name)
    {
        var verb = parse.Tokens.First(t => t.Type == TokenType.Command && t.Value == name);
        return [.. parse.Tokens.Where(t => !ReferenceEquals(t, verb) && t.Type != TokenType.Directive).Select(t => t.Value)];
    }

    /// <summary>Replaces rfm with the program at <paramref name="path"/>; returns only by throwing.</summary>
    /// <exception cref="RfException">The program is missing or cannot be started (exit code 1).</exception>
    public static void Exec(string path, IReadOnlyList<string> arguments, string missing)
    {
        if (!File.Exists(path))
        {
            throw RfException.Failed($"{path} is missing: {missing} (./rfm builds it)");
        }

        List<string> argv = [path, .. arguments];
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
}
