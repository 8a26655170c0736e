using System.CommandLine;
using RainForest.Supervisor.Json;
using Spectre.Console;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm audit NAME</c>: each guard of a subOS with pass or fail, as the host sees it.</summary>
/// <remarks>Exit 0 when every guard passed, 1 when one failed (a <c>--privileged</c> subOS fails by request).</remarks>
internal static class AuditCommand
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "The subOS" };
        var json = Globals.Json();
        var command = new Command("audit", "Check each guard of a running subOS from the host: user namespace, capabilities, seccomp, locked and masked paths, pids limit, device rules") { name, json };
        command.SetAction(parse =>
        {
            var subOs = Globals.CheckName(parse.GetValue(name));
            using var supervisor = Globals.Open(parse);
            var report = supervisor.Audit(subOs);
            if (parse.GetValue(json))
            {
                Output.Json(report, RfmJsonContext.Default.AuditReport);
            }
            else
            {
                var table = Output.Table("guard", "result", "found");
                foreach (var check in report.Checks)
                {
                    table.AddRow(Output.Escape(check.Guard), check.Passed ? "[green]pass[/]" : "[red]FAIL[/]", Output.Escape(check.Detail));
                }

                Output.Write(table);
                Console.WriteLine(report.Passed
                    ? $"{report.Name}: every guard holds"
                    : $"{report.Name}: {report.Checks.Count(c => !c.Passed)} guard(s) failed{(report.Privileged ? " (created with --privileged)" : string.Empty)}");
            }

            return report.Passed ? 0 : 1;
        });
        return command;
    }
}
