using RainForest.Supervisor;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// The CPUs of the two subOSes of one run, changed through the supervisor's facade: a move to the LC is a loan from
/// the batch (<see cref="RainForestSupervisor.Lend"/>, which parks the batch when it lends its last CPU), a move back
/// reclaims the newest loans, and the slack policy's sub-CPU steps set the batch's CPU quota. Each is one ledger
/// transaction with lend/borrow (or reclaim/return) journal entries carrying the latency that caused it.
/// </summary>
internal sealed class CellAllocation
{
    private readonly RainForestSupervisor _supervisor;
    private readonly Lock _gate = new();
    private volatile int _lc;
    private volatile int _batch;
    private double? _quota;
    private int _moves;

    /// <summary>Tracks <paramref name="lc"/> and <paramref name="batch"/>, which own <paramref name="lcCpus"/> and <paramref name="batchCpus"/> now.</summary>
    public CellAllocation(RainForestSupervisor supervisor, string lc, string batch, int lcCpus, int batchCpus)
    {
        _supervisor = supervisor;
        Lc = lc;
        Batch = batch;
        _lc = lcCpus;
        _batch = batchCpus;
    }

    /// <summary>The LC subOS's name.</summary>
    public string Lc { get; }

    /// <summary>The batch subOS's name.</summary>
    public string Batch { get; }

    /// <summary>CPUs the LC owns now.</summary>
    public int LcCpus => _lc;

    /// <summary>CPUs the batch owns now (0: parked).</summary>
    public int BatchCpus => _batch;

    /// <summary>The batch's CPU quota in CPUs; null for none.</summary>
    public double? BatchQuota
    {
        get
        {
            lock (_gate)
            {
                return _quota;
            }
        }
    }

    /// <summary>The CPU time the batch can use: its CPUs, or its quota when lower.</summary>
    public double BatchEffectiveCpus => BatchQuota is { } q ? Math.Min(q, _batch) : _batch;

    /// <summary>Moves made so far (loans, reclaims and quota changes).</summary>
    public int Moves => Volatile.Read(ref _moves);

    /// <summary>Lends <paramref name="cpus"/> CPUs from the batch to the LC (negative: reclaims them), saying <paramref name="reason"/>.</summary>
    public void Move(int cpus, string reason)
    {
        lock (_gate)
        {
            if (cpus > 0)
            {
                _supervisor.Lend(Batch, Lc, cpus, reason);
            }
            else if (cpus < 0)
            {
                _supervisor.Reclaim(Lc, -cpus, reason);
            }
            else
            {
                return;
            }

            _lc += cpus;
            _batch -= cpus;
            _moves++;
        }
    }

    /// <summary>Sets the batch's CPU quota (null lifts it), saying <paramref name="reason"/>.</summary>
    public void SetBatchQuota(double? cpus, string reason)
    {
        lock (_gate)
        {
            _supervisor.SetCpuQuota(Batch, cpus, reason);
            _quota = cpus;
            _moves++;
        }
    }

    /// <summary>
    /// Returns every loan and lifts the quota (before the batch's jobs are stopped: a parked batch could not end
    /// them); not counted as moves.
    /// </summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (_supervisor.Loans(Lc).Count > 0)
            {
                var returned = _supervisor.Reclaim(Lc, null, "end of the run");
                var cpus = returned.Sum(l => l.Cpus.Count);
                _lc -= cpus;
                _batch += cpus;
            }

            if (_quota is not null)
            {
                _supervisor.SetCpuQuota(Batch, null, "end of the run");
                _quota = null;
            }
        }
    }
}
