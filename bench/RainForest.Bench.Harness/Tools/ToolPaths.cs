using RainForest.Bench.Harness.Systems;
using RainForest.Core;

namespace RainForest.Bench.Harness.Tools;

/// <summary>Where this project's benchmark programs are: the <c>tools</c> folder next to rf-bench, or <c>RF_TOOLS_DIR</c>.</summary>
public static class ToolPaths
{
    /// <summary>The environment variable that names the tools folder (tests point it at a build output).</summary>
    public const string Variable = "RF_TOOLS_DIR";

    /// <summary>The tools folder.</summary>
    public static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(Variable);
            return string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "tools") : Path.GetFullPath(configured);
        }
    }

    /// <summary>rf-bench-worker, the micro-benchmark worker.</summary>
    /// <exception cref="RfException">It is missing.</exception>
    public static string Worker => Require("rf-bench-worker");

    /// <summary>rf-loadgen, the open-loop memcached load generator.</summary>
    /// <exception cref="RfException">It is missing.</exception>
    public static string Loadgen => Require("rf-loadgen");

    /// <summary>rf-ipc-bench, the two ends of the channels benchmark.</summary>
    /// <exception cref="RfException">It is missing.</exception>
    public static string Ipc => Require("rf-ipc-bench");

    /// <summary>
    /// Points the supervisors this process opens at rfm's own rf-agent, one directory above the running program
    /// (rf-bench is installed in <c>bench/</c> beside rfm), unless <c>RF_AGENT</c> already names one.
    /// </summary>
    public static void UseAgentAbove()
    {
        var agent = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "rf-agent"));
        if (File.Exists(agent))
        {
            SupervisorQueries.UseAgentUnlessSet(agent);
        }
    }

    private static string Require(string name)
    {
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
        {
            throw RfException.Failed($"{path} is missing (./rfm builds it into .build/bin/bench/tools; or set {Variable})");
        }

        return path;
    }
}
