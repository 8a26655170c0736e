using System.Diagnostics;
using HdrHistogram;
using RainForest.Controller.Probes;

namespace RainForest.Controller.Latency;

/// <summary>Sends requests at a fixed rate whatever the service does (open loop) and records each response time in an HdrHistogram.</summary>
/// <remarks>
/// <para>A closed-loop client waits for each answer before the next request, so a stalled service slows the client
/// and the stall is sampled once (coordinated omission). Here request i is due at <c>start + i / rate</c>, and its
/// latency runs from when it was due, not from when it left: a late send counts against the service too.</para>
/// <para>A request that fails (refused, reset, a malformed answer) or outlives the timeout is an error, recorded
/// at the timeout: a service that cannot answer is as bad for its clients as one that answers late. Past
/// <c>maxInFlight</c> outstanding requests new ones are errors at once, so a dead service costs no unbounded
/// memory.</para>
/// </remarks>
public sealed class OpenLoopProber : ILatencySource
{
    private readonly IProbeClient _client;
    private readonly long _periodTicks;
    private readonly TimeSpan _timeout;
    private readonly int _maxInFlight;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private LongHistogram _current = LatencyWindow.CreateHistogram();
    private LongHistogram _spare = LatencyWindow.CreateHistogram();
    private long _errors;
    private int _inFlight;
    private Task? _loop;

    /// <summary>Probes with <paramref name="client"/> at <paramref name="rate"/> requests per second.</summary>
    public OpenLoopProber(IProbeClient client, int rate, TimeSpan timeout, int maxInFlight = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        _client = client;
        _periodTicks = Math.Max(1, Stopwatch.Frequency / rate);
        _timeout = timeout;
        _maxInFlight = maxInFlight;
    }

    /// <summary>Requests sent so far.</summary>
    public long Sent { get; private set; }

    /// <inheritdoc/>
    public void Start() => _loop ??= Task.Run(() => LoopAsync(_stop.Token));

    /// <inheritdoc/>
    public ValueTask<LatencyWindow> CollectAsync(TimeSpan start, TimeSpan length, double percentile, CancellationToken cancellationToken)
    {
        LongHistogram window;
        long errors;
        lock (_gate)
        {
            window = _current;
            _current = _spare;
            errors = _errors;
            _errors = 0;
        }

        var result = LatencyWindow.FromHistogram(window, start, length, percentile, errors);
        window.Reset();
        lock (_gate)
        {
            _spare = window;
        }

        return ValueTask.FromResult(result);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        // Requests still out end on the cancelled token; wait for them before the client goes.
        while (Volatile.Read(ref _inFlight) > 0)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }

        await _client.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var next = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            while (next <= now)
            {
                Launch(next, stop);
                next += _periodTicks;
            }

            try
            {
                await Task.Delay(Stopwatch.GetElapsedTime(now, next), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Launch(long due, CancellationToken stop)
    {
        Sent++;
        if (Interlocked.Increment(ref _inFlight) > _maxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            Record(_timeout, failed: true);
            return;
        }

        _ = ProbeAsync(due, stop);
    }

    private async Task ProbeAsync(long due, CancellationToken stop)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(_timeout);
            var failed = false;
            try
            {
                await _client.ProbeAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                failed = true;
            }

            if (!stop.IsCancellationRequested)
            {
                Record(failed ? _timeout : Stopwatch.GetElapsedTime(due), failed);
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Stopped while the request was out: it belongs to no window.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Record(TimeSpan latency, bool failed)
    {
        lock (_gate)
        {
            LatencyWindow.Record(_current, latency);
            if (failed)
            {
                _errors++;
            }
        }
    }
}
