using RainForest.Bench.Contracts;
using RainForest.Bench.Worker;
using RainForest.Core;

namespace RainForest.Bench.Tests.Worker;

public class MicroBenchmarkTests
{
    private static readonly TimeSpan s_short = TimeSpan.FromMilliseconds(150);

    [Theory]
    [InlineData(MicroOp.Mmap)]
    [InlineData(MicroOp.MmapAnon)]
    [InlineData(MicroOp.Malloc)]
    [InlineData(MicroOp.OpenClose)]
    [InlineData(MicroOp.PageFault)]
    public void Run_EachOp_ProducesSaneResult(MicroOp op)
    {
        using var temp = new TempDirectory();
        var result = MicroBenchmark.Run(new MicroOptions
        {
            Op = op,
            Duration = s_short,
            SizeBytes = 16L << 20,
            TempDirectory = temp.Path,
        });

        Assert.Equal(op.ToName(), result.Op);
        Assert.True(result.Ops > 0);
        Assert.True(result.Seconds >= s_short.TotalSeconds, $"stopped early after {result.Seconds} s");
        Assert.True(result.OpsPerSecond > 0);
        Assert.True(result.MinNs <= result.P50Ns);
        Assert.True(result.P50Ns <= result.P90Ns);
        Assert.True(result.P90Ns <= result.P99Ns);
        Assert.True(result.P99Ns <= result.P999Ns);
        Assert.True(result.P999Ns <= result.MaxNs);
        Assert.InRange(result.MeanNs, result.MinNs, result.MaxNs);
        Assert.Equal("ns", result.Unit);
        Assert.Equal(Environment.ProcessId, result.Pid);

        var histogram = HistogramCodec.Decode(result.Histogram);
        Assert.Equal(result.Ops, histogram.TotalCount);
        Assert.Equal(result.P99Ns, histogram.GetValueAtPercentile(99));

        var allowed = CpuSet.Parse(result.AllowedCpus);
        Assert.Equal(allowed.Count, result.AllowedCpuCount);
        Assert.Contains(result.CpuAtStart, allowed);
        Assert.Contains(result.CpuAtEnd, allowed);

        // Whatever the op made in the temp directory is gone when it returns.
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Run_ExistingFile_UsesItAndLeavesIt()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("existing");
        File.WriteAllBytes(file, new byte[8192]);

        var result = MicroBenchmark.Run(new MicroOptions { Op = MicroOp.OpenClose, Duration = s_short, FilePath = file });

        Assert.Equal(file, result.Path);
        Assert.True(result.Ops > 0);
        Assert.True(File.Exists(file));
        Assert.Equal(8192, new FileInfo(file).Length);
    }

    [Fact]
    public void Run_StartAt_DoesNotMeasureBeforeTheBarrier()
    {
        using var temp = new TempDirectory();
        var startAt = DateTimeOffset.UtcNow.AddMilliseconds(300);
        startAt = DateTimeOffset.FromUnixTimeMilliseconds(startAt.ToUnixTimeMilliseconds());

        var result = MicroBenchmark.Run(new MicroOptions
        {
            Op = MicroOp.OpenClose,
            Duration = TimeSpan.FromMilliseconds(50),
            TempDirectory = temp.Path,
            StartAt = startAt,
        });

        Assert.True(result.StartedUtc >= startAt, $"started {result.StartedUtc:O}, barrier {startAt:O}");
        Assert.Equal(startAt.ToUnixTimeMilliseconds(), result.StartAtUnixMs);
        Assert.True(result.StartLagMs >= 0);
    }

    [Fact]
    public void Run_Warmup_IsNotPartOfTheMeasuredTime()
    {
        var result = MicroBenchmark.Run(new MicroOptions
        {
            Op = MicroOp.MmapAnon,
            Duration = TimeSpan.FromMilliseconds(20),
            Warmup = TimeSpan.FromMilliseconds(500),
        });

        Assert.Equal(0.5, result.WarmupSeconds, 6);
        Assert.Equal(result.Ops, HistogramCodec.Decode(result.Histogram).TotalCount);

        // Had the warm-up been recorded, the measured span would cover its 500 ms; one op takes microseconds.
        Assert.True(result.Seconds < 0.5, $"measured {result.Seconds} s");
    }

    [Fact]
    public void Run_StartAtHoursAway_IsInvalidInput()
    {
        var options = new MicroOptions { Op = MicroOp.Malloc, StartAt = DateTimeOffset.UtcNow.AddHours(2) };

        var error = Assert.Throws<RfException>(() => MicroBenchmark.Run(options));

        Assert.Equal(RfException.InvalidInputExitCode, error.ExitCode);
    }

    [Theory]
    [InlineData("always [madvise] never", "madvise")]
    [InlineData("[always] madvise never", "always")]
    [InlineData("always madvise [never]", "never")]
    [InlineData("always madvise never", null)]
    [InlineData(null, null)]
    public void SelectedMode_SysfsModeLine_GivesBracketedChoice(string? line, string? expected) =>
        Assert.Equal(expected, MicroBenchmark.SelectedMode(line));

    [Fact]
    public void AllowedCpus_MatchesProcStatus()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        var expected = CpuSet.Parse(line["Cpus_allowed_list:".Length..].Trim());

        var result = MicroBenchmark.Run(new MicroOptions { Op = MicroOp.MmapAnon, Duration = TimeSpan.FromMilliseconds(20) });

        Assert.Equal(expected.ToString(), result.AllowedCpus);
    }
}
