using System.Diagnostics;
using RainForest.Bench.Contracts;
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
        var result = MicroResult.FromJson(stdout);
        Assert.Equal("mmap", result.Op);
        Assert.Equal(process.Id, result.Pid);
        Assert.True(result.Ops > 0);
        Assert.True(result.P50Ns <= result.P99Ns && result.P99Ns <= result.MaxNs);
        Assert.Equal(16L << 20, result.SizeBytes);
        Assert.Equal(result.Ops, HistogramCodec.Decode(result.Histogram).TotalCount);
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
    public void MicroResult_FromJson_ReadsWhatToJsonWrote()
    {
        var result = MicroBenchmark.Run(new MicroOptions { Op = MicroOp.Malloc, Duration = TimeSpan.FromMilliseconds(30), SizeBytes = 1L << 20, Label = "x" });

        var read = MicroResult.FromJson(result.ToJson());

        Assert.Equal(result with { Notes = read.Notes }, read);
        Assert.Equal(result.Notes, read.Notes);
    }
}
