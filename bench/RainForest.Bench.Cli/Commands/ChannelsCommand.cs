using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RainForest.Bench.Contracts;
using RainForest.Bench.Harness.Channels;
using RainForest.Bench.Report;
using RainForest.Cli;
using Spectre.Console;

namespace RainForest.Bench.Cli.Commands;

/// <summary><c>rfm bench channels</c>: FICM against sockets, pipes, TCP and a raw futex; RFloop against loopback.</summary>
/// <remarks>
/// Like micro and colocate it makes a temporary supervisor of its own (the state directory's supervisor is not
/// touched and need not exist) and removes it again, also on failure, Ctrl-C and SIGTERM.
/// </remarks>
internal static class ChannelsCommand
{
    public static Command Build()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer messages and a 2 s iperf3 run (well under 3 minutes)" };
        var noInstall = new Option<bool>("--no-install") { Description = "Do not install missing Debian packages (iperf3)" };
        var json = Globals.Json();
        var command = new Command("channels", "One-way latency and throughput of FICM between two subOSes of a temporary supervisor vs Unix socket, pipe, TCP and a raw futex; iperf3 over RFloop vs loopback")
        {
            quick, noInstall, json,
        };
        command.SetAction(parse =>
        {
            var asJson = parse.GetValue(json);
            var report = BenchConsole.Run(asJson || Console.IsOutputRedirected, (observer, token) =>
                ChannelsBenchmark.RunAsync(parse.GetValue(quick) ? BenchMode.Quick : BenchMode.Full, !parse.GetValue(noInstall), observer, token));
            if (asJson)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(report, BenchCliJsonContext.Default.ChannelsReport));
                return 0;
            }

            Print(report);
            return 0;
        });
        return command;
    }

    private static void Print(ChannelsReport report)
    {
        var unix = report.Messages.Where(m => m.Transport == IpcTransport.Unix).ToDictionary(m => m.Size, m => m.P50Us);
        var table = Output.Table("system", "transport", "wait", "spin µs", "size", "p50 µs", "p99 µs", "p99.9 µs", "msgs/s", "p50 vs unix socket");
        foreach (var m in report.Messages)
        {
            table.AddRow(m.System, m.Transport.ToName(), m.Wait.ToName(), m.SpinUs is { } spin ? spin.ToString("0.##", CultureInfo.InvariantCulture) : "-", $"{m.Size}",
                F(m.P50Us), F(m.P99Us), F(m.P999Us), m.MessagesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                unix.TryGetValue(m.Size, out var u) && m.P50Us > 0 ? (u / m.P50Us).ToString("0.0", CultureInfo.InvariantCulture) + "x lower" : "-");
        }

        Output.Write(table);
        var iperf = report.Iperf;
        if (iperf.Count == 2)
        {
            Console.WriteLine($"iperf3 TCP: host loopback {iperf[0].GbitPerSecond:0.00} Gbit/s, RFloop {iperf[1].GbitPerSecond:0.00} Gbit/s, ratio {iperf[1].GbitPerSecond / iperf[0].GbitPerSecond:0.00} (target >= 0.8; paper 0.63)");
        }
        else
        {
            Console.WriteLine("iperf3 not measured: it is not installed (rfm bench channels installs it as root, unless --no-install)");
        }

        Console.WriteLine($"{report.Cpus}; paced messages every {report.IntervalUs:0.##} µs; {report.Cgroup} cgroups; load average {report.LoadAverageAtStart} at start, {report.LoadAverageAtEnd} at end.");
        Console.WriteLine("A sleeping receiver that spins for less than the gap between messages sleeps before each one: its latency is the futex wake path, whose floor is the host futex row.");
        Console.WriteLine("targets: FICM 64 B p50 <= 0.5 µs spinning, <= 10 µs sleeping, >= 10 M msgs/s, >= 10x below the Unix socket. Host transports run between two host processes pinned to the same CPUs.");
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
