using System.Globalization;
using RainForest.Bench.Report;

namespace RainForest.Bench.Harness;

/// <summary>
/// The results directory: one <c>EXPERIMENT.json</c> per experiment (the latest run of each), and the report that
/// <c>rfm bench report</c> renders from them.
/// </summary>
public static class ResultStore
{
    /// <summary>The default results directory, relative to the current directory.</summary>
    public const string DefaultDirectory = "results/tmp";

    /// <summary>The environment variable that overrides <see cref="DefaultDirectory"/>.</summary>
    public const string Variable = "RF_BENCH_DIR";

    /// <summary>The parameter of a run with load curves that holds the p99 limit in the curves' unit.</summary>
    public const string P99LimitParameter = "p99 limit (µs)";

    /// <summary>The directory from an option, the environment, or the default.</summary>
    public static string Resolve(string? option)
    {
        var env = Environment.GetEnvironmentVariable(Variable);
        return Path.GetFullPath(option ?? (string.IsNullOrEmpty(env) ? DefaultDirectory : env));
    }

    /// <summary>Writes the run as <c>EXPERIMENT.json</c> in <paramref name="directory"/>, replacing an older one; returns the path.</summary>
    public static string Save(BenchRun run, string directory)
    {
        ArgumentNullException.ThrowIfNull(run);
        var path = Path.Combine(directory, $"{run.Experiment}.json");
        BenchJson.Save(run, path);
        return path;
    }

    /// <summary>Every run in <paramref name="directory"/>, in the experiments' order (unknown ones last, by name).</summary>
    /// <exception cref="InvalidDataException">A JSON file there is not a run.</exception>
    public static IReadOnlyList<BenchRun> Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var runs = Directory.GetFiles(directory, "*.json").Select(BenchJson.Load).ToList();
        return [.. runs.OrderBy(r => Order(r.Experiment)).ThenBy(r => r.Experiment, StringComparer.Ordinal)];
    }

    /// <summary>Renders report.md and its plots into <paramref name="outputDirectory"/> from the runs in <paramref name="directory"/>.</summary>
    /// <exception cref="Core.RfException">There are no runs.</exception>
    public static ReportOutput WriteReport(string directory, string outputDirectory)
    {
        var runs = Load(directory);
        if (runs.Count == 0)
        {
            throw Core.RfException.Invalid($"no results in {directory} (run rfm bench EXPERIMENT first, or give --dir)");
        }

        double? limit = null;
        foreach (var run in runs.Where(r => r.LoadCurves.Count > 0))
        {
            if (run.Parameters.TryGetValue(P99LimitParameter, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                limit = value;
            }
        }

        return ReportWriter.Write(runs, outputDirectory, new ReportOptions
        {
            Title = "RainForest: the paper's evaluation on this machine",
            LatencyLimit = limit,
        });
    }

    private static int Order(string experiment)
    {
        var index = BenchHarness.Experiments.ToList().IndexOf(experiment);
        return index < 0 ? int.MaxValue : index;
    }
}
