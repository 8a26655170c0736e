using System.Diagnostics;
using System.Reflection;
using RainForest.Bench.Report;
using RainForest.Bench.Worker;

namespace RainForest.Bench.Tests.Worker;

public class WorkerProcessTests
{
    [Fact]
    public async Task ChildProcess_Json_IsReadableByTheReportModel()
    {
        using var temp = new TempDirectory();
        var dll = Path.Combine(AppContext.BaseDirectory, "rf-bench-worker.dll");
        Assert.True(File.Exists(dll), $"{dll} was not copied next to the tests");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "micro", "--op", "mmap", "--seconds", "0.2", "--size", "16M", "--tmpdir", temp.Path, "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail("the worker did not stop by itself");
        }

        var stdout = await stdoutTask;
        var stderr = await stderrTask;
        Assert.True(process.ExitCode == 0, stderr);
        var result = BenchJson.DeserializeWorker(stdout);
        Assert.Equal("mmap", result.Op);
        Assert.Equal(process.Id, result.Pid);
        Assert.True(result.Ops > 0);
        Assert.True(result.P50Ns <= result.P99Ns && result.P99Ns <= result.MaxNs);
        Assert.Equal(16L << 20, result.SizeBytes);
        Assert.Equal(result.Ops, LatencyHistograms.Decode(result.Histogram).TotalCount);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task ChildProcess_Sigterm_RemovesTheOpenCloseFile()
    {
        using var temp = new TempDirectory();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "rf-bench-worker.dll"), "micro", "--op", "openclose", "--seconds", "60", "--tmpdir", temp.Path })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            using var appear = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (!Directory.EnumerateFiles(temp.Path).Any())
            {
                await Task.Delay(20, appear.Token);
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(exit.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void WorkerResult_HasEveryPropertyOfMicroResult()
    {
        // The worker and the report each declare the document; a property added to one only would be lost.
        static string[] Names(Type t) =>
            [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order(StringComparer.Ordinal)];

        Assert.Equal(Names(typeof(MicroResult)), Names(typeof(WorkerResult)));
    }

    [Fact]
    public void WorkerResult_ReadsMicroResultJson_ValuesMatch()
    {
        var result = MicroBenchmark.Run(new MicroOptions { Op = MicroOp.Malloc, Duration = TimeSpan.FromMilliseconds(30), SizeBytes = 1L << 20, Label = "x" });

        var read = BenchJson.DeserializeWorker(result.ToJson());

        Assert.Equal(result.Op, read.Op);
        Assert.Equal(result.Label, read.Label);
        Assert.Equal(result.Ops, read.Ops);
        Assert.Equal(result.MeanNs, read.MeanNs);
        Assert.Equal(result.P999Ns, read.P999Ns);
        Assert.Equal(result.AllowedCpus, read.AllowedCpus);
        Assert.Equal(result.StartedUtc, read.StartedUtc);
        Assert.Equal(result.Histogram, read.Histogram);
        Assert.Equal(result.TransparentHugePages, read.TransparentHugePages);
    }
}
