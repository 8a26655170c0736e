using System.Globalization;
using System.Text.Json;
using RainForest.Bench.Harness.Programs;
using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Harness.Tools;
using RainForest.Bench.Load;

namespace RainForest.Bench.Harness.Colocate;

/// <summary>
/// Runs rf-loadgen on the host against a memcached inside an instance: in the instance's network namespace
/// (nsenter -n) for cells and containers, on the host's loopback for plain Linux.
/// </summary>
internal static class LoadClient
{
    /// <summary>One open-loop run; returns its result, or throws with rf-loadgen's message.</summary>
    /// <exception cref="Core.RfException">rf-loadgen failed or printed no result.</exception>
    public static async Task<LoadResult> RunAsync(BenchInstance instance, int port, double rate, TimeSpan duration, TimeSpan warmup,
        int connections, int keySpace, bool preload, int seed, CancellationToken cancellationToken)
    {
        static string S(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        List<string> argv =
        [
            ToolPaths.Loadgen,
            "--server", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--rate", S(rate),
            "--seconds", S(duration.TotalSeconds),
            "--warmup", S(warmup.TotalSeconds),
            "--drain", "2",
            "--connections", connections.ToString(CultureInfo.InvariantCulture),
            "--key-space", keySpace.ToString(CultureInfo.InvariantCulture),
            "--preload", preload ? "1" : "0",
            "--seed", seed.ToString(CultureInfo.InvariantCulture),

            // Sleep, never spin, between sends: on two cores a spinning sender would take a CPU from the systems measured.
            "--spin-us", "0",
            "--json", "-",
            "--quiet",
        ];
        var limit = duration + warmup + TimeSpan.FromSeconds(60);
        var result = await instance.StartInNetwork(new ProgramSpec(argv, limit)).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Core.RfException.Failed($"rf-loadgen exited with {result.ExitCode}: {result.FirstErrorLine()}");
        }

        try
        {
            return JsonSerializer.Deserialize(result.Stdout, LoadJsonContext.Default.LoadResult)
                ?? throw Core.RfException.Failed("rf-loadgen printed an empty result");
        }
        catch (JsonException e)
        {
            throw Core.RfException.Failed($"rf-loadgen printed no result: {e.Message}");
        }
    }
}
