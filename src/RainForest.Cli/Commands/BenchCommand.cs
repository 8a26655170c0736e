using System.CommandLine;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm bench</c>: experiments.</summary>
internal static class BenchCommand
{
    public static Command Build() => new("bench", "Run an experiment");
}
