using RainForest.Controller;
using RainForest.Supervisor;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// What the two subOSes of one run own, as the controller last saw it (for the window records and for how many batch
/// jobs may run at once), and the return of everything lent when the run ends.
/// </summary>
/// <remarks>
/// The moves themselves are the controller library's actuator's (<see cref="Controller.Runner.SupervisorActuator"/>:
/// the facade's lend, reclaim and CPU quota); this only follows what they leave.
/// </remarks>
internal sealed class CellAllocation
{
    private readonly RainForestSupervisor _supervisor;
    private readonly Lock _gate = new();
    private readonly Lock _meterGate = new();
    private readonly IdleCpuMeter _lcIdle;
    private ElasticAllocation _current;

    /// <summary>Follows <paramref name="lc"/> and <paramref name="batch"/>, which own <paramref name="lcCpus"/> and <paramref name="batchCpus"/> now.</summary>
    public CellAllocation(RainForestSupervisor supervisor, string lc, string batch, int lcCpus, int batchCpus)
    {
        _supervisor = supervisor;
        Lc = lc;
        Batch = batch;
        _current = new ElasticAllocation(lcCpus, batchCpus, null, 0, 0);

        // A second back (a batch job's length), read at most every 100 ms (the batch runner's loop wakes that often).
        _lcIdle = new IdleCpuMeter(LcCpuSeconds, () => LcCpus, TimeProvider.System,
            TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The LC subOS's name.</summary>
    public string Lc { get; }

    /// <summary>The batch subOS's name.</summary>
    public string Batch { get; }

    /// <summary>CPUs the LC owns.</summary>
    public int LcCpus => Current.TakerCpus;

    /// <summary>CPUs the batch owns (0: parked).</summary>
    public int BatchCpus => Current.DonorCpus;

    /// <summary>The CPU time the batch can use: its CPUs, or its quota when lower.</summary>
    public double BatchEffectiveCpus => Current.DonorEffectiveCpus;

    /// <summary>The batch's CPU quota, in CPUs over every CPU it runs on; null while it has none.</summary>
    public double? BatchQuota => Current.DonorQuota;

    /// <summary>Whether the batch also runs in the LC's idle time (idle sharing).</summary>
    public bool IdleShare { get; private set; }

    /// <summary>
    /// How much of a CPU the LC must have left idle over the last second for an idle-sharing batch to run one more job
    /// there (<see cref="IdleCpuMeter.IdleCpus"/>).
    /// </summary>
    public const double IdleJobShare = 0.5;

    /// <summary>
    /// How many batch jobs may run at once: one per CPU the batch owns, and under idle sharing one more per CPU the LC
    /// left at least half idle over the last second (<see cref="IdleJobShare"/>), not one per CPU of the LC's.
    /// </summary>
    public int BatchSlots
    {
        get
        {
            var own = Current.DonorCpus;
            if (!IdleShare)
            {
                return own;
            }

            lock (_meterGate)
            {
                return own + _lcIdle.IdleCpus(IdleJobShare);
            }
        }
    }

    /// <summary>The CPU seconds the LC's processes used so far; null while unreadable.</summary>
    public double? LcCpuSeconds() => _supervisor.Usage(Lc)?.Cgroup?.CpuSeconds;

    /// <summary>Lets the batch run in the LC's idle time, at idle priority, as a policy with <c>--idle-share</c> does.</summary>
    public void ShareIdle(string reason)
    {
        lock (_gate)
        {
            _supervisor.ShareIdle(Lc, Batch, reason);
            IdleShare = true;
        }
    }

    private ElasticAllocation Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Records what the actuator reported.</summary>
    public void Update(ElasticAllocation current)
    {
        lock (_gate)
        {
            _current = current;
        }
    }

    /// <summary>
    /// Returns every loan, lifts the batch's quota and ends its idle sharing (before its jobs are stopped: a parked batch
    /// could not end them).
    /// </summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (_supervisor.Loans(Lc).Count > 0)
            {
                var returned = _supervisor.Reclaim(Lc, null, "rfm bench elastic: end of the run").Sum(l => l.Cpus.Count);
                _current = _current with { TakerCpus = _current.TakerCpus - returned, DonorCpus = _current.DonorCpus + returned };
            }

            if (_current.DonorQuota is not null)
            {
                _supervisor.SetCpuQuota(Batch, null, "rfm bench elastic: end of the run");
                _current = _current with { DonorQuota = null };
            }

            if (IdleShare)
            {
                _supervisor.EndIdle(Batch, "rfm bench elastic: end of the run");
                IdleShare = false;
            }
        }
    }
}
