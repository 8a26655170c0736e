using System.Text.Json.Serialization;

namespace RainForest.Bench.Report;

/// <summary>
/// Everything one experiment of <c>rfm bench</c> measured, on which machine, and what the harness wants the
/// reader to know about it. Each experiment fills the parts it needs; the report shows every run it is given,
/// whichever system came out ahead.
/// </summary>
public sealed record BenchRun
{
    /// <summary>The version of this document's shape.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The version of this document's shape, <see cref="CurrentVersion"/>.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The experiment's id, such as <c>micro</c> or <c>isolation</c>; names plot files.</summary>
    public required string Experiment { get; init; }

    /// <summary>A heading for people; null uses <see cref="Experiment"/>.</summary>
    public string? Title { get; init; }

    /// <summary>What in the paper this reproduces, such as <c>Fig. 3a, Fig. 6</c>.</summary>
    public string? Paper { get; init; }

    /// <summary>A paragraph on what was run and how.</summary>
    public string? Description { get; init; }

    /// <summary>How thoroughly the run measured.</summary>
    public BenchMode Mode { get; init; } = BenchMode.Quick;

    /// <summary>When the run began.</summary>
    public DateTimeOffset StartedUtc { get; init; }

    /// <summary>When the run ended, if it did.</summary>
    public DateTimeOffset? FinishedUtc { get; init; }

    /// <summary>The command line that produced the run.</summary>
    public string? CommandLine { get; init; }

    /// <summary>The machine measured on.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>The systems compared, such as <c>linux</c>, <c>cell</c>, <c>lxc</c>.</summary>
    public IReadOnlyList<string> Systems { get; init; } = [];

    /// <summary>Settings of the run (worker counts, rates, sizes), shown as a table.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Remarks the report prints verbatim, such as "cells and LXC share one kernel on this machine".</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Latency distributions; series sharing a group are plotted together.</summary>
    public IReadOnlyList<LatencySeries> Latencies { get; init; } = [];

    /// <summary>Grids such as the interference matrix, plotted as heatmaps.</summary>
    public IReadOnlyList<Matrix> Matrices { get; init; } = [];

    /// <summary>Latency-against-load curves; curves sharing a group are plotted together.</summary>
    public IReadOnlyList<LoadCurve> LoadCurves { get; init; } = [];

    /// <summary>Summarised operations, with the paper's values beside them.</summary>
    public IReadOnlyList<TableRow> Rows { get; init; } = [];

    /// <summary>Free-form tables.</summary>
    public IReadOnlyList<ResultTable> Tables { get; init; } = [];

    /// <summary>Grouped bar charts the experiment built itself.</summary>
    public IReadOnlyList<BarChart> Bars { get; init; } = [];

    /// <summary>Values over time (latency per window, CPUs owned), plotted as lines.</summary>
    public IReadOnlyList<TimeSeriesChart> TimeSeries { get; init; } = [];

    /// <summary>The heading: <see cref="Title"/>, or <see cref="Experiment"/>.</summary>
    [JsonIgnore]
    public string DisplayTitle => string.IsNullOrWhiteSpace(Title) ? Experiment : Title;

    /// <summary>Checks every part's shape.</summary>
    /// <exception cref="InvalidDataException">A part is malformed; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Experiment))
        {
            throw new InvalidDataException("A run needs an experiment name.");
        }

        foreach (var matrix in Matrices)
        {
            matrix.Validate();
        }

        foreach (var table in Tables)
        {
            table.Validate();
        }

        foreach (var bar in Bars)
        {
            bar.Validate();
        }

        foreach (var chart in TimeSeries)
        {
            chart.Validate();
        }
    }
}
