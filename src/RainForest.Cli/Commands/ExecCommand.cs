using System.CommandLine;
using RainForest.Supervisor;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm exec NAME [-t] -- CMD ARGS...</c>: runs an unmodified binary inside.</summary>
internal static class ExecCommand
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "The subOS" };
        var argv = new Argument<string[]>("command") { Description = "Program and arguments (after --)", Arity = ArgumentArity.OneOrMore };
        var tty = new Option<bool>("--tty", "-t") { Description = "Run on a terminal inside the subOS" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set KEY=VALUE in the program's environment", AllowMultipleArgumentsPerToken = false };
        var cwd = new Option<string?>("--cwd", "-w") { Description = "Working directory inside" };
        var command = new Command("exec", "Run a program inside a subOS; its exit code is rfm's") { name, argv, tty, env, cwd };
        command.SetAction(parse =>
        {
            var subOs = Globals.CheckName(parse.GetValue(name));
            string socket;
            using (var supervisor = Globals.Open(parse))
            {
                socket = supervisor.AgentSocket(subOs);
            }

            return ExecClient.Run(socket, parse.GetValue(argv)!, parse.GetValue(tty), parse.GetValue(env) ?? [], parse.GetValue(cwd));
        });
        return command;
    }
}
