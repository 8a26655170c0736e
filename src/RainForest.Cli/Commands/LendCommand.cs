using System.CommandLine;
using System.Globalization;
using RainForest.Supervisor.Json;
using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm lend DONOR TAKER --cpus N [--for DURATION] | --idle</c>: a loan by hand, recorded as the controller's are.</summary>
internal static class LendCommand
{
    public static Command Build()
    {
        var donor = new Argument<string>("donor") { Description = "The subOS that lends" };
        var taker = new Argument<string>("taker") { Description = "The subOS that borrows" };
        var cpus = new Option<string?>("--cpus") { Description = "How many CPUs (a donor lent its last is parked: frozen until one returns)" };
        var length = new Option<string?>("--for") { Description = "How long the loan lasts (10s, 5m, 1h); returned by the first rfm command after" };
        var idle = new Option<bool>("--idle")
        {
            Description = "Lend idle time instead: the taker also runs on the donor's CPUs, at idle priority (the donor's tasks preempt it at once); the CPUs stay the donor's",
        };
        var json = Globals.Json();
        var command = new Command("lend", "Lend CPUs, or idle time, from one subOS to another (journalled as lend and borrow)") { donor, taker, cpus, length, idle, json };
        command.SetAction(parse =>
        {
            var from = Globals.CheckName(parse.GetValue(donor));
            var to = Globals.CheckName(parse.GetValue(taker));
            if (parse.GetValue(idle))
            {
                if (parse.GetValue(cpus) is not null || parse.GetValue(length) is not null)
                {
                    throw RfException.Invalid("--idle lends idle time on all of the donor's CPUs until 'rfm reclaim TAKER --idle': drop --cpus and --for");
                }

                using var sharing = Globals.Open(parse);
                sharing.ShareIdle(from, to, "by hand (rfm lend --idle)");
                Console.WriteLine($"{to} now also runs on {from}'s CPUs, at idle priority (rfm reclaim {to} --idle ends it)");
                return 0;
            }

            var count = Globals.ParseCount(parse.GetValue(cpus) ?? throw RfException.Invalid("rfm lend needs --cpus N (or --idle)"), "--cpus");
            var duration = parse.GetValue(length) is { } text ? DurationText.Parse(text, "--for") : (TimeSpan?)null;
            if (duration is { } d && d <= TimeSpan.Zero)
            {
                throw RfException.Invalid($"--for {Printable.Escape(parse.GetValue(length))}: expected a positive duration");
            }

            using var supervisor = Globals.Open(parse);
            var loan = supervisor.Lend(from, to, count, "by hand (rfm lend)", duration);
            if (parse.GetValue(json))
            {
                Output.Json(loan, RfmJsonContext.Default.LoanRecord);
                return 0;
            }

            var until = loan.Expires is { } e ? $", until {e.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}" : string.Empty;
            Console.WriteLine($"lent CPUs {loan.Cpus} from {loan.Donor} to {loan.Taker} (loan {loan.Id}{until})");
            if (supervisor.ElasticStateOf(from).Parked)
            {
                Console.WriteLine($"{from} is parked: frozen until a CPU returns (rfm reclaim {to})");
            }

            return 0;
        });
        return command;
    }
}
