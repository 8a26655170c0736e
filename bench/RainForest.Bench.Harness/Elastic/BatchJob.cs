namespace RainForest.Bench.Harness.Elastic;

/// <summary>One batch job: a shell command line, run to its end as one unit of batch work.</summary>
/// <param name="Name">The job's name in the report.</param>
/// <param name="Command">The command, run with <c>sh -c</c> inside the batch subOS.</param>
internal sealed record BatchJob(string Name, string Command)
{
    /// <summary>The programs the command starts: the first word of each stage of its pipeline.</summary>
    public IReadOnlyList<string> Programs =>
        [.. Command.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(stage => stage.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault())
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)];
}
