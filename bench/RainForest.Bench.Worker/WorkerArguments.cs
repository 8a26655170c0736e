using RainForest.Core;

namespace RainForest.Bench.Worker;

/// <summary>What the command line of <c>rf-bench-worker micro</c> asks for.</summary>
public sealed record WorkerArguments
{
    /// <summary>The micro-benchmark options, not yet validated against the file system and the clock.</summary>
    public required MicroOptions Micro { get; init; }

    /// <summary>Print JSON on stdout instead of the summary.</summary>
    public bool Json { get; init; }

    /// <summary>A file to write the JSON result to, or null.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Parses a <c>micro</c> command line; throws an invalid-input <see cref="RfException"/> naming the first problem.</summary>
    public static WorkerArguments Parse(IReadOnlyList<string> args)
    {
        var line = new WorkerCommandLine();
        var parse = line.Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            throw RfException.Invalid(parse.Errors[0].Message);
        }

        return parse.CommandResult.Command == line.Micro
            ? line.Read(parse)
            : throw RfException.Invalid("missing command: micro");
    }
}
