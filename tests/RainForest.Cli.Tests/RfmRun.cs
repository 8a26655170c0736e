using RainForest.Core;

namespace RainForest.Cli.Tests;

/// <summary>Runs <c>rfm</c> in-process through <see cref="RfmApp.Run"/>, capturing what it prints.</summary>
internal static class RfmRun
{
    private static readonly Lock s_console = new();

    /// <summary>Runs rfm with <c>--state-dir</c> first; returns the exit code and the two streams.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string stateDir, params string[] args)
    {
        lock (s_console)
        {
            var (oldOut, oldError) = (Console.Out, Console.Error);
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Console.SetOut(stdout);
            Console.SetError(stderr);
            try
            {
                var code = RfmApp.Run(["--state-dir", stateDir, .. args]);
                return (code, stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }

    /// <summary>Runs rfm and fails the test unless it exits 0.</summary>
    public static string Ok(string stateDir, params string[] args)
    {
        var (code, stdout, stderr) = Run(stateDir, args);
        return code == 0 ? stdout : throw new InvalidOperationException($"rfm {string.Join(' ', args)} exited {code}: {Printable.Escape(stderr, 2000)}");
    }
}
