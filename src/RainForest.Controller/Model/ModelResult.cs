namespace RainForest.Controller.Model;

/// <summary>What a model run measured: Table 5's row, with Fig. 10 and 11's series behind it.</summary>
/// <param name="System">The system modelled.</param>
/// <param name="Options">The machine and service.</param>
/// <param name="Windows">The report windows, in order.</param>
/// <param name="Decisions">Every controller step applied, in order.</param>
/// <param name="Requests">Requests completed.</param>
/// <param name="P50">Median over the run.</param>
/// <param name="P99">99th percentile over the run.</param>
/// <param name="P999">99.9th percentile over the run.</param>
/// <param name="BatchCpuSeconds">CPU time the batch side used.</param>
public sealed record ModelResult(
    ModelSystem System,
    ModelOptions Options,
    IReadOnlyList<ModelWindow> Windows,
    IReadOnlyList<ElasticDecision> Decisions,
    long Requests,
    TimeSpan P50,
    TimeSpan P99,
    TimeSpan P999,
    double BatchCpuSeconds)
{
    /// <summary>Batch jobs finished (whole jobs of <see cref="ModelOptions.JobCpuSeconds"/>).</summary>
    public long BatchJobs => (long)Math.Floor(BatchCpuSeconds / Options.JobCpuSeconds);

    /// <summary>Steps the controller applied.</summary>
    public int Moves => Decisions.Count;

    /// <summary>The share of windows with requests whose tail met the SLO.</summary>
    public double WithinSloFraction
    {
        get
        {
            var measured = Windows.Where(w => w.Requests > 0).ToList();
            return measured.Count == 0 ? 1 : (double)measured.Count(w => w.WithinSlo) / measured.Count;
        }
    }

    /// <summary>The CPUs the service held, averaged over the windows.</summary>
    public double MeanTakerCpus => Windows.Count == 0 ? Options.TakerCpus : Windows.Average(w => w.TakerCpus);
}
