using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RainForest.Bench.Load.Tests;

/// <summary>
/// The generator against a real memcached (Debian package <c>memcached</c>, which CI installs).
/// Each test starts its own server on a free loopback port and stops only that process.
/// </summary>
public sealed class MemcachedIntegrationTests : IDisposable
{
    private const string MemcachedPath = "/usr/bin/memcached";

    private readonly Process? _memcached;
    private readonly int _port;

    public MemcachedIntegrationTests()
    {
        if (!File.Exists(MemcachedPath))
        {
            return;
        }

        _port = FreeLoopbackPort();

        // -U 0: no UDP; -t 1: one worker thread; -u nobody: memcached refuses to run as root
        // without -u (and ignores it when not root).
        var start = new ProcessStartInfo(MemcachedPath)
        {
            ArgumentList = { "-l", "127.0.0.1", "-p", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "0", "-t", "1", "-m", "64", "-u", "nobody" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _memcached = Process.Start(start) ?? throw new InvalidOperationException("memcached did not start.");
        try
        {
            WaitUntilListening(_port, TimeSpan.FromSeconds(5));
        }
        catch
        {
            // xunit does not dispose a test class whose constructor threw.
            Dispose();
            throw;
        }
    }

    [Fact]
    public async Task RunAsync_RealMemcachedPreloaded_EveryRequestAnsweredAndEveryGetHits()
    {
        if (_memcached is null)
        {
            // Not installed: nothing to test against. CI installs the memcached package.
            return;
        }

        LoadResult result = await LoadGenerator.RunAsync(Preloaded(5000, TimeSpan.FromMilliseconds(800)) with { ValueSize = 100, GetRatio = 0.9 });

        Assert.Equal(2000, result.PreloadedKeys);
        Assert.Equal(0, result.Errors);
        Assert.Equal(0, result.Timeouts);
        Assert.Equal(result.Scheduled, result.Completed);
        Assert.Equal(0, result.Misses);
        Assert.InRange(result.Hits, result.Scheduled * 0.85, result.Scheduled * 0.95);
        Assert.Equal(result.Scheduled - result.Hits, result.Stores);
        Assert.True(result.P50Us > 0 && result.P50Us < 100_000, $"p50 {result.P50Us} us");
    }

    [Fact]
    public async Task RunAsync_RealMemcached_RepliesDoNotGoThroughTheThreadPool()
    {
        if (_memcached is null)
        {
            return;
        }

        // rf-loadgen shares two cores with the service it measures: a hop through the pool per reply (and its spinning
        // workers) once cost more CPU than memcached itself. Replies are read on the receiver's own thread; what is
        // left on the pool is the coordinator's 5 ms poll, a few hundred items a second whatever the rate.
        long before = ThreadPool.CompletedWorkItemCount;
        LoadResult result = await LoadGenerator.RunAsync(Preloaded(8000, TimeSpan.FromSeconds(1)));
        long poolItems = ThreadPool.CompletedWorkItemCount - before;

        Assert.Equal(result.Scheduled, result.Completed);
        Assert.True(poolItems < result.Scheduled / 4, $"{poolItems} thread-pool work items for {result.Scheduled} requests");

        // The run's CPU time is the process's (here the test host's too): more than nothing, at most every CPU.
        Assert.InRange(result.GeneratorCpuSeconds, 1e-6, Environment.ProcessorCount * 10.0);
        Assert.InRange(result.GeneratorCpus, 1e-6, Environment.ProcessorCount);
    }

    public void Dispose()
    {
        if (_memcached is null)
        {
            return;
        }

        if (!_memcached.HasExited)
        {
            _memcached.Kill();
            _memcached.WaitForExit(5000);
        }

        _memcached.Dispose();
    }

    /// <summary>A run against this test's memcached: 8 connections, 2,000 keys all preloaded, 200 ms of warm-up.</summary>
    private LoadOptions Preloaded(double rate, TimeSpan duration) => new()
    {
        Port = _port,
        Rate = rate,
        Warmup = TimeSpan.FromMilliseconds(200),
        Duration = duration,
        Connections = 8,
        KeySpace = 2000,
        PreloadFraction = 1,
    };

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private void WaitUntilListening(int port, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (stopwatch.Elapsed < timeout && !_memcached!.HasExited)
            {
                Thread.Sleep(20);
            }
        }
    }
}
