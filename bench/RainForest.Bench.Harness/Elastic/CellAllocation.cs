using System.Globalization;
using RainForest.Core.Model;
using RainForest.Supervisor;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// The CPUs of the two subOSes of one run, changed through the supervisor's facade: a move to the LC shrinks the
/// batch first and then grows the LC (a CPU always has one owner), a move back the other way round. Each move is a
/// resize the supervisor journals.
/// </summary>
internal sealed class CellAllocation
{
    private readonly RainForestSupervisor _supervisor;
    private readonly Lock _gate = new();
    private readonly int _initialLc;
    private readonly int _initialBatch;
    private volatile int _lc;
    private volatile int _batch;
    private int _moves;

    /// <summary>Tracks <paramref name="lc"/> and <paramref name="batch"/>, which own <paramref name="lcCpus"/> and <paramref name="batchCpus"/> now.</summary>
    public CellAllocation(RainForestSupervisor supervisor, string lc, string batch, int lcCpus, int batchCpus)
    {
        _supervisor = supervisor;
        Lc = lc;
        Batch = batch;
        _lc = _initialLc = lcCpus;
        _batch = _initialBatch = batchCpus;
    }

    /// <summary>The LC subOS's name.</summary>
    public string Lc { get; }

    /// <summary>The batch subOS's name.</summary>
    public string Batch { get; }

    /// <summary>CPUs the LC owns now.</summary>
    public int LcCpus => _lc;

    /// <summary>CPUs the batch owns now.</summary>
    public int BatchCpus => _batch;

    /// <summary>Moves made so far.</summary>
    public int Moves => Volatile.Read(ref _moves);

    /// <summary>Moves <paramref name="cpus"/> CPUs from the batch to the LC (negative: back to the batch).</summary>
    /// <param name="cpus">How many; 0 does nothing.</param>
    /// <param name="batchFloor">The fewest CPUs the batch may keep.</param>
    /// <param name="lcFloor">The fewest the LC may keep.</param>
    /// <returns>How many moved (fewer when a floor stopped it).</returns>
    public int Move(int cpus, int batchFloor = 1, int lcFloor = 1)
    {
        lock (_gate)
        {
            var n = cpus > 0 ? Math.Min(cpus, _batch - batchFloor) : -Math.Min(-cpus, _lc - lcFloor);
            if (n == 0)
            {
                return 0;
            }

            var (from, to) = n > 0 ? (Batch, Lc) : (Lc, Batch);
            var count = Math.Abs(n).ToString(CultureInfo.InvariantCulture);
            _supervisor.Resize(from, Request("-" + count), null);
            _supervisor.Resize(to, Request("+" + count), null);
            _lc += n;
            _batch -= n;
            _moves++;
            return n;
        }
    }

    /// <summary>Gives each subOS its first CPU count again (before the batch's jobs are stopped: a parked batch could not end them).</summary>
    public void Restore()
    {
        lock (_gate)
        {
            var back = _initialLc - _lc;
            if (back != 0)
            {
                // Not the controller's move: it does not count.
                var moves = _moves;
                Move(back, 0, 0);
                _moves = moves;
            }
        }
    }

    private static CpuRequest Request(string text) =>
        CpuRequest.TryParse(text, allowRelative: true, out var request, out var error) ? request : throw new InvalidOperationException(error);
}
