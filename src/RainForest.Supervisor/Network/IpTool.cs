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

    private static string Run(string tool, string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
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
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw RfException.Failed($"{tool} {string.Join(' ', args)}: {error.Trim()}");
            }

            return output.GetAwaiter().GetResult();
        }
    }
}
