using System.CommandLine;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm reconcile</c>: what every command does first, on its own.</summary>
internal static class ReconcileCommand
{
    public static Command Build()
    {
        var command = new Command("reconcile", "Check the ledger against the kernel and repair what a crash left behind");
        command.SetAction(parse =>
        {
            using var supervisor = Globals.Open(parse, reconcile: false, requireInit: false);
            var repairs = supervisor.Reconcile();
            Console.WriteLine(repairs.Count == 0 ? "ledger and kernel agree" : string.Join(Environment.NewLine, repairs.Select(r => "repaired: " + r)));
            var problems = supervisor.CheckInvariants();
            foreach (var p in problems)
            {
                Console.Error.WriteLine($"rfm: ledger invariant broken: {p}");
            }

            return problems.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
