using System.Diagnostics;

namespace RainForest.Bench.Load.Tests;

public class LoadGeneratorTests
{
    [Fact]
    public async Task RunAsync_ServerDelays2Ms_MedianIsAbout2Ms()
    {
        await using var server = new FakeMemcachedServer { Delay = TimeSpan.FromMilliseconds(2) };
        LoadOptions options = Options(server) with
        {
            Rate = 1000,
            Warmup = TimeSpan.FromMilliseconds(200),
            Duration = TimeSpan.FromMilliseconds(800),
        };

        LoadResult result = await LoadGenerator.RunAsync(options);

        // Latency counts from the intended send time, which is never after the real one, and the
        // server never answers early: below 2 ms is impossible. Above is scheduling noise.
        Assert.InRange(result.P50Us, 2000, 2000 + 15_000);
        Assert.True(result.MinUs >= 1990, $"min {result.MinUs} us");
        Assert.Equal(0, result.Errors);
        Assert.Equal(0, result.Timeouts);
        Assert.Equal(result.Scheduled, result.Completed);
        Assert.Equal(result.Scheduled, result.Sent);
        Assert.InRange(result.Scheduled, 650, 950);
        Assert.Equal(result.Completed, result.DecodeHistogram().TotalCount);
        Assert.Equal(result.Completed, result.Hits + result.Misses + result.Stores);
        Assert.InRange(result.Throughput, 0.6 * 1000, 1.2 * 1000);
        Assert.True(result.P50Us <= result.P90Us && result.P90Us <= result.P99Us && result.P99Us <= result.MaxUs);
    }

    [Fact]
    public async Task RunAsync_ServerStalls200Ms_RequestsIntendedDuringStallShowTheWait()
    {
        const double Rate = 2000;
        var stall = TimeSpan.FromMilliseconds(200);

        // The stall starts 400 ms into the measured window (the warm-up keeps JIT pauses out).
        await using var server = new FakeMemcachedServer { StallAfter = TimeSpan.FromMilliseconds(700), StallFor = stall };
        LoadOptions options = Options(server) with
        {
            Rate = Rate,
            Warmup = TimeSpan.FromMilliseconds(300),
            Duration = TimeSpan.FromSeconds(1),
        };

        LoadResult result = await LoadGenerator.RunAsync(options);

        // A request intended t into the stall is answered at its end: latency = 200 ms - t. So
        // about stall x rate = 400 requests wait at least ~10 ms, and the ones intended in the first
        // half of the stall (about 200) wait at least 100 ms. A closed-loop generator would have
        // stopped sending during the stall and shown one slow request per connection (4).
        long over10Ms = result.CountAtOrAbove(TimeSpan.FromMilliseconds(10));
        long over100Ms = result.CountAtOrAbove(TimeSpan.FromMilliseconds(100));
        double expectedOver10 = (stall.TotalSeconds - 0.010) * Rate;
        double expectedOver100 = (stall.TotalSeconds - 0.100) * Rate;
        Assert.InRange(over100Ms, expectedOver100 / 2, expectedOver100 * 2);
        Assert.True(over100Ms > 10 * options.Connections, $"{over100Ms} requests over 100 ms");

        // Scheduling noise on a busy machine adds requests over 10 ms, never removes them.
        Assert.True(over10Ms >= expectedOver10 / 2, $"{over10Ms} requests over 10 ms");
        Assert.InRange(result.MaxUs, 150_000, 200_000 + 50_000);
        Assert.Equal(0, result.Timeouts);
        Assert.Equal(result.Scheduled, result.Completed);
    }

    [Fact]
    public async Task RunAsync_ServerNeverAnswersAfterStall_EndsAtDrainTimeoutWithTimeouts()
    {
        await using var server = new FakeMemcachedServer
        {
            StallAfter = TimeSpan.FromMilliseconds(200),
            StallFor = TimeSpan.FromMinutes(5),
        };
        LoadOptions options = Options(server) with
        {
            Rate = 1000,
            Duration = TimeSpan.FromMilliseconds(500),
            DrainTimeout = TimeSpan.FromMilliseconds(300),
        };
        var stopwatch = Stopwatch.StartNew();

        LoadResult result = await LoadGenerator.RunAsync(options);

        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"run took {stopwatch.Elapsed}");
        Assert.InRange(result.Timeouts, 150, result.Scheduled);
        Assert.Equal(0, result.Unsent);
        Assert.Equal(0, result.Errors);
        Assert.Equal(result.Scheduled, result.Completed + result.Timeouts);
        Assert.True(result.MaxUs < 250_000, $"max {result.MaxUs} us: only pre-stall requests are timed");
    }

    [Fact]
    public async Task RunAsync_ServerFailsSets_SetsCountAsErrors()
    {
        await using var server = new FakeMemcachedServer { FailSets = true };
        LoadOptions options = Options(server) with { Rate = 2000, Duration = TimeSpan.FromMilliseconds(500), GetRatio = 0.5 };

        LoadResult result = await LoadGenerator.RunAsync(options);

        Assert.Equal(0, result.Stores);
        Assert.Equal(0, result.Hits);
        Assert.Equal(0, result.Timeouts);
        Assert.Equal(result.Scheduled, result.Misses + result.Errors);
        Assert.InRange(result.Errors, result.Scheduled * 0.4, result.Scheduled * 0.6);
        Assert.Equal(result.Misses, result.DecodeHistogram().TotalCount);
    }

    [Fact]
    public async Task RunAsync_ServerClosesConnections_LostRequestsAreErrors()
    {
        await using var server = new FakeMemcachedServer { CloseAfterRequests = 50 };
        LoadOptions options = Options(server) with { Rate = 2000, Duration = TimeSpan.FromMilliseconds(500) };

        LoadResult result = await LoadGenerator.RunAsync(options);

        // Each of the 4 connections answers 49 requests, then drops the rest.
        Assert.Equal(4 * 49, result.Completed);
        Assert.Equal(result.Scheduled - result.Completed, result.Errors);
        Assert.Equal(0, result.Timeouts);
    }

    [Fact]
    public async Task RunAsync_PreloadAll_EveryGetHits()
    {
        await using var server = new FakeMemcachedServer();
        LoadOptions options = Options(server) with
        {
            Rate = 2000,
            Duration = TimeSpan.FromMilliseconds(300),
            GetRatio = 1,
            KeySpace = 500,
            PreloadFraction = 1,
        };

        LoadResult result = await LoadGenerator.RunAsync(options);

        Assert.Equal(500, result.PreloadedKeys);
        Assert.Equal(result.Scheduled, result.Hits);
        Assert.Equal(0, result.Misses);
    }

    [Fact]
    public async Task RunAsync_WithProgress_ReportsUntilEverythingCompleted()
    {
        await using var server = new FakeMemcachedServer();
        LoadOptions options = Options(server) with
        {
            Rate = 2000,
            Duration = TimeSpan.FromMilliseconds(400),
            ProgressInterval = TimeSpan.FromMilliseconds(50),
        };
        var reports = new List<LoadProgress>();

        LoadResult result = await LoadGenerator.RunAsync(options, new SynchronousProgress(reports));

        Assert.True(reports.Count >= 4, string.Join("; ", reports));
        Assert.All(reports, r => Assert.Equal(2000, r.OfferedRate));
        Assert.Equal(result.Scheduled, reports[^1].Scheduled);
        Assert.Equal(result.Scheduled, reports[^1].Sent);
        Assert.Equal(result.Scheduled, reports[^1].Completed);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Completed <= p.Second.Completed));
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsOperationCanceled()
    {
        await using var server = new FakeMemcachedServer();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => LoadGenerator.RunAsync(Options(server) with { Duration = TimeSpan.FromSeconds(30) }, null, cancellation.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_NothingListening_ThrowsSocketException()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(
            () => LoadGenerator.RunAsync(new LoadOptions { Port = port, Connections = 2, Duration = TimeSpan.FromSeconds(1) }));
    }

    private static LoadOptions Options(FakeMemcachedServer server) => new()
    {
        Host = "127.0.0.1",
        Port = server.Port,
        Connections = 4,
        KeySpace = 1000,
        ValueSize = 32,
        DrainTimeout = TimeSpan.FromSeconds(2),
        Warmup = TimeSpan.Zero,
        Seed = 1,
    };

    /// <summary>Records reports on the reporting thread, in order (Progress&lt;T&gt; posts them asynchronously).</summary>
    private sealed class SynchronousProgress(List<LoadProgress> reports) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => reports.Add(value);
    }
}
