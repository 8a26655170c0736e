using System.Globalization;
using RainForest.Bench.Harness.Programs;
using RainForest.Bench.Harness.Systems;

namespace RainForest.Bench.Harness.Interference;

/// <summary>A stressor running in an instance: its measured program and, for the network, the iperf3 server.</summary>
internal sealed class StressorProcess
{
    private static readonly TimeSpan s_listenTimeout = TimeSpan.FromSeconds(10);
    private readonly Stressor _stressor;
    private readonly RunningProgram _measured;
    private readonly RunningProgram? _server;

    private StressorProcess(Stressor stressor, RunningProgram measured, RunningProgram? server)
    {
        _stressor = stressor;
        _measured = measured;
        _server = server;
    }

    /// <summary>
    /// Starts <paramref name="stressor"/> in <paramref name="instance"/> with one worker (or stream) per CPU of the
    /// instance, to run <paramref name="seconds"/> seconds by itself; <paramref name="limit"/> bounds every program.
    /// </summary>
    public static async Task<StressorProcess> StartAsync(Stressor stressor, BenchInstance instance, int seconds, TimeSpan limit, CancellationToken cancellationToken)
    {
        var n = instance.CpuCount.ToString(CultureInfo.InvariantCulture);
        var time = Math.Max(1, seconds).ToString(CultureInfo.InvariantCulture);
        if (stressor == Stressor.Network)
        {
            var port = NetworkProbe.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
            var server = instance.Start(new ProgramSpec(["iperf3", "-s", "-p", port, "-1"], limit));
            try
            {
                await NetworkProbe.WaitListeningAsync(instance.NetworkNamespacePid, int.Parse(port, CultureInfo.InvariantCulture), server, s_listenTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await server.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                throw;
            }

            var client = instance.Start(new ProgramSpec(["iperf3", "-c", "127.0.0.1", "-p", port, "-t", time, "-P", n, "-J"], limit));
            return new StressorProcess(stressor, client, server);
        }

        // stress-ng's --timeout takes whole seconds, and 0 would mean "run forever".
        List<string> argv = ["stress-ng"];
        argv.AddRange(StressNgArguments(stressor, n, instance.ScratchDirectory));
        argv.AddRange(["--timeout", time, "--metrics-brief"]);
        return new StressorProcess(stressor, instance.Start(new ProgramSpec(argv, limit)), null);
    }

    /// <summary>The stressor's own arguments (without the timeout).</summary>
    internal static IReadOnlyList<string> StressNgArguments(Stressor stressor, string workers, string scratch) => stressor.Name switch
    {
        "cpu" => ["--cpu", workers, "--cpu-method", "matrixprod"],

        // The cache stressor moves itself between CPUs by default; it must stay where the instance put it.
        "cache" => ["--cache", workers, "--cache-no-affinity"],
        "membw" => ["--stream", workers, "--stream-l3-size", "8M"],
        "fileio" => ["--hdd", workers, "--hdd-bytes", "64M", "--temp-path", scratch],
        _ => throw new ArgumentOutOfRangeException(nameof(stressor), stressor.Name, "Not a stress-ng stressor."),
    };

    /// <summary>Waits for the stressor to end by itself and returns its throughput.</summary>
    public async Task<StressorOutcome> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await _measured.WaitAsync(cancellationToken).ConfigureAwait(false);
            return Read(result);
        }
        finally
        {
            await StopServerAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the stressor and returns its throughput until then, when it reports one on SIGTERM (stress-ng does).</summary>
    public async Task<StressorOutcome> StopAsync()
    {
        try
        {
            var result = await _measured.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return result is null ? new StressorOutcome(null, $"{_measured.Name} did not stop") : Read(result, stopped: true);
        }
        finally
        {
            await StopServerAsync().ConfigureAwait(false);
        }
    }

    private StressorOutcome Read(ProgramResult result, bool stopped = false)
    {
        var value = _stressor == Stressor.Network
            ? Iperf3Report.Gbits(result.Stdout)
            : StressNgMetrics.BogoOpsPerSecond(result.Stdout + "\n" + result.Stderr, StressNgName(_stressor));
        if (value is not null && (result.ExitCode == 0 || stopped))
        {
            return new StressorOutcome(value, null);
        }

        return new StressorOutcome(null, $"{_measured.Name} exited with {result.ExitCode}: {result.FirstErrorLine()}");
    }

    private async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
    }

    private static string StressNgName(Stressor stressor) => stressor.Name switch
    {
        "membw" => "stream",
        "fileio" => "hdd",
        _ => stressor.Name,
    };
}
