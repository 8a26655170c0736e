using RainForest.Bench.Load;
using RainForest.Controller.Model;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>Reads the LC service's load trace: the offered rate over time that the experiment replays.</summary>
internal interface ITraceReader
{
    /// <summary>A short name for the report, such as the file's name.</summary>
    string Describe(string? path);

    /// <summary>The trace in <paramref name="path"/>, or the default trace when it is null.</summary>
    /// <exception cref="Core.RfException">The file cannot be read or is not a trace (exit code 2).</exception>
    RateTrace ReadTrace(string? path);

    /// <summary>The same trace as a rate profile the load generator replays.</summary>
    /// <exception cref="Core.RfException">The file cannot be read or is not a trace (exit code 2).</exception>
    RateProfile Read(string? path);
}
