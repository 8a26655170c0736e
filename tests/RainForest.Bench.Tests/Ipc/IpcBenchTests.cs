using RainForest.Bench.Contracts;
using RainForest.Bench.Ipc;

namespace RainForest.Bench.Tests.Ipc;

public class IpcBenchTests
{
    [Theory]
    [InlineData("")]
    [InlineData("recv")]
    [InlineData("talk --endpoint /tmp/x")]
    [InlineData("recv --endpoint /tmp/x --transport carrier")]
    [InlineData("send --endpoint /tmp/x --wait often")]
    [InlineData("send --endpoint /tmp/x --size many")]
    [InlineData("recv --endpoint /tmp/x --wait sleep --spin-us -1")]
    [InlineData("recv --endpoint /tmp/x --spin-us slow")]
    public void Run_BadUsage_ExitsTwoWithOneLine(string commandLine)
    {
        var (code, _, stderr) = Capture(() => IpcBench.Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        Assert.Equal(2, code);
        Assert.StartsWith("rf-ipc-bench: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Run_UnixSocketPair_ReceiverPrintsOneResultLine()
    {
        using var temp = new TempDirectory();
        string[] options = ["--transport", "unix", "--endpoint", temp.Combine("s.sock"), "--size", "128", "--warmup", "10", "--count", "200", "--burst", "2000", "--interval-us", "5", "--wait", "block"];

        var (code, stdout, _) = await Task.Run(() => Capture(() =>
        {
            var sender = Task.Run(() => IpcBench.Run(["send", .. options]));
            var received = IpcBench.Run(["recv", .. options]);
            return sender.GetAwaiter().GetResult() == 0 ? received : -1;
        }));

        Assert.Equal(0, code);
        var result = IpcResult.FromJson(stdout.Trim());
        Assert.Equal((IpcTransport.Unix, IpcWait.Block, 128, 200L, 2000L), (result.Transport, result.Wait, result.Size, result.Messages, result.ThroughputMessages));
        Assert.True(result.P50Ns > 0 && result.P50Ns <= result.P99Ns && result.P99Ns <= result.MaxNs);
    }

    [Fact]
    public async Task Run_FutexPair_ReceiverSleepsWithoutPollingAndPrintsOneResultLine()
    {
        using var temp = new TempDirectory();
        var endpoint = temp.Combine("ping.futex");
        string[] options = ["--transport", "futex", "--endpoint", endpoint, "--size", "64", "--warmup", "10", "--count", "200", "--burst", "5000", "--interval-us", "5"];

        var (code, stdout, _) = await Task.Run(() => Capture(() =>
        {
            var received = Task.Run(() => IpcBench.Run(["recv", .. options]));
            var sent = IpcBench.Run(["send", .. options]);
            return sent == 0 ? received.GetAwaiter().GetResult() : -1;
        }));

        Assert.Equal(0, code);
        var result = IpcResult.FromJson(stdout.Trim());
        Assert.Equal((IpcTransport.Futex, IpcWait.Sleep, 64, 200L, 5000L, (double?)0), (result.Transport, result.Wait, result.Size, result.Messages, result.ThroughputMessages, result.SpinUs));
        Assert.True(result.P50Ns > 0 && result.P50Ns <= result.P99Ns && result.P99Ns <= result.MaxNs);

        // The receiver made the shared file and removes it when done.
        Assert.False(File.Exists(endpoint));
    }

    private static (int Code, string Stdout, string Stderr) Capture(Func<int> run)
    {
        lock (ConsoleGate.Lock)
        {
            var (oldOut, oldError) = (Console.Out, Console.Error);
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Console.SetOut(TextWriter.Synchronized(stdout));
            Console.SetError(TextWriter.Synchronized(stderr));
            try
            {
                return (run(), stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }
}
