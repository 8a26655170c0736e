using RainForest.Bench.Contracts;

namespace RainForest.Bench.Load.Tests;

public class LoadWindowTests
{
    [Fact]
    public async Task RunAsync_Windows_OnePerIntervalCoveringEveryMeasuredReply()
    {
        await using var server = new FakeMemcachedServer { Delay = TimeSpan.FromMilliseconds(1) };
        List<LoadWindow> windows = [];
        var options = new LoadOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            Connections = 4,
            KeySpace = 1000,
            ValueSize = 32,
            Warmup = TimeSpan.FromMilliseconds(200),
            RateProfile = new RateProfile([new RatePoint(0, 200), new RatePoint(1.5, 2000)]),
            Duration = TimeSpan.FromSeconds(1.5),
            WindowInterval = TimeSpan.FromMilliseconds(250),
            Seed = 1,
        };

        var result = await LoadGenerator.RunAsync(options, null, windows.Add);

        // Six whole windows of the trace, perhaps a short one for replies that came in while the run drained.
        Assert.InRange(windows.Count, 6, 7);
        Assert.Equal(Enumerable.Range(0, windows.Count), windows.Select(w => w.Index));
        Assert.All(windows.Take(6), w => Assert.Equal(0.25, w.EndSeconds - w.StartSeconds, 6));
        Assert.Equal(result.Scheduled, windows.Sum(w => w.Offered));
        Assert.Equal(result.Completed, windows.Sum(w => w.Completed));

        // The offered load ramps up from window to window, and each window's own histogram holds its replies.
        Assert.True(windows[5].Offered > 3 * windows[0].Offered, $"{windows[0].Offered} then {windows[5].Offered}");
        Assert.All(windows.Where(w => w.Completed > 0), w =>
        {
            Assert.Equal(w.Completed, HistogramCodec.Decode(w.Histogram).TotalCount);
            Assert.True(w.P50Us >= 990 && w.P50Us <= w.P99Us && w.P99Us <= w.P999Us && w.P999Us <= w.MaxUs, $"{w}");
        });
    }
}
