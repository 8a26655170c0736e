using RainForest.Core.Elastic;

namespace RainForest.Controller.Model;

/// <summary>The modelled machine and service. The defaults are a 2-CPU machine split one and one, as this CI machine.</summary>
public sealed record ModelOptions
{
    /// <summary>CPUs in the machine shared by the two sides.</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>CPUs the latency-critical service starts with (and keeps, in a static partition).</summary>
    public int TakerCpus { get; init; } = 1;

    /// <summary>CPUs the batch side starts with; null for the rest of the machine.</summary>
    public int? DonorCpus { get; init; }

    /// <summary>Mean service time of one request on one CPU without interference.</summary>
    public TimeSpan ServiceTime { get; init; } = TimeSpan.FromMicroseconds(250);

    /// <summary>Spread of the service time: the σ of its log-normal distribution (0 for constant).</summary>
    public double ServiceSigma { get; init; } = 0.5;

    /// <summary>
    /// How much a fully busy batch side slows the service through shared caches and memory bandwidth: the service
    /// time is multiplied by <c>1 + Interference × (batch CPUs in use / machine CPUs)</c>.
    /// </summary>
    public double Interference { get; init; } = 0.3;

    /// <summary>Every trace rate is multiplied by this (a bigger machine takes a bigger load).</summary>
    public double RateScale { get; init; } = 1;

    /// <summary>The seed of the model's random numbers: the same seed gives the same run.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The report's window (Fig. 10's points, and the windows counted against the SLO).</summary>
    public TimeSpan ReportWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The objective the report counts windows against.</summary>
    public LatencySlo Slo { get; init; } = new(99, TimeSpan.FromMilliseconds(5));

    /// <summary>
    /// Under a policy with <see cref="ElasticPolicySpec.IdleShare"/>: what a request pays to preempt the batch job
    /// running in the service's idle time on its CPU (the switch away from an idle-class task, and caches the job
    /// cooled), added to its service time.
    /// </summary>
    public TimeSpan IdlePreemption { get; init; } = TimeSpan.FromMicroseconds(20);

    /// <summary>
    /// Under idle sharing: the share of the service's idle CPU time the batch side turns into work (the gaps between
    /// requests are short and each preemption costs it its warm caches).
    /// </summary>
    public double IdleEfficiency { get; init; } = 0.8;

    /// <summary>CPU-seconds of one batch job (jobs finished = batch CPU-seconds / this).</summary>
    public double JobCpuSeconds { get; init; } = 30;

    /// <summary>CPUs the batch side starts with.</summary>
    public int InitialDonorCpus => DonorCpus ?? (Cpus - TakerCpus);

    /// <summary>
    /// A machine of <paramref name="cpus"/> CPUs: the service starts with a quarter of them (at least one) and the
    /// batch side with the rest; the trace is scaled by the same quarter (at least 1), so its peak needs about
    /// twice the service's initial CPUs and its trough a third of them.
    /// </summary>
    public static ModelOptions ForMachine(int cpus)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cpus, 2);
        var quarter = Math.Max(1, cpus / 4);
        return new ModelOptions { Cpus = cpus, TakerCpus = quarter, RateScale = quarter };
    }
}
