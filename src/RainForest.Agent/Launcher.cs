using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>First stage: joins the cgroups, then execs util-linux unshare to make the namespaces.</summary>
/// <remarks>
/// The cgroups are joined before the namespaces are made so that the cgroup namespace's root is the
/// subOS's own group, and every process of the subOS, pid 1 included, is charged to it from birth.
/// A .NET process cannot unshare its mount namespace (it has threads) nor fork safely into a new pid
/// namespace, so util-linux unshare, single-threaded C, does that part.
/// </remarks>
internal static class Launcher
{
    private static readonly string[] s_unshareCandidates = ["/usr/bin/unshare", "/bin/unshare"];

    public static int Run(string specPath, string[] procsFiles)
    {
        try
        {
            var pid = ProcessInfo.CurrentPid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var file in procsFiles)
            {
                File.WriteAllText(file, pid);
            }

            var unshare = s_unshareCandidates.FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException("util-linux unshare not found (apt-get install util-linux)");
            var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find rf-agent's own path");
            Spawner.Exec(unshare,
            [
                "unshare", "--pid", "--fork", "--mount", "--uts", "--ipc", "--net", "--cgroup",
                "--propagation", "private", "--", self, "init", specPath,
            ]);
            return 1;
        }
        catch (Exception e)
        {
            Ready.Fail($"launch: {e.Message}");
            return 1;
        }
    }
}
