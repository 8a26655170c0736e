using System.Globalization;
using RainForest.Bench.Harness.Programs;
using RainForest.Bench.Harness.Systems;

namespace RainForest.Bench.Harness.Colocate;

/// <summary>A memcached server inside an instance, on its loopback, with one thread per CPU of the instance.</summary>
internal sealed class MemcachedServer
{
    private readonly RunningProgram _program;

    private MemcachedServer(RunningProgram program, int port)
    {
        _program = program;
        Port = port;
    }

    /// <summary>Its TCP port, on 127.0.0.1 of the instance's network namespace.</summary>
    public int Port { get; }

    /// <summary>Starts memcached and waits until it listens.</summary>
    /// <param name="instance">Where it runs.</param>
    /// <param name="limit">The longest it may run.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <param name="threads">Its worker threads; null for one per CPU of the instance (an instance that may grow needs more).</param>
    public static async Task<MemcachedServer> StartAsync(BenchInstance instance, TimeSpan limit, CancellationToken cancellationToken, int? threads = null)
    {
        var port = NetworkProbe.FreeLoopbackPort();

        // -U 0: no UDP; -u nobody: memcached refuses to run as root without it.
        var program = instance.Start(new ProgramSpec(
        [
            "memcached", "-l", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "0",
            "-t", (threads ?? instance.CpuCount).ToString(CultureInfo.InvariantCulture), "-m", ColocateSettings.MemcachedMegabytes.ToString(CultureInfo.InvariantCulture),
            "-c", "4096", "-u", "nobody",
        ], limit));
        try
        {
            await NetworkProbe.WaitListeningAsync(instance.NetworkNamespacePid, port, program, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await program.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            throw;
        }

        return new MemcachedServer(program, port);
    }

    /// <summary>Stops it.</summary>
    public Task StopAsync() => _program.StopAsync(TimeSpan.FromSeconds(5));
}
