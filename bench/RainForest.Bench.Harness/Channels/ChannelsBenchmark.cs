using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using RainForest.Bench.Contracts;
using RainForest.Bench.Harness.Programs;
using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Harness.Tools;
using RainForest.Bench.Report;
using RainForest.Core;
using RainForest.Supervisor.Channels;

namespace RainForest.Bench.Harness.Channels;

/// <summary>
/// <c>rfm bench channels</c>: one-way latency and throughput of FICM between two subOSes on different CPUs,
/// spinning and sleeping (with a sweep of the sleeping receiver's spin budget), beside a Unix socket, a pipe,
/// TCP over loopback and a raw futex ping between two host processes pinned to the same CPUs; and iperf3 over
/// RFloop against the host's loopback.
/// </summary>
/// <remarks>
/// Like the paper's experiments it runs in a temporary supervisor of its own (whether or not <c>rfm init</c>
/// ran for the default state directory), installs what it needs as root unless told not to, and removes
/// everything it made when it ends, fails or is cancelled.
/// </remarks>
public sealed class ChannelsBenchmark
{
    /// <summary>The paced messages' gap, µs: every receiver that spins for less than this sleeps before each message.</summary>
    public const double IntervalUs = 20;

    private const string Channel = "bench-ch";
    private const string SenderName = "bench-ch-tx";
    private const string ReceiverName = "bench-ch-rx";
    private static readonly int[] s_sizes = [64, 1024, 16384];

    /// <summary>The sleeping receiver's spin budgets swept at 64 B, µs, beyond the default (1 µs) of the main rows.</summary>
    private static readonly double[] s_spinSweep = [5, 20, 50];

    private readonly BenchSession _session;
    private readonly string _tool;
    private readonly BenchInstance _sender;
    private readonly BenchInstance _receiver;
    private readonly CellSystem _cells;
    private readonly int _steps;
    private int _done;

    private ChannelsBenchmark(BenchSession session, string tool, CellSystem cells, BenchInstance sender, BenchInstance receiver, bool iperf)
    {
        _session = session;
        _tool = tool;
        _cells = cells;
        _sender = sender;
        _receiver = receiver;
        // Host unix, pipe, tcp and futex, cell spin and sleep: six rows per size; then the sweep and the two iperf3 runs.
        _steps = (6 * s_sizes.Length) + s_spinSweep.Length + (iperf ? 2 : 0);
    }

    private int Count => _session.Mode switch
    {
        BenchMode.Smoke => 200,
        BenchMode.Quick => 5_000,
        _ => 50_000,
    };

    private int Burst => _session.Mode switch
    {
        BenchMode.Smoke => 2_000,
        BenchMode.Quick => 50_000,
        _ => 500_000,
    };

    private int IperfSeconds => _session.Mode switch
    {
        BenchMode.Smoke => 1,
        BenchMode.Quick => 2,
        _ => 10,
    };

    private TimeSpan Limit => _session.Mode == BenchMode.Full ? TimeSpan.FromSeconds(180) : TimeSpan.FromSeconds(60);

    private int SenderCpu => _sender.Cpus.First;

    private int ReceiverCpu => _receiver.Cpus.First;

    /// <summary>Runs everything in a temporary supervisor and removes it again.</summary>
    /// <param name="mode">Full; quick (fewer messages and a 2 s iperf3 run); smoke (seconds: checks the plumbing, not the numbers).</param>
    /// <param name="install">Install iperf3 (and taskset, timeout) with apt-get where missing, as root.</param>
    /// <param name="observer">Receives progress and remarks.</param>
    /// <param name="cancellationToken">Stops the run; the supervisor and everything in it is removed before the task ends.</param>
    /// <exception cref="RfException">It could not run (no two free CPUs, a tool missing, a measurement failed).</exception>
    /// <exception cref="OperationCanceledException">It was cancelled.</exception>
    public static async Task<ChannelsReport> RunAsync(BenchMode mode, bool install, IBenchObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var session = new BenchSession(new BenchOptions { Mode = mode, Install = install }, observer, cancellationToken);
        var missing = await session.EnsureAsync([Requirement.Timeout, Requirement.Taskset, Requirement.Iperf3]).ConfigureAwait(false);
        if (missing.FirstOrDefault(r => r != Requirement.Iperf3) is { } needed)
        {
            throw RfException.Failed($"bench channels needs {needed.Command} (Debian package {needed.Package})");
        }

        var iperf = !missing.Contains(Requirement.Iperf3);
        var tool = ToolPaths.Ipc;
        cancellationToken.ThrowIfCancellationRequested();
        using var cells = new CellSystem(session.RunId);
        session.Note(cells.Description);
        if (cells.PartitionableCpus < 2)
        {
            throw RfException.Failed($"bench channels needs 2 CPUs for subOSes of its own and {cells.PartitionableCpus} is free (other supervisors hold the rest)");
        }

        var sender = cells.CreateLoopInstance(SenderName, ByteSize.Parse("512M"));
        var receiver = cells.CreateLoopInstance(ReceiverName, ByteSize.Parse("512M"));
        session.Note($"channels: {SenderName} (CPU {sender.Cpus}) and {ReceiverName} (CPU {receiver.Cpus}), one CPU and 512M each, are joined to RFloop (--net loop) besides their loopback; " +
                     "the host transports run between two host processes pinned to the same two CPUs.");
        var benchmark = new ChannelsBenchmark(session, tool, cells, sender, receiver, iperf);
        return await benchmark.MeasureAsync(iperf).ConfigureAwait(false);
    }

    private async Task<ChannelsReport> MeasureAsync(bool iperf)
    {
        var results = new List<ChannelsResult>();
        var iperfResults = new List<IperfResult>();
        foreach (var transport in (IpcTransport[])[IpcTransport.Unix, IpcTransport.Pipe, IpcTransport.Tcp])
        {
            foreach (var size in s_sizes)
            {
                results.Add(await HostPairAsync(transport, size).ConfigureAwait(false));
            }
        }

        if (iperf)
        {
            iperfResults.Add(new IperfResult("host loopback", await HostIperfAsync().ConfigureAwait(false)));
        }

        foreach (var size in s_sizes)
        {
            results.Add(await CellPairAsync(IpcWait.Spin, size, null).ConfigureAwait(false));
        }

        // The raw futex floor right before the sleeping receiver, so that both see the same machine (it may be shared).
        foreach (var size in s_sizes)
        {
            results.Add(await HostPairAsync(IpcTransport.Futex, size).ConfigureAwait(false));
        }

        foreach (var size in s_sizes)
        {
            results.Add(await CellPairAsync(IpcWait.Sleep, size, null).ConfigureAwait(false));
        }

        foreach (var spin in s_spinSweep)
        {
            results.Add(await CellPairAsync(IpcWait.Sleep, 64, spin).ConfigureAwait(false));
        }

        if (iperf)
        {
            iperfResults.Add(new IperfResult("cell RFloop", await CellIperfAsync().ConfigureAwait(false)));
        }

        return new ChannelsReport
        {
            Quick = _session.Mode != BenchMode.Full,
            Mode = _session.Mode,
            RunId = _session.RunId,
            Messages = results,
            Iperf = iperfResults,
            Cpus = $"sender CPU {SenderCpu}, receiver CPU {ReceiverCpu}",
            IntervalUs = IntervalUs,
            Cgroup = SupervisorQueries.CgroupMode(),
            LoadAverageAtStart = _session.LoadAverageAtStart,
            LoadAverageAtEnd = BenchSession.LoadAverage(),
            Notes = [.. _session.Notes],
        };
    }

    private void Step(string what)
    {
        _session.Cancellation.ThrowIfCancellationRequested();
        _session.Progress($"channels: {what}", (double)_done++ / _steps);
    }

    private async Task<ChannelsResult> HostPairAsync(IpcTransport transport, int size)
    {
        Step($"host {transport.ToName()} {size} B");
        var id = $"{_session.RunId}-{Guid.NewGuid().ToString("N")[..8]}";
        var endpoint = transport switch
        {
            IpcTransport.Unix => $"/tmp/rf-ipc-{id}.sock",
            IpcTransport.Pipe => $"/tmp/rf-ipc-{id}.fifo",
            IpcTransport.Futex => $"/dev/shm/rf-ipc-{id}.futex",
            _ => $"127.0.0.1:{FreePort()}",
        };
        try
        {
            var args = Arguments(transport, endpoint, size, transport == IpcTransport.Futex ? IpcWait.Sleep : IpcWait.Block, null);
            var output = await PairAsync(
                () => HostProcess.Start(new ProgramSpec([_tool, "recv", .. args], Limit), Pinned(ReceiverCpu)),
                () => HostProcess.Start(new ProgramSpec([_tool, "send", .. args], Limit), Pinned(SenderCpu)),
                $"host {transport.ToName()}").ConfigureAwait(false);
            return Parse("host", output);
        }
        finally
        {
            if (transport != IpcTransport.Tcp)
            {
                File.Delete(endpoint);
                File.Delete(endpoint + ".new");
            }
        }
    }

    private async Task<ChannelsResult> CellPairAsync(IpcWait wait, int size, double? spinUs)
    {
        Step($"cell ficm {wait.ToName()} {size} B" + (spinUs is { } s ? $" spin {s} µs" : ""));
        var supervisor = _cells.Supervisor;
        if (supervisor.Channels().Any(c => c.Name == Channel))
        {
            supervisor.DestroyChannel(Channel);
        }

        supervisor.CreateChannel(new ChannelOptions { Name = Channel, Members = [SenderName, ReceiverName], Slots = 4096, MaxMessage = 16384 });
        try
        {
            var args = Arguments(IpcTransport.Ficm, $"/run/rainforest/channels/{Channel}", size, wait, spinUs);
            var output = await PairAsync(
                () => _receiver.Start(new ProgramSpec([_tool, "recv", .. args], Limit)),
                () => _sender.Start(new ProgramSpec([_tool, "send", .. args], Limit)),
                "rf-ipc-bench in the subOSes").ConfigureAwait(false);
            return Parse("cell", output);
        }
        finally
        {
            supervisor.DestroyChannel(Channel);
        }
    }

    /// <summary>Starts the receiver, then the sender; returns the receiver's output (the sender's for iperf3, whose client reports) once both ended well.</summary>
    private async Task<string> PairAsync(Func<RunningProgram> startReceiver, Func<RunningProgram> startSender, string what, bool clientOutput = false)
    {
        var token = _session.Cancellation;
        var receiver = startReceiver();
        RunningProgram? sender = null;
        try
        {
            // The receiver makes the socket, FIFO or futex file and opens the channel before the sender starts.
            await Task.Delay(300, token).ConfigureAwait(false);
            sender = startSender();
            var sent = await sender.WaitAsync(token).ConfigureAwait(false);
            if (sent.ExitCode != 0)
            {
                throw RfException.Failed($"{what}: the sender exited with {sent.ExitCode}: {sent.FirstErrorLine()}");
            }

            var received = await receiver.WaitAsync(token).ConfigureAwait(false);
            if (received.ExitCode != 0)
            {
                throw RfException.Failed($"{what}: the receiver exited with {received.ExitCode}: {received.FirstErrorLine()}");
            }

            return clientOutput ? sent.Stdout : received.Stdout;
        }
        finally
        {
            // After a failure or cancellation neither end is left running (the other may wait for ever).
            await Task.WhenAll(Stop(receiver), Stop(sender)).ConfigureAwait(false);
        }
    }

    private static async Task Stop(RunningProgram? program)
    {
        if (program is { HasExited: false })
        {
            await program.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
    }

    private string[] Arguments(IpcTransport transport, string endpoint, int size, IpcWait wait, double? spinUs)
    {
        string[] args =
        [
            "--transport", transport.ToName(), "--endpoint", endpoint, "--size", size.ToString(CultureInfo.InvariantCulture), "--wait", wait.ToName(),
            "--count", Count.ToString(CultureInfo.InvariantCulture), "--burst", (size >= 16384 ? Burst / 10 : Burst).ToString(CultureInfo.InvariantCulture),
            "--interval-us", IntervalUs.ToString(CultureInfo.InvariantCulture),
        ];
        return spinUs is { } spin ? [.. args, "--spin-us", spin.ToString(CultureInfo.InvariantCulture)] : args;
    }

    private async Task<double> HostIperfAsync()
    {
        Step("iperf3 over loopback");
        var port = FreePort().ToString(CultureInfo.InvariantCulture);
        var json = await PairAsync(
            () => HostProcess.Start(new ProgramSpec(["iperf3", "-s", "-1", "-B", "127.0.0.1", "-p", port], Limit), Pinned(ReceiverCpu)),
            () => HostProcess.Start(new ProgramSpec(["iperf3", "-c", "127.0.0.1", "-p", port, "-t", IperfSeconds.ToString(CultureInfo.InvariantCulture), "-J"], Limit), Pinned(SenderCpu)),
            "iperf3 over loopback",
            clientOutput: true).ConfigureAwait(false);
        return Iperf3Report.Gbits(json) ?? throw RfException.Failed($"iperf3 over loopback printed no result: {Printable.Escape(json, 200)}");
    }

    private async Task<double> CellIperfAsync()
    {
        Step("iperf3 over RFloop");
        var json = await PairAsync(
            () => _receiver.Start(new ProgramSpec(["iperf3", "-s", "-1", "-p", "5201"], Limit)),
            () => _sender.Start(new ProgramSpec(["iperf3", "-c", $"{ReceiverName}.rf", "-p", "5201", "-t", IperfSeconds.ToString(CultureInfo.InvariantCulture), "-J"], Limit)),
            "iperf3 over RFloop",
            clientOutput: true).ConfigureAwait(false);
        return Iperf3Report.Gbits(json) ?? throw RfException.Failed($"iperf3 over RFloop printed no result: {Printable.Escape(json, 200)}");
    }

    private static string[] Pinned(int cpu) => ["taskset", "-c", cpu.ToString(CultureInfo.InvariantCulture)];

    private static ChannelsResult Parse(string system, string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'))
            ?? throw RfException.Failed($"rf-ipc-bench printed no result: {output.Trim()}");
        IpcResult r;
        try
        {
            r = IpcResult.FromJson(line);
        }
        catch (JsonException e)
        {
            throw RfException.Failed($"rf-ipc-bench printed no result ({e.Message}): {line}");
        }

        return new ChannelsResult(system, r.Transport, r.Wait, r.Size, r.P50Ns / 1000.0, r.P99Ns / 1000.0, r.P999Ns / 1000.0, r.ThroughputPerSecond, r.Messages, r.SpinUs);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
