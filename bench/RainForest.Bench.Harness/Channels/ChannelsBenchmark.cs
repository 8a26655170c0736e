using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using RainForest.Bench.Contracts;
using RainForest.Bench.Harness.Programs;
using RainForest.Bench.Harness.Systems;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor;
using RainForest.Supervisor.Channels;

namespace RainForest.Bench.Harness.Channels;

/// <summary>
/// <c>rfm bench channels</c>: one-way latency and throughput of FICM between two subOSes on different
/// CPUs, spinning and sleeping, beside a Unix socket, a pipe and TCP over loopback between two host
/// processes pinned to the same CPUs; and iperf3 over RFloop against the host's loopback.
/// </summary>
public sealed class ChannelsBenchmark
{
    private static readonly int[] s_sizes = [64, 1024, 16384];
    private readonly RainForestSupervisor _supervisor;
    private readonly string _tool;
    private readonly bool _quick;
    private readonly Action<string> _progress;

    /// <summary>Creates the benchmark; <paramref name="tool"/> is the rf-ipc-bench binary.</summary>
    public ChannelsBenchmark(RainForestSupervisor supervisor, string tool, bool quick, Action<string> progress)
    {
        _supervisor = supervisor;
        _tool = tool;
        _quick = quick;
        _progress = progress;
    }

    private int Count => _quick ? 5_000 : 50_000;

    private int Burst => _quick ? 50_000 : 500_000;

    private int IperfSeconds => _quick ? 2 : 10;

    /// <summary>Runs everything; the subOSes and channels it makes are named bench-ch-* and removed again.</summary>
    public ChannelsReport Run()
    {
        var free = SupervisorQueries.FreeCpus(_supervisor);
        if (free.Count < 2)
        {
            throw RfException.Invalid($"bench channels needs 2 free CPUs ({free.Count} free; rfm init --reserve-cpus \"\" on a 2-CPU machine)");
        }

        var sender = free.First;
        var receiver = free.Except(CpuSet.Of(sender)).First;
        var results = new List<ChannelsResult>();
        foreach (var transport in (IpcTransport[])[IpcTransport.Unix, IpcTransport.Pipe, IpcTransport.Tcp])
        {
            foreach (var size in s_sizes)
            {
                _progress($"host {transport.ToName()} {size} B");
                results.Add(RunHostPair(transport, size, sender, receiver));
            }
        }

        var iperf = new List<IperfResult>();
        if (File.Exists("/usr/bin/iperf3"))
        {
            _progress("iperf3 over loopback");
            iperf.Add(new IperfResult("host loopback", HostIperf(sender, receiver)));
        }

        CreateCell("bench-ch-tx", sender);
        CreateCell("bench-ch-rx", receiver);
        try
        {
            foreach (var wait in (IpcWait[])[IpcWait.Spin, IpcWait.Sleep])
            {
                foreach (var size in s_sizes)
                {
                    _progress($"cell ficm {wait.ToName()} {size} B");
                    results.Add(RunCellPair(wait, size));
                }
            }

            if (File.Exists("/usr/bin/iperf3"))
            {
                _progress("iperf3 over RFloop");
                iperf.Add(new IperfResult("cell RFloop", CellIperf()));
            }
        }
        finally
        {
            foreach (var channel in _supervisor.Channels().Where(c => c.Name == "bench-ch"))
            {
                _supervisor.DestroyChannel(channel.Name);
            }

            _supervisor.Destroy("bench-ch-tx");
            _supervisor.Destroy("bench-ch-rx");
        }

        return new ChannelsReport { Quick = _quick, Messages = results, Iperf = iperf };
    }

    private void CreateCell(string name, int cpu) =>
        _supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse($"{cpu}-{cpu}", false), Memory = ByteSize.Parse("512M"), Net = Supervisor.Network.NetMode.Loop });

    private ChannelsResult RunHostPair(IpcTransport transport, int size, int senderCpu, int receiverCpu)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var endpoint = transport switch
        {
            IpcTransport.Unix => $"/tmp/rf-ipc-{id}.sock",
            IpcTransport.Pipe => $"/tmp/rf-ipc-{id}.fifo",
            _ => $"127.0.0.1:{FreePort()}",
        };
        try
        {
            using var receiver = StartPinned(receiverCpu, _tool, ["recv", .. Arguments(transport, endpoint, size, IpcWait.Block)]);
            var output = receiver.StandardOutput.ReadToEndAsync();
            Thread.Sleep(300);
            using var sender = StartPinned(senderCpu, _tool, ["send", .. Arguments(transport, endpoint, size, IpcWait.Block)]);
            sender.WaitForExit();
            receiver.WaitForExit();
            return Parse("host", output.GetAwaiter().GetResult());
        }
        finally
        {
            File.Delete(endpoint);
        }
    }

    private ChannelsResult RunCellPair(IpcWait wait, int size)
    {
        foreach (var stale in _supervisor.Channels().Where(c => c.Name == "bench-ch"))
        {
            _supervisor.DestroyChannel(stale.Name);
        }

        _supervisor.CreateChannel(new ChannelOptions { Name = "bench-ch", Members = ["bench-ch-tx", "bench-ch-rx"], Slots = 4096, MaxMessage = 16384 });
        var args = Arguments(IpcTransport.Ficm, "/run/rainforest/channels/bench-ch", size, wait);
        var tool = SupervisorQueries.InsidePath(_tool);
        var receiving = Task.Run(() => Capture("bench-ch-rx", [tool, "recv", .. args]));
        Thread.Sleep(300);
        var (sent, _) = Capture("bench-ch-tx", [tool, "send", .. args]);
        var (code, output) = receiving.GetAwaiter().GetResult();
        if (sent != 0 || code != 0)
        {
            throw RfException.Failed($"rf-ipc-bench in the subOSes failed (sender {sent}, receiver {code})");
        }

        return Parse("cell", output);
    }

    private string[] Arguments(IpcTransport transport, string endpoint, int size, IpcWait wait) =>
    [
        "--transport", transport.ToName(), "--endpoint", endpoint, "--size", size.ToString(CultureInfo.InvariantCulture), "--wait", wait.ToName(),
        "--count", Count.ToString(CultureInfo.InvariantCulture), "--burst", (size >= 16384 ? Burst / 10 : Burst).ToString(CultureInfo.InvariantCulture),
    ];

    private double HostIperf(int senderCpu, int receiverCpu)
    {
        var port = FreePort().ToString(CultureInfo.InvariantCulture);
        using var server = StartPinned(receiverCpu, "/usr/bin/iperf3", ["-s", "-1", "-B", "127.0.0.1", "-p", port]);
        Thread.Sleep(300);
        using var client = StartPinned(senderCpu, "/usr/bin/iperf3", ["-c", "127.0.0.1", "-p", port, "-t", IperfSeconds.ToString(CultureInfo.InvariantCulture), "-J"]);
        var json = client.StandardOutput.ReadToEnd();
        client.WaitForExit();
        server.WaitForExit(5000);
        return Iperf3Report.Gbits(json) ?? throw RfException.Failed($"iperf3 over loopback printed no result: {Printable.Escape(json, 200)}");
    }

    private double CellIperf()
    {
        var server = Task.Run(() => Capture("bench-ch-rx", ["/usr/bin/iperf3", "-s", "-1", "-p", "5201"]));
        Thread.Sleep(500);
        var (code, json) = Capture("bench-ch-tx", ["/usr/bin/iperf3", "-c", "bench-ch-rx.rf", "-p", "5201", "-t", IperfSeconds.ToString(CultureInfo.InvariantCulture), "-J"]);
        server.Wait(TimeSpan.FromSeconds(10));
        return code == 0 && Iperf3Report.Gbits(json) is { } gbits ? gbits : throw RfException.Failed($"iperf3 over RFloop failed ({code})");
    }

    private (int Code, string Output) Capture(string subOs, string[] argv) =>
        ExecClient.RunCaptured(_supervisor.AgentSocket(subOs), argv);

    private static Process StartPinned(int cpu, string program, string[] args)
    {
        var start = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(cpu.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw RfException.Failed("cannot start taskset");
    }

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

        return new ChannelsResult(system, r.Transport, r.Wait, r.Size, r.P50Ns / 1000.0, r.P99Ns / 1000.0, r.P999Ns / 1000.0, r.ThroughputPerSecond, r.Messages);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
