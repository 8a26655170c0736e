using System.CommandLine;
using RainForest.Core;
using RainForest.Supervisor;
using RainForest.Supervisor.Backends;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm exec NAME [-t] -- CMD ARGS...</c>: runs an unmodified binary inside.</summary>
internal static class ExecCommand
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "The subOS" };
        var argv = new Argument<string[]>("command") { Description = "Program and arguments (after --)", Arity = ArgumentArity.OneOrMore };
        var tty = new Option<bool>("--tty", "-t") { Description = "Run on a terminal inside the subOS" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set KEY=VALUE in the program's environment (KEY alone passes rfm's own value of KEY)", AllowMultipleArgumentsPerToken = false };
        var cwd = new Option<string?>("--cwd", "-w") { Description = "Working directory inside" };
        var command = new Command("exec", "Run a program inside a subOS; its exit code is rfm's") { name, argv, tty, env, cwd };
        command.SetAction(parse =>
        {
            var subOs = Globals.CheckName(parse.GetValue(name));
            var environment = Environment(parse.GetValue(env) ?? [], System.Environment.GetEnvironmentVariable);
            AgentEndpoint endpoint;
            using (var supervisor = Globals.Open(parse))
            {
                endpoint = supervisor.AgentEndpoint(subOs);
            }

            if (endpoint.Transport == ExecTransport.Streamed)
            {
                return StreamExecClient.Run(endpoint.Path, parse.GetValue(argv)!, environment, parse.GetValue(cwd), tty: parse.GetValue(tty));
            }

            return ExecClient.Run(endpoint.Path, parse.GetValue(argv)!, parse.GetValue(tty), environment, parse.GetValue(cwd));
        });
        return command;
    }

    /// <summary>
    /// The <c>--env</c> entries as KEY=VALUE: KEY alone takes rfm's own value, as <c>docker exec -e</c> does,
    /// and is refused when rfm has none (silently passing nothing hid typos).
    /// </summary>
    /// <exception cref="RfException">An entry has no key, or names a variable rfm does not have (exit 2).</exception>
    internal static string[] Environment(IReadOnlyList<string> entries, Func<string, string?> lookup)
    {
        var result = new string[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals == 0 || entry.Length == 0)
            {
                throw RfException.Invalid($"--env '{Printable.Escape(entry, 80)}': expected KEY=VALUE or KEY");
            }

            if (equals > 0)
            {
                result[i] = entry;
                continue;
            }

            result[i] = lookup(entry) is { } value
                ? $"{entry}={value}"
                : throw RfException.Invalid($"--env {Printable.Escape(entry, 80)}: no value given and rfm's environment has no {Printable.Escape(entry, 80)} (use {Printable.Escape(entry, 80)}=VALUE)");
        }

        return result;
    }
}
