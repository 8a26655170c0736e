using System.Net;
using System.Net.Sockets;
using HdrHistogram;
using HdrHistogram.Iteration;
using RainForest.Bench.Contracts;
using RainForest.Bench.Load.Protocol;

namespace RainForest.Bench.Load;

/// <summary>
/// One open-loop run: a dedicated sender thread writes each request at its intended time, a
/// receive loop per connection times the replies, and the caller's task watches the clock.
/// </summary>
internal sealed class LoadRun
{
    // Requests written per flush when the sender is behind; bounds the time between flushes.
    private const int MaxBatch = 64;

    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(5);

    private readonly LoadOptions _options;
    private readonly RequestSchedule _schedule;
    private readonly MemcachedRequestWriter _writer;
    private readonly RunClock _clock = new();
    private readonly long _warmupNs;
    private readonly long _deadlineNs;
    private readonly long _highestTrackableNs;
    private readonly long _goodputLimitNs;
    private readonly LongHistogram _sendLag;
    private readonly TaskCompletionSource _senderDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Recorder? _windowRecorder;
    private readonly Action<LoadWindow>? _onWindow;
    private readonly long _windowNs;
    private int _windowIndex;
    private LoadConnection[] _connections = [];
    private volatile bool _stopSender;
    private long _senderPosition;
    private TimeSpan _cpuAtStart;
    private long _sentMeasured;

    private LoadRun(LoadOptions options, Action<LoadWindow>? onWindow)
    {
        if (onWindow is not null && options.WindowInterval is { } window)
        {
            _onWindow = onWindow;
            _windowNs = LatencyHistograms.ToNanoseconds(window);
            // Every connection's receive loop records into this one recorder, concurrently: a plain LongHistogram loses
            // counts when two loops increment the same bucket at once (CI saw a window total one short of the replies).
            _windowRecorder = new Recorder(1, Math.Max(2, LatencyHistograms.ToNanoseconds(options.HighestTrackableLatency)), LatencyHistograms.SignificantDigits,
                (id, lowest, highest, digits) => new LongConcurrentHistogram(id, lowest, highest, digits));
        }

        _options = options;
        _schedule = RequestSchedule.Create(options);
        _writer = new MemcachedRequestWriter(options.KeyPrefix, options.KeySpace, options.ValueSize);
        _warmupNs = LatencyHistograms.ToNanoseconds(options.Warmup);
        _deadlineNs = LatencyHistograms.ToNanoseconds(options.Warmup + options.Duration + options.DrainTimeout);
        _highestTrackableNs = LatencyHistograms.ToNanoseconds(options.HighestTrackableLatency);
        _goodputLimitNs = LatencyHistograms.ToNanoseconds(options.GoodputLatencyLimit);
        _sendLag = LatencyHistograms.Create(options.HighestTrackableLatency);
    }

    /// <summary>Runs the load the options describe; see <see cref="LoadGenerator.RunAsync(LoadOptions, IProgress{LoadProgress}?, Action{LoadWindow}?, CancellationToken)"/>.</summary>
    public static Task<LoadResult> RunAsync(LoadOptions options, IProgress<LoadProgress>? progress, Action<LoadWindow>? onWindow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LoadRun(options, onWindow).RunAsync(progress, cancellationToken);
    }

    private async Task<LoadResult> RunAsync(IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        IPEndPoint endPoint = await ResolveAsync(_options.Host, _options.Port, cancellationToken).ConfigureAwait(false);
        _connections = await ConnectAllAsync(endPoint, cancellationToken).ConfigureAwait(false);
        ReplyReceiver? receiver = null;
        Thread? sender = null;
        try
        {
            long preloaded = await PreloadAsync(cancellationToken).ConfigureAwait(false);
            _cpuAtStart = Environment.CpuUsage.TotalTime;
            _clock.Start();
            receiver = ReplyReceiver.Start(_connections, _schedule, _clock, _highestTrackableNs, _goodputLimitNs, _windowRecorder);

            sender = new Thread(SenderMain) { IsBackground = true, Name = "rf-loadgen-sender" };
            sender.Start();

            await WatchAsync(progress, cancellationToken).ConfigureAwait(false);
            await StopAsync(receiver).ConfigureAwait(false);
            receiver = null;
            return BuildResult(preloaded);
        }
        finally
        {
            // On failure or cancellation: stop the sender before its sockets go away.
            _stopSender = true;
            if (sender is not null)
            {
                try
                {
                    await _senderDone.Task.ConfigureAwait(false);
                }
                catch (Exception) when (!_senderDone.Task.IsCompletedSuccessfully)
                {
                    // Already reported by WatchAsync or superseded by the exception in flight.
                }
            }

            // The receiver polls the sockets' descriptors: it stops before they close.
            try
            {
                receiver?.Stop();
            }
            catch (InvalidOperationException)
            {
                // Superseded by the exception in flight.
            }

            foreach (LoadConnection connection in _connections)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Waits until every request is answered or the deadline passes, reporting progress.</summary>
    private async Task WatchAsync(IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        long progressIntervalNs = LatencyHistograms.ToNanoseconds(_options.ProgressInterval);
        long nextProgressNs = 0;
        while (true)
        {
            long nowNs = _clock.NowNs();
            if (progress is not null && nowNs >= nextProgressNs)
            {
                progress.Report(Snapshot(nowNs));
                nextProgressNs = nowNs + progressIntervalNs;
            }

            ReportWindows(nowNs, final: false);

            if (_senderDone.Task.IsFaulted)
            {
                await _senderDone.Task.ConfigureAwait(false);
            }

            if ((_senderDone.Task.IsCompleted && AllAnswered()) || nowNs >= _deadlineNs || AllFaulted())
            {
                break;
            }

            await Task.Delay(s_pollInterval, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(Snapshot(_clock.NowNs()));
    }

    /// <summary>Hands each window that has ended to the callback; at the end of the run, also the one in progress.</summary>
    private void ReportWindows(long nowNs, bool final)
    {
        if (_windowRecorder is null || _onWindow is null)
        {
            return;
        }

        while (true)
        {
            long startNs = _warmupNs + (_windowIndex * _windowNs);
            long endNs = startNs + _windowNs;
            if (nowNs < endNs && !(final && nowNs > startNs))
            {
                return;
            }

            // The interval histogram holds what arrived since the last swap: a reply that lands just after the
            // boundary, before this swap, counts in the window that ends here (5 ms of polling at most).
            HistogramBase histogram = _windowRecorder.GetIntervalHistogram();
            long to = final ? Math.Min(endNs, nowNs) : endNs;
            _onWindow(new LoadWindow
            {
                Index = _windowIndex,
                StartSeconds = (startNs - _warmupNs) / 1e9,
                EndSeconds = (to - _warmupNs) / 1e9,
                Offered = _schedule.CountBetween(startNs, to),
                Completed = histogram.TotalCount,
                P50Us = Percentile(histogram, 50),
                P99Us = Percentile(histogram, 99),
                P999Us = Percentile(histogram, 99.9),
                MaxUs = histogram.TotalCount == 0 ? 0 : histogram.GetMaxValue() / 1000.0,
                Histogram = HistogramCodec.Encode(histogram),
            });
            _windowIndex++;
            if (to < endNs)
            {
                return;
            }
        }
    }

    private async Task StopAsync(ReplyReceiver receiver)
    {
        _stopSender = true;

        // The sender checks the flag at least once a millisecond, the receiver every few.
        await _senderDone.Task.ConfigureAwait(false);
        receiver.Stop();
        ReportWindows(_clock.NowNs(), final: true);
    }

    private void SenderMain()
    {
        try
        {
            SendAll();
            _senderDone.SetResult();
        }
        catch (Exception exception)
        {
            _senderDone.SetException(exception);
        }
    }

    /// <summary>The sender loop: each request at its intended time, late ones at once, never blocking on a socket.</summary>
    private void SendAll()
    {
        ReadOnlySpan<long> offsets = _schedule.OffsetsNs;
        ReadOnlySpan<int> keys = _schedule.Keys;
        ReadOnlySpan<bool> isGet = _schedule.IsGet;
        long firstMeasured = _schedule.FirstMeasured;
        int count = offsets.Length;
        int connectionCount = _connections.Length;
        var toFlush = new List<LoadConnection>(connectionCount);
        var backlog = new List<LoadConnection>(connectionCount);
        var pacer = new SendPacer(_options.SpinWindow);
        SendPacer.PrepareThread();

        int next = 0;
        while (next < count && !_stopSender)
        {
            long nowNs = _clock.NowNs();
            if (nowNs >= _deadlineNs)
            {
                break;
            }

            long aheadNs = offsets[next] - nowNs;
            if (aheadNs > 0)
            {
                Flush(toFlush, backlog);
                pacer.WaitStep(aheadNs);
                continue;
            }

            int end = next;
            while (end < count && end - next < MaxBatch && offsets[end] <= nowNs)
            {
                LoadConnection connection = _connections[end % connectionCount];
                if (connection.TryAppend(_writer, end, isGet[end], keys[end]))
                {
                    if (end >= firstMeasured)
                    {
                        _sentMeasured++;
                        _sendLag.RecordValue(Math.Clamp(nowNs - offsets[end], 0, _highestTrackableNs));
                    }

                    if (!connection.QueuedForFlush)
                    {
                        connection.QueuedForFlush = true;
                        toFlush.Add(connection);
                    }
                }

                end++;
            }

            next = end;
            Volatile.Write(ref _senderPosition, next);
            Flush(toFlush, backlog);
        }

        // Everything is written to the buffers; push out what full socket buffers held back.
        while (backlog.Count > 0 && !_stopSender && _clock.NowNs() < _deadlineNs)
        {
            Flush(toFlush, backlog);
            if (backlog.Count > 0)
            {
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>
    /// Flushes the connections written to since the last flush and those whose socket buffer was
    /// full last time; the ones still holding bytes go (back) on the backlog.
    /// </summary>
    private static void Flush(List<LoadConnection> toFlush, List<LoadConnection> backlog)
    {
        toFlush.AddRange(backlog);
        backlog.Clear();
        foreach (LoadConnection connection in toFlush)
        {
            connection.Flush();
            if (connection.HasPendingBytes && !connection.IsFaulted)
            {
                backlog.Add(connection);
            }
            else
            {
                connection.QueuedForFlush = false;
            }
        }

        toFlush.Clear();
    }

    private bool AllAnswered()
    {
        foreach (LoadConnection connection in _connections)
        {
            if (!connection.IsFaulted && connection.Answered < connection.Appended)
            {
                return false;
            }
        }

        return true;
    }

    private bool AllFaulted()
    {
        foreach (LoadConnection connection in _connections)
        {
            if (!connection.IsFaulted)
            {
                return false;
            }
        }

        return true;
    }

    private LoadProgress Snapshot(long nowNs)
    {
        long sent = 0;
        long answered = 0;
        foreach (LoadConnection connection in _connections)
        {
            sent += connection.Appended;
            answered += connection.Answered;
        }

        return new LoadProgress(
            _options.Rate, _schedule.Count, sent, answered, TimeSpan.FromTicks(nowNs / 100), _options.Warmup + _options.Duration);
    }

    private LoadResult BuildResult(long preloaded)
    {
        long senderEnd = Volatile.Read(ref _senderPosition);
        long firstMeasured = _schedule.FirstMeasured;
        LongHistogram latency = LatencyHistograms.Create(_options.HighestTrackableLatency);
        long hits = 0, misses = 0, stores = 0, errors = 0, timeouts = 0, unsent = 0, withinLimit = 0, lastCompletionNs = 0;
        foreach (LoadConnection connection in _connections)
        {
            latency.Add(connection.Histogram);
            hits += connection.Hits;
            misses += connection.Misses;
            stores += connection.Stores;
            errors += connection.ErrorReplies;
            withinLimit += connection.WithinGoodputLimit;
            lastCompletionNs = Math.Max(lastCompletionNs, connection.LastCompletionNs);

            // A failed connection takes no more requests: everything of its own from the first
            // unanswered one on is lost. A live one timed out what it sent and never got what the
            // sender did not reach.
            long firstUnanswered = Math.Max(firstMeasured, connection.FirstUnanswered);
            if (connection.IsFaulted)
            {
                errors += connection.CountOwned(firstUnanswered, _schedule.Count);
            }
            else
            {
                timeouts += connection.CountOwned(firstUnanswered, senderEnd);
                unsent += connection.CountOwned(Math.Max(firstMeasured, senderEnd), _schedule.Count);
            }
        }

        timeouts += unsent;
        long completed = hits + misses + stores;
        TimeSpan elapsed = TimeSpan.FromTicks(Math.Max(
            _options.Duration.Ticks, (lastCompletionNs - _warmupNs) / (1_000_000_000 / TimeSpan.TicksPerSecond)));
        double seconds = elapsed.TotalSeconds;
        double cpuSeconds = (Environment.CpuUsage.TotalTime - _cpuAtStart).TotalSeconds;
        double runSeconds = _clock.NowNs() / 1e9;

        return new LoadResult
        {
            Options = _options,
            OfferedRate = _options.Rate,
            Throughput = completed / seconds,
            Goodput = withinLimit / seconds,
            Duration = _options.Duration,
            Elapsed = elapsed,
            Scheduled = _schedule.MeasuredCount,
            Sent = _sentMeasured,
            Completed = completed,
            Hits = hits,
            Misses = misses,
            Stores = stores,
            Errors = errors,
            Timeouts = timeouts,
            Unsent = unsent,
            MeanUs = completed == 0 ? 0 : latency.GetMean() / 1000.0,
            MinUs = completed == 0 ? 0 : MinValue(latency) / 1000.0,
            P50Us = Percentile(latency, 50),
            P90Us = Percentile(latency, 90),
            P99Us = Percentile(latency, 99),
            P999Us = Percentile(latency, 99.9),
            MaxUs = completed == 0 ? 0 : latency.GetMaxValue() / 1000.0,
            SendLagP99Us = Percentile(_sendLag, 99),
            SendLagMaxUs = _sendLag.TotalCount == 0 ? 0 : _sendLag.GetMaxValue() / 1000.0,
            PreloadedKeys = preloaded,
            GeneratorCpuSeconds = cpuSeconds,
            GeneratorCpus = runSeconds > 0 ? cpuSeconds / runSeconds : 0,
            Histogram = HistogramCodec.Encode(latency),
        };
    }

    private static double Percentile(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;

    private static long MinValue(HistogramBase histogram)
    {
        foreach (HistogramIterationValue value in histogram.RecordedValues())
        {
            return histogram.LowestEquivalentValue(value.ValueIteratedTo);
        }

        return 0;
    }

    private async Task<long> PreloadAsync(CancellationToken cancellationToken)
    {
        int keyCount = (int)Math.Round(_options.KeySpace * _options.PreloadFraction);
        if (keyCount == 0)
        {
            return 0;
        }

        // Waits in poll(2), one connection per pool thread (see LoadConnection.Connect for why not asynchronous calls).
        long[] stored = await Task.WhenAll(_connections.Select(
            c => Task.Run(() => c.Preload(_writer, keyCount, cancellationToken), cancellationToken))).ConfigureAwait(false);
        return stored.Sum();
    }

    private async Task<LoadConnection[]> ConnectAllAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        int count = _options.Connections;
        var attempts = new Task<LoadConnection>[count];
        for (int i = 0; i < count; i++)
        {
            int index = i;
            attempts[i] = Task.Run(
                () => LoadConnection.Connect(endPoint, index, count, _options.HighestTrackableLatency, _options.SetupTimeout), cancellationToken);
        }

        try
        {
            return await Task.WhenAll(attempts).ConfigureAwait(false);
        }
        catch
        {
            foreach (Task<LoadConnection> attempt in attempts)
            {
                if (attempt.IsCompletedSuccessfully)
                {
                    attempt.Result.Dispose();
                }
            }

            throw;
        }
    }

    private static async Task<IPEndPoint> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            return new IPEndPoint(address, port);
        }

        IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        IPAddress? chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        return chosen is null
            ? throw new SocketException((int)SocketError.HostNotFound)
            : new IPEndPoint(chosen, port);
    }
}
