using RainForest.Bench.Harness.Programs;
using RainForest.Bench.Harness.Systems;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// Runs the batch jobs in an instance, one after another and round again, with as many at a time as its slots allow at
/// that moment (the CPUs it owns, and under idle sharing the CPUs the LC leaves at least half idle: <see cref="CellAllocation.BatchSlots"/>):
/// when the slots fall, no new job starts until one ends; a parked (frozen) batch starts none. Jobs cut short by the
/// end of the run do not count.
/// </summary>
internal sealed class BatchRunner
{
    // A job that fails this many times in a row is dropped from the rotation, so that a broken one cannot spin.
    private const int MaxConsecutiveFailures = 3;

    private readonly BenchInstance _instance;
    private readonly IReadOnlyList<BatchJob> _jobs;
    private readonly Func<int> _slots;
    private readonly TimeSpan _limit;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, int> _finished = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failedInRow = new(StringComparer.Ordinal);
    private readonly List<string> _failures = [];
    private readonly List<(BatchJob Job, RunningProgram Program)> _running = [];
    private Task? _loop;
    private int _failed;
    private int _runningCount;

    private BatchRunner(BenchInstance instance, IReadOnlyList<BatchJob> jobs, Func<int> slots, TimeSpan limit)
    {
        _instance = instance;
        _jobs = jobs;
        _slots = slots;
        _limit = limit;
    }

    /// <summary>Starts the jobs in <paramref name="instance"/>; <paramref name="slots"/> says how many may run at once now.</summary>
    /// <param name="instance">The batch instance.</param>
    /// <param name="jobs">The rotation.</param>
    /// <param name="slots">How many jobs may run now (0 while parked).</param>
    /// <param name="limit">The longest any one job may run.</param>
    public static BatchRunner Start(BenchInstance instance, IReadOnlyList<BatchJob> jobs, Func<int> slots, TimeSpan limit)
    {
        var runner = new BatchRunner(instance, jobs, slots, limit);
        runner._loop = Task.Run(runner.LoopAsync);
        return runner;
    }

    /// <summary>Jobs running now (as of the loop's last pass).</summary>
    public int Running => Volatile.Read(ref _runningCount);

    /// <summary>Stops the jobs still running (they do not count) and returns what finished.</summary>
    public async Task<BatchOutcome> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        foreach (var (_, program) in _running)
        {
            await program.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        _running.Clear();
        _stop.Dispose();
        return new BatchOutcome(_finished.Values.Sum(), new Dictionary<string, int>(_finished, StringComparer.Ordinal), _failed, [.. _failures]);
    }

    private async Task LoopAsync()
    {
        var next = 0;
        while (!_stop.IsCancellationRequested)
        {
            for (var i = _running.Count - 1; i >= 0; i--)
            {
                if (_running[i].Program.HasExited)
                {
                    Tally(_running[i].Job, await _running[i].Program.Completion.ConfigureAwait(false));
                    _running.RemoveAt(i);
                }
            }

            var active = _jobs.Where(j => _failedInRow.GetValueOrDefault(j.Name) < MaxConsecutiveFailures).ToList();
            if (active.Count == 0)
            {
                return;
            }

            while (_running.Count < _slots())
            {
                var job = active[next++ % active.Count];
                _running.Add((job, _instance.Start(new ProgramSpec(["sh", "-c", job.Command], _limit))));
            }

            Volatile.Write(ref _runningCount, _running.Count);

            try
            {
                var wake = Task.Delay(TimeSpan.FromMilliseconds(100), _stop.Token);
                await Task.WhenAny(_running.Select(r => (Task)r.Program.Completion).Append(wake)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Tally(BatchJob job, ProgramResult result)
    {
        if (result.ExitCode == 0)
        {
            _finished[job.Name] = _finished.GetValueOrDefault(job.Name) + 1;
            _failedInRow[job.Name] = 0;
            return;
        }

        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _failed++;
        var row = _failedInRow[job.Name] = _failedInRow.GetValueOrDefault(job.Name) + 1;
        if (_failures.Count < 10)
        {
            _failures.Add($"batch job {job.Name} exited with {result.ExitCode}: {result.FirstErrorLine()}" +
                          (row >= MaxConsecutiveFailures ? $" ({MaxConsecutiveFailures} failures in a row: dropped from the rotation)" : ""));
        }
    }
}
