using RainForest.Controller.Latency;

namespace RainForest.Controller;

/// <summary>Running totals of one policy: what was observed and what was done.</summary>
public sealed class PolicyStats
{
    /// <summary>Windows observed (empty ones included).</summary>
    public long Windows { get; private set; }

    /// <summary>Windows with responses whose tail met the SLO.</summary>
    public long WindowsWithinSlo { get; private set; }

    /// <summary>Windows with at least one response.</summary>
    public long WindowsMeasured { get; private set; }

    /// <summary>Steps applied.</summary>
    public long Moves { get; private set; }

    /// <summary>CPUs moved to the taker, summed over steps.</summary>
    public long CpusLent { get; private set; }

    /// <summary>CPUs moved back to the donor, summed over steps.</summary>
    public long CpusReclaimed { get; private set; }

    /// <summary>Steps that failed.</summary>
    public long Errors { get; private set; }

    /// <summary>The latest window, or null before the first.</summary>
    public LatencyWindow? LastWindow { get; private set; }

    /// <summary>The latest step, or null before the first.</summary>
    public ElasticDecision? LastDecision { get; private set; }

    /// <summary>What the two subOSes held at the latest window or step.</summary>
    public ElasticAllocation Allocation { get; private set; }

    /// <summary>The share of measured windows that met the SLO (1 before any).</summary>
    public double WithinSloFraction => WindowsMeasured == 0 ? 1 : (double)WindowsWithinSlo / WindowsMeasured;

    internal void Observe(LatencyWindow window, bool met, ElasticAllocation allocation)
    {
        Windows++;
        if (!window.IsEmpty)
        {
            WindowsMeasured++;
            if (met)
            {
                WindowsWithinSlo++;
            }
        }

        LastWindow = window;
        Allocation = allocation;
    }

    internal void Applied(ElasticDecision decision, ElasticAllocation after)
    {
        Moves++;
        if (decision.Cpus > 0)
        {
            CpusLent += decision.Cpus;
        }
        else
        {
            CpusReclaimed -= decision.Cpus;
        }

        LastDecision = decision;
        Allocation = after;
    }

    internal void Failed() => Errors++;
}
