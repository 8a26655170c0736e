using System.CommandLine;
using RainForest.Bench.Cli.Commands;
using RainForest.Bench.Harness.Tools;
using RainForest.Cli;
using RainForest.Core;

namespace RainForest.Bench.Cli;

/// <summary>rf-bench's command tree and its error policy; <c>rfm bench ARGS</c> runs <c>rf-bench ARGS</c>.</summary>
/// <remarks>
/// The benchmarks are a program of their own so that rfm carries no plotting, histogram or harness code. Exit
/// codes are rfm's: 0 success; 1 an experiment failed at run time (and removed what it made); 2 usage or
/// invalid input (nothing changed).
/// </remarks>
internal static class BenchApp
{
    public static int Run(string[] args)
    {
        ToolPaths.UseAgentAbove();
        var root = new RootCommand("rfm bench: the paper's evaluation on this machine (plain Linux, RainForest cells and LXC side by side), the lifecycle and channels benchmarks, and the report");
        root.Options.Add(Globals.StateDir);
        root.Options.Add(Globals.Verbose);
        foreach (var command in BenchCommand.Build())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(ChannelsCommand.Build());
        root.Subcommands.Add(ElasticCommand.Build());

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"rfm: {Printable.Escape(ParseError(parse), 400)}");
            return RfException.InvalidInputExitCode;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (RfException e)
        {
            Console.Error.WriteLine($"rfm: {e.Message}");
            if (parse.GetValue(Globals.Verbose) && e.InnerException is { } inner)
            {
                Console.Error.WriteLine(inner);
            }

            return e.ExitCode;
        }
        catch (Exception e)
        {
            // A bug, not a user error: say so, and show the stack on request.
            Console.Error.WriteLine($"rfm: internal error: {e.Message}");
            Console.Error.WriteLine(parse.GetValue(Globals.Verbose) ? e.ToString() : "rfm: run again with --verbose for details");
            return RfException.FailureExitCode;
        }
    }

    /// <summary>The one line a command line that does not parse gets, worded as rfm words it.</summary>
    /// <remarks>System.CommandLine reports an unknown experiment as "Required command was not provided".</remarks>
    private static string ParseError(ParseResult parse)
    {
        if (parse.CommandResult.Command is RootCommand)
        {
            return parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-')) is { } unknown
                ? $"unknown command '{unknown}' for rfm bench (rfm bench --help lists them)"
                : "rfm bench needs a command (rfm bench --help lists them)";
        }

        return $"{parse.Errors[0].Message} (rfm bench --help for usage)";
    }
}
