using System.Diagnostics;
using RainForest.Core;

namespace RainForest.Vm;

/// <summary>Runs a host program to completion and captures what it printed.</summary>
internal static class HostCommand
{
    /// <summary>Runs <paramref name="program"/>; a non-zero exit becomes a one-line failure naming the program and its last error line.</summary>
    public static string Run(string program, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var (code, stdout, stderr) = TryRun(program, arguments, workingDirectory, timeout);
        if (code != 0)
        {
            var last = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault(l => !l.StartsWith("W:", StringComparison.Ordinal)) ?? $"exit code {code}";
            throw RfException.Failed($"{program} {string.Join(' ', arguments)}: {last}");
        }

        return stdout;
    }

    /// <summary>Runs <paramref name="program"/> and returns its exit code and output; killed (exit -1) past the timeout.</summary>
    public static (int ExitCode, string Stdout, string Stderr) TryRun(string program, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw RfException.Failed($"cannot start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw RfException.Failed($"cannot start {program}: {e.Message}");
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
            {
                process.Kill();
                process.WaitForExit();
                return (-1, stdout.GetAwaiter().GetResult(), $"{program} did not finish within {timeout}");
            }

            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
    }

    /// <summary>The full path of a program on PATH, or null.</summary>
    public static string? Find(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }

        // The system directories come last: depmod and friends live in sbin, which a user's PATH may lack.
        var path = $"{Environment.GetEnvironmentVariable("PATH")}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }
}
