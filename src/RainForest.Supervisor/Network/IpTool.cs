using System.Diagnostics;
using RainForest.Core;

namespace RainForest.Supervisor.Network;

/// <summary>Runs iproute2 and util-linux nsenter: the standard tools for links, bridges and namespaces.</summary>
internal static class IpTool
{
    /// <summary>Runs <c>ip ARGS</c>; throws a run-time failure carrying ip's own message.</summary>
    public static string Ip(params string[] args) => Run("ip", args);

    /// <summary>Runs <c>ip ARGS</c> inside the network namespace of process <paramref name="pid"/>.</summary>
    public static string IpIn(int pid, params string[] args) =>
        Run("nsenter", ["--net=/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/ns/net", "ip", .. args]);

    /// <summary>Runs <paramref name="tool"/>, feeding it <paramref name="input"/> on stdin when given; throws with its own message.</summary>
    internal static string Run(string tool, string[] args, string? input = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw RfException.Failed($"cannot start {tool}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw RfException.Failed($"{tool} is missing ({e.Message}): apt-get install iproute2 util-linux");
        }

        using (process)
        {
            // Both pipes are drained while stdin is written, so a tool that answers early cannot stall us.
            var output = process.StandardOutput.ReadToEndAsync();
            var errorText = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                try
                {
                    process.StandardInput.Write(input);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The tool quit before reading it all (EPIPE); its exit code and stderr below say why.
                }
            }

            var error = errorText.GetAwaiter().GetResult();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw RfException.Failed($"{tool} {string.Join(' ', args)}: {error.Trim()}");
            }

            return output.GetAwaiter().GetResult();
        }
    }
}
