using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RainForest.Bench.Contracts;
using RainForest.Bench.Harness.Channels;
using RainForest.Bench.Harness.Tools;
using RainForest.Cli;
using Spectre.Console;

namespace RainForest.Bench.Cli.Commands;

/// <summary><c>rfm bench channels</c>: FICM against sockets, pipes and TCP; RFloop against loopback.</summary>
internal static class ChannelsCommand
{
    public static Command Build()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer messages and a 2 s iperf3 run (well under 3 minutes)" };
        var json = Globals.Json();
        var command = new Command("channels", "One-way latency and throughput of FICM between two subOSes vs Unix socket, pipe and TCP; iperf3 over RFloop vs loopback") { quick, json };
        command.SetAction(parse =>
        {
            var tool = ToolPaths.Ipc;
            using var supervisor = Globals.Open(parse);
            ChannelsReport? report = null;
            void Run(Action<string> progress) => report = new ChannelsBenchmark(supervisor, tool, parse.GetValue(quick), progress).Run();
            if (parse.GetValue(json) || Console.IsErrorRedirected)
            {
                Run(_ => { });
            }
            else
            {
                AnsiConsole.Status().Start("channels", ctx => Run(step => ctx.Status(step)));
            }

            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(report!, BenchCliJsonContext.Default.ChannelsReport));
                return 0;
            }

            var unix = report!.Messages.Where(m => m.Transport == IpcTransport.Unix).ToDictionary(m => m.Size, m => m.P50Us);
            var table = Output.Table("system", "transport", "wait", "size", "p50 µs", "p99 µs", "p99.9 µs", "msgs/s", "p50 vs unix socket");
            foreach (var m in report.Messages)
            {
                table.AddRow(m.System, m.Transport.ToName(), m.Wait.ToName(), $"{m.Size}", F(m.P50Us), F(m.P99Us), F(m.P999Us), m.MessagesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
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
                Console.WriteLine("iperf3 not measured: /usr/bin/iperf3 is missing (apt-get install iperf3)");
            }

            Console.WriteLine("targets: FICM 64 B p50 <= 0.5 µs spinning, <= 10 µs sleeping, >= 10 M msgs/s, >= 10x below the Unix socket. Host transports run between two host processes pinned to the same CPUs.");
            return 0;
        });
        return command;
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
