using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using RainForest.Supervisor.Json;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Supervisor;
using Spectre.Console;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm policy set|ls|show|rm</c>: the elastic controller's policies, stored in the ledger and run by <c>rfm serve</c>.</summary>
internal static class PolicyCommand
{
    public static Command Build()
    {
        var policy = new Command("policy", "Elastic policies: keep a subOS's latency within an SLO by moving CPUs from a donor (run by 'rfm serve')");
        policy.Subcommands.Add(BuildSet());
        policy.Subcommands.Add(BuildList());
        policy.Subcommands.Add(BuildShow());
        policy.Subcommands.Add(BuildRemove());
        return policy;
    }

    private static Command BuildSet()
    {
        var taker = new Argument<string>("taker") { Description = "The latency-critical subOS the policy protects" };
        var slo = new Option<string>("--slo") { Description = "The objective: pPERCENTILE<=DURATION, such as p99<=5ms", Required = true };
        var probe = new Option<string>("--probe")
        {
            Description = "memcached://HOST:PORT[/KEY], http://HOST:PORT/PATH, tcp://HOST:PORT or prometheus://HOST:PORT/PATH?histogram=NAME (HOST may be NAME.rf)",
            Required = true,
        };
        var donor = new Option<string>("--donor") { Description = "The subOS that lends its CPUs", Required = true };
        var kind = new Option<string>("--policy") { Description = "threshold (the paper's) or slack", Required = true };
        var window = new Option<string?>("--window") { Description = "Observation window (threshold 10s, slack 500ms, at most 1s)" };
        var lt = new Option<string?>("--lt") { Description = "threshold: give a CPU back below this window tail (default 0.8 x ut)" };
        var ut = new Option<string?>("--ut") { Description = "threshold: take a CPU above this window tail (default the SLO's bound)" };
        var minCpus = new Option<string?>("--min-cpus") { Description = "Fewest CPUs the taker keeps (default 1)" };
        var maxCpus = new Option<string?>("--max-cpus") { Description = "Most CPUs the taker may hold (default no limit)" };
        var floor = new Option<string?>("--donor-floor") { Description = "Fewest CPUs the donor keeps (default 0: it may be parked)" };
        var rate = new Option<string?>("--rate") { Description = $"Probe requests per second (default {ElasticPolicySpec.DefaultProbeRate})" };
        var memoryStep = new Option<string?>("--memory-step") { Description = "slack: memory moved per step under memory pressure (default 64M; 0 never)" };
        var idleShare = new Option<bool>("--idle-share")
        {
            Description = "The donor also runs in the taker's idle time, at idle priority (rfm lend TAKER DONOR --idle), while the policy exists: it uses what the taker leaves and is never parked",
        };
        var json = Globals.Json();
        var command = new Command("set", "Store (or replace) the policy of TAKER") { taker, slo, probe, donor, kind, window, lt, ut, minCpus, maxCpus, floor, rate, memoryStep, idleShare, json };
        command.SetAction(parse =>
        {
            // Everything is parsed and checked before the ledger is opened: bad input changes nothing. PUT /v1/policies/{taker}
            // parses its body with the same PolicyInput.
            var spec = PolicyInput.Parse(
                parse.GetValue(taker)!,
                parse.GetValue(donor)!,
                parse.GetValue(slo)!,
                parse.GetValue(probe)!,
                parse.GetValue(kind)!,
                parse.GetValue(window),
                parse.GetValue(lt),
                parse.GetValue(ut),
                PolicyInput.Count(parse.GetValue(minCpus), "--min-cpus"),
                PolicyInput.Count(parse.GetValue(maxCpus), "--max-cpus"),
                PolicyInput.Count(parse.GetValue(floor), "--donor-floor", allowZero: true),
                PolicyInput.Count(parse.GetValue(rate), "--rate"),
                parse.GetValue(memoryStep),
                parse.GetValue(idleShare));

            using var supervisor = Globals.Open(parse);
            supervisor.SetPolicy(spec);
            if (parse.GetValue(json))
            {
                Output.Json(PolicyView.Of(spec), RfmJsonContext.Default.PolicyView);
            }
            else
            {
                Console.WriteLine($"policy {spec.Taker}: {Summary(spec)}");
            }

            NoteWithoutService(supervisor.State);
            return 0;
        });
        return command;
    }

    private static Command BuildList()
    {
        var json = Globals.Json();
        var command = new Command("ls", "List policies") { json };
        command.SetAction(parse =>
        {
            using var supervisor = Globals.Open(parse);
            var policies = supervisor.Policies();
            if (parse.GetValue(json))
            {
                Output.Json([.. policies.Select(PolicyView.Of)], RfmJsonContext.Default.IReadOnlyListPolicyView);
                NoteWithoutService(supervisor.State);
                return 0;
            }

            var table = Output.Table("taker", "donor", "policy", "slo", "probe", "window", "lt/ut", "taker cpus", "donor floor");
            foreach (var p in policies.Select(PolicyView.Of))
            {
                table.AddRow(p.Taker, p.Donor, p.Policy, Output.Escape(p.Slo), Output.Escape($"{p.Probe} at {p.Rate}/s"), p.Window,
                    p.Lt is null ? "-" : $"{p.Lt}/{p.Ut}", $"{p.MinCpus}-{p.MaxCpus?.ToString(CultureInfo.InvariantCulture) ?? "any"}", $"{p.DonorFloor}");
            }

            Output.Write(table);
            NoteWithoutService(supervisor.State);
            return 0;
        });
        return command;
    }

    private static Command BuildShow()
    {
        var taker = new Argument<string>("taker") { Description = "The subOS whose policy to show" };
        var json = Globals.Json();
        var command = new Command("show", "Show one policy, with the taker's loans") { taker, json };
        command.SetAction(parse =>
        {
            var name = Globals.CheckName(parse.GetValue(taker));
            using var supervisor = Globals.Open(parse);
            var spec = supervisor.Policies().FirstOrDefault(p => p.Taker == name)
                ?? throw RfException.Invalid($"'{name}' has no policy (rfm policy ls lists them)");
            var p = PolicyView.Of(spec);
            if (parse.GetValue(json))
            {
                Output.Json(p, RfmJsonContext.Default.PolicyView);
                NoteWithoutService(supervisor.State);
                return 0;
            }

            var table = Output.Table("field", "value");
            table.AddRow("taker", p.Taker);
            table.AddRow("donor", p.Donor);
            table.AddRow("policy", p.Policy);
            table.AddRow("slo", Output.Escape(p.Slo));
            table.AddRow("probe", Output.Escape($"{p.Probe} at {p.Rate} requests/s"));
            table.AddRow("window", p.Window);
            if (p.Lt is not null)
            {
                table.AddRow("thresholds (lt, ut)", $"{p.Lt}, {p.Ut}");
            }

            table.AddRow("taker cpus", $"{p.MinCpus} to {p.MaxCpus?.ToString(CultureInfo.InvariantCulture) ?? "any"}");
            table.AddRow("donor floor", $"{p.DonorFloor} CPU(s){(p.DonorFloor == 0 && !p.IdleShare ? " (parked when lent its last)" : string.Empty)}");
            table.AddRow("idle share", p.IdleShare ? $"{p.Donor} also runs in {p.Taker}'s idle time, at idle priority" : "no");
            if (spec.Kind == PolicyKind.Slack)
            {
                table.AddRow("memory step", $"{p.MemoryStep} (the donor keeps {p.DonorMemoryFloor})");
            }

            var loans = supervisor.Loans(name);
            table.AddRow("borrowed now", loans.Count == 0 ? "-" : string.Join("; ", loans.Select(l => $"{l.Cpus} from {l.Donor}")));
            Output.Write(table);
            NoteWithoutService(supervisor.State);
            return 0;
        });
        return command;
    }

    private static Command BuildRemove()
    {
        var taker = new Argument<string>("taker") { Description = "The subOS whose policy to remove" };
        var command = new Command("rm", "Remove a policy (CPUs it lent stay where they are: rfm reclaim returns them)") { taker };
        command.SetAction(parse =>
        {
            var name = Globals.CheckName(parse.GetValue(taker));
            using var supervisor = Globals.Open(parse);
            supervisor.RemovePolicy(name);
            Console.WriteLine($"removed the policy of {name}");
            return 0;
        });
        return command;
    }

    /// <summary>The policy in one line: <c>slack p99&lt;=5ms, donor batch, probe ..., window 500ms</c>.</summary>
    internal static string Summary(ElasticPolicySpec p) =>
        $"{p.Kind.ToText()} {p.Slo}, donor {p.Donor}, probe {p.Probe} at {p.ProbeRate}/s, window {DurationText.Format(p.Window)}"
        + (p.Kind == PolicyKind.Threshold ? $", (lt, ut) = ({DurationText.Format(p.Lower)}, {DurationText.Format(p.Upper)})" : string.Empty);

    /// <summary>The socket <c>rfm serve</c> listens on by default.</summary>
    internal static string ServiceSocket(StateDirectory state) => Path.Combine(state.Path, "rfm.sock");

    /// <summary>Whether an <c>rfm serve</c> answers on the state directory's socket (a connect, nothing sent).</summary>
    internal static bool ServiceRuns(StateDirectory state)
    {
        var path = ServiceSocket(state);
        if (!File.Exists(path))
        {
            return false;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            // A socket file left by a service that died: nothing listens.
            return false;
        }
    }

    private static void NoteWithoutService(StateDirectory state)
    {
        if (!ServiceRuns(state))
        {
            Console.Error.WriteLine($"rfm: note: no 'rfm serve' runs ({ServiceSocket(state)}): policies are stored, and nothing enforces them until one starts");
        }
    }
}
