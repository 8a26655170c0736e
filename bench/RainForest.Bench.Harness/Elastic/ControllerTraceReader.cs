using RainForest.Bench.Load;
using RainForest.Controller.Model;
using RainForest.Core;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// Traces in the controller library's format (<see cref="RateTrace"/>: <c>seconds,requests_per_second</c> lines from
/// time 0, joined by straight lines), and its default trace, so that the experiment on this machine and the model
/// replay the same load.
/// </summary>
internal sealed class ControllerTraceReader : ITraceReader
{
    /// <inheritdoc />
    public string Describe(string? path) => path is null ? "the controller library's default trace (ramps and bursts)" : Path.GetFileName(path);

    /// <inheritdoc />
    public RateTrace ReadTrace(string? path)
    {
        if (path is null)
        {
            return RateTrace.Default;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RfException.Invalid($"--trace {path}: {e.Message}");
        }

        try
        {
            return RateTrace.Parse(text, path);
        }
        catch (RfException e)
        {
            throw RfException.Invalid($"--trace {e.Message}");
        }
    }

    /// <inheritdoc />
    public RateProfile Read(string? path)
    {
        var trace = ReadTrace(path);
        var profile = new RateProfile([.. trace.Points.Select(p => new RatePoint(p.Seconds, p.RequestsPerSecond))]);
        try
        {
            profile.Validate();
        }
        catch (ArgumentException e)
        {
            throw RfException.Invalid($"--trace {path ?? "(default)"}: {e.Message.Split(" (Parameter", 2)[0]}");
        }

        return profile;
    }
}
