using System.CommandLine;
using System.Globalization;
using RainForest.Core;
using RainForest.Supervisor.Bench;
using Spectre.Console;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm bench channels</c>: FICM against sockets, pipes and TCP; RFloop against loopback.</summary>
internal static class BenchChannelsCommand
{
    public static Command Build()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer messages and a 2 s iperf3 run (well under 3 minutes)" };
        var json = Globals.Json();
        var command = new Command("channels", "One-way latency and throughput of FICM between two subOSes vs Unix socket, pipe and TCP; iperf3 over RFloop vs loopback") { quick, json };
        command.SetAction(parse =>
        {
            var tool = Path.Combine(AppContext.BaseDirectory, "tools", "rf-ipc-bench");
            if (!File.Exists(tool))
            {
                throw RfException.Failed($"{tool} is missing: build with ./rfm");
            }

            using var supervisor = Globals.Open(parse);
            IReadOnlyList<ChannelsResult> messages = [];
            IReadOnlyList<(string System, double GbitPerSecond)> iperf = [];
            void Run(Action<string> progress) => (messages, iperf) = new ChannelsBenchmark(supervisor, tool, parse.GetValue(quick), progress).Run();
            if (parse.GetValue(json) || Console.IsErrorRedirected)
            {
                Run(_ => { });
            }
            else
            {
                AnsiConsole.Status().Start("channels", ctx => Run(step => ctx.Status(step)));
            }

            var unix = messages.Where(m => m.Transport == "unix").ToDictionary(m => m.Size, m => m.P50Us);
            if (parse.GetValue(json))
            {
                Output.Json(new { Experiment = "channels", Quick = parse.GetValue(quick), Messages = messages, Iperf = iperf.Select(i => new { i.System, i.GbitPerSecond }) });
                return 0;
            }

            var table = Output.Table("system", "transport", "wait", "size", "p50 µs", "p99 µs", "p99.9 µs", "msgs/s", "p50 vs unix socket");
            foreach (var m in messages)
            {
                table.AddRow(m.System, m.Transport, m.Wait, $"{m.Size}", F(m.P50Us), F(m.P99Us), F(m.P999Us), m.MessagesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                    unix.TryGetValue(m.Size, out var u) && m.P50Us > 0 ? (u / m.P50Us).ToString("0.0", CultureInfo.InvariantCulture) + "x lower" : "-");
            }

            Output.Write(table);
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
