using System.CommandLine;
using RainForest.Supervisor.Json;
using RainForest.Core;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm reclaim TAKER|--all [--cpus N]</c>: lent CPUs go back to their donors, newest loan first.</summary>
internal static class ReclaimCommand
{
    public static Command Build()
    {
        var taker = new Argument<string?>("taker") { Description = "The subOS whose borrowed CPUs go back", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Every loan of every subOS" };
        var cpus = new Option<string?>("--cpus") { Description = "How many CPUs (default: all it borrowed)" };
        var idle = new Option<bool>("--idle") { Description = "End TAKER's run in another's idle time (rfm lend --idle); owning no CPU, it is parked" };
        var json = Globals.Json();
        var command = new Command("reclaim", "Return lent CPUs to their donors (a parked donor thaws), or end a loan of idle time") { taker, all, cpus, idle, json };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(taker);
            var everyone = parse.GetValue(all);
            if ((name is null) == !everyone)
            {
                throw RfException.Invalid("rfm reclaim needs a TAKER or --all (not both)");
            }

            if (parse.GetValue(idle))
            {
                if (name is null || parse.GetValue(cpus) is not null)
                {
                    throw RfException.Invalid("rfm reclaim --idle needs a TAKER, without --all or --cpus");
                }

                using var sharing = Globals.Open(parse);
                sharing.EndIdle(Globals.CheckName(name), "by hand (rfm reclaim --idle)");
                Console.WriteLine($"{name} runs on its own CPUs again" + (sharing.ElasticStateOf(name).Parked ? " (it owns none: parked until one returns)" : string.Empty));
                return 0;
            }

            if (name is not null)
            {
                Globals.CheckName(name);
            }

            var count = parse.GetValue(cpus) is { } text ? Globals.ParseCount(text, "--cpus") : (int?)null;
            using var supervisor = Globals.Open(parse);
            var returned = supervisor.Reclaim(name, count, "by hand (rfm reclaim)");
            if (parse.GetValue(json))
            {
                Output.Json(returned, RfmJsonContext.Default.IReadOnlyListLoanRecord);
                return 0;
            }

            foreach (var loan in returned)
            {
                Console.WriteLine($"returned CPUs {loan.Cpus} from {loan.Taker} to {loan.Donor} (loan {loan.Id})");
            }

            return 0;
        });
        return command;
    }
}
