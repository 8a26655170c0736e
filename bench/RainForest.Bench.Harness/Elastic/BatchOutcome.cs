namespace RainForest.Bench.Harness.Elastic;

/// <summary>What the batch side did during one system's run.</summary>
/// <param name="Finished">Jobs that ran to their end with exit code 0.</param>
/// <param name="FinishedByJob">The same, by job name.</param>
/// <param name="Failed">Jobs that ended with another code before the run stopped them (each is named in a note).</param>
/// <param name="Failures">One line per job that failed, with its first error line.</param>
internal sealed record BatchOutcome(int Finished, IReadOnlyDictionary<string, int> FinishedByJob, int Failed, IReadOnlyList<string> Failures);
