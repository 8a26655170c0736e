using System.Diagnostics;
using HdrHistogram;
using RainForest.Bench.Contracts;
using RainForest.Bench.Worker.Operations;
using RainForest.Core;
using RainForest.Linux;

namespace RainForest.Bench.Worker;

/// <summary>Runs one micro-benchmark in the calling process and returns its result.</summary>
public static class MicroBenchmark
{
    /// <summary>
    /// Sets the op up, warms it up, waits for the start barrier, measures for <see cref="MicroOptions.Duration"/>
    /// and cleans up (removing any file it made, also when a call fails).
    /// </summary>
    /// <exception cref="RfException">The options are invalid (exit code 2).</exception>
    /// <exception cref="NativeCallException">A system call failed while measuring.</exception>
    public static MicroResult Run(MicroOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(DateTimeOffset.UtcNow);

        var timerOverheadNs = LatencyRecorder.MeasureTimerOverheadNs();
        using var operation = MicroOperation.Create(options);

        if (options.Warmup > TimeSpan.Zero)
        {
            operation.Run(Stopwatch.GetTimestamp() + ToTicks(options.Warmup), new LatencyRecorder());
        }

        double? startLagMs = null;
        if (options.StartAt is { } startAt)
        {
            WaitUntil(startAt);
            startLagMs = Math.Max(0, (DateTimeOffset.UtcNow - startAt).TotalMilliseconds);
        }

        var allowed = Affinity.Get();
        var cpuAtStart = ProcessPlacement.CurrentCpu();
        var startedUtc = DateTimeOffset.UtcNow;
        var recorder = new LatencyRecorder();
        var start = Stopwatch.GetTimestamp();
        operation.Run(start + ToTicks(options.Duration), recorder);
        var end = Stopwatch.GetTimestamp();
        var endedUtc = DateTimeOffset.UtcNow;
        var cpuAtEnd = ProcessPlacement.CurrentCpu();

        var histogram = recorder.Histogram;
        var seconds = LatencyRecorder.TicksToNanoseconds(end - start) / 1e9;
        return new MicroResult
        {
            Op = options.Op.ToName(),
            Label = options.Label,
            Seconds = seconds,
            WarmupSeconds = options.Warmup.TotalSeconds,
            Ops = recorder.Count,
            OpsPerSecond = seconds > 0 ? recorder.Count / seconds : 0,
            MeanNs = recorder.Count > 0 ? recorder.SumNs / recorder.Count : 0,
            StdDevNs = histogram.GetStdDeviation(),
            MinNs = recorder.Count > 0 ? recorder.MinNs : 0,
            P50Ns = histogram.GetValueAtPercentile(50),
            P90Ns = histogram.GetValueAtPercentile(90),
            P99Ns = histogram.GetValueAtPercentile(99),
            P999Ns = histogram.GetValueAtPercentile(99.9),
            MaxNs = histogram.GetMaxValue(),
            SizeBytes = options.Op == MicroOp.OpenClose ? null : options.SizeBytes,
            Path = operation.FilePath,
            CpuAtStart = cpuAtStart,
            CpuAtEnd = cpuAtEnd,
            AllowedCpus = allowed.ToString(),
            AllowedCpuCount = allowed.Count,
            Pid = Environment.ProcessId,
            Hostname = Environment.MachineName,
            Kernel = ReadProcFile("/proc/sys/kernel/osrelease"),
            Cgroup = ReadProcFile("/proc/self/cgroup"),
            TransparentHugePages = SelectedMode(ReadProcFile("/sys/kernel/mm/transparent_hugepage/enabled")),
            StartedUtc = startedUtc,
            EndedUtc = endedUtc,
            StartAtUnixMs = options.StartAt?.ToUnixTimeMilliseconds(),
            StartLagMs = startLagMs,
            TimerOverheadNs = timerOverheadNs,
            ClampedOps = recorder.Clamped,
            Histogram = HistogramCodec.Encode(histogram),
            Notes = [.. operation.Notes],
        };
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static void WaitUntil(DateTimeOffset instant)
    {
        // Sleep most of the way, then spin the last couple of milliseconds: Sleep wakes up to a timer slack
        // late, and workers meant to start together should start within microseconds of each other.
        while (true)
        {
            var remaining = instant - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            if (remaining > TimeSpan.FromMilliseconds(3))
            {
                Thread.Sleep(remaining - TimeSpan.FromMilliseconds(2));
            }
            else
            {
                Thread.SpinWait(64);
            }
        }
    }

    /// <summary>The bracketed choice in a sysfs mode file such as <c>always [madvise] never</c>.</summary>
    internal static string? SelectedMode(string? modes)
    {
        var open = modes?.IndexOf('[') ?? -1;
        var close = open >= 0 ? modes!.IndexOf(']', open) : -1;
        return close > open + 1 ? modes![(open + 1)..close] : null;
    }

    private static string? ReadProcFile(string path)
    {
        try
        {
            var lines = File.ReadAllLines(path).Where(l => l.Length > 0);
            return string.Join(';', lines);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
